"""Errors of the missions domain."""

from __future__ import annotations

from marketplace.core.errors import Conflict


class MissionNotOpenError(Conflict):
    """Somebody else took the mission, or it is no longer open."""
