"""Errors of the missions domain."""

from __future__ import annotations

from marketplace.core.errors import Conflict, InvalidTransition


class MissionNotOpenError(Conflict, InvalidTransition):
    """Somebody else took the mission, or it is no longer open."""
