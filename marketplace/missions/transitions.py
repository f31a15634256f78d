"""The one way a mission's status changes: validated by the lifecycle table, applied by a
conditional UPDATE so that two concurrent changes cannot both win."""

from __future__ import annotations

from typing import Any

from marketplace.core.db import db
from marketplace.core.state import require_transition
from marketplace.missions.errors import MissionNotOpenError
from marketplace.missions.lifecycle import MISSION_TRANSITIONS, MissionStatus
from marketplace.missions.models import Mission


def move_mission(mission: Mission, target: MissionStatus, **values: Any) -> None:
    """Change status with a conditional UPDATE, so two concurrent changes cannot both win.

    A lost race raises MissionNotOpenError and leaves the transaction to the caller (who
    rolls it back, or lets the error handler do it)."""
    require_transition(db.session, mission, MISSION_TRANSITIONS, target,
                       error=MissionNotOpenError("This mission changed meanwhile; please reload."),
                       **values)
