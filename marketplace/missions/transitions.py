"""The one way a mission's status changes: validated by the lifecycle table, applied by a
conditional UPDATE so that two concurrent changes cannot both win."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update

from marketplace.core.db import db
from marketplace.missions.errors import MissionNotOpenError
from marketplace.missions.lifecycle import MissionStatus, mission_transition
from marketplace.missions.models import Mission


def move_mission(mission: Mission, target: MissionStatus, **values: object) -> None:
    """Change status with a conditional UPDATE, so two concurrent changes cannot both win."""
    current = mission.status
    mission_transition(current, target)
    result = cast("CursorResult[Any]", db.session.execute(
        update(Mission).where(Mission.id == mission.id, Mission.status == current)
        .values(status=target, **values).execution_options(synchronize_session="fetch")
    ))
    if result.rowcount != 1:
        db.session.rollback()
        raise MissionNotOpenError("This mission changed meanwhile; please reload.")
