"""Errors of the missions domain."""

from __future__ import annotations

from marketplace.core.errors import Conflict, InvalidTransition
from marketplace.core.i18n import lazy_gettext as _l


class MissionNotOpenError(Conflict, InvalidTransition):
    """Somebody else took the mission, or it is no longer open."""


TAKEN = _l("Another helper took this mission a moment ago.")


class MissionTakenError(MissionNotOpenError):
    """Another helper won the race to accept: the loser is told so and sent back to the list."""


class MissionNotStartedError(Conflict):
    """Work cannot be marked done before the mission's start time."""
