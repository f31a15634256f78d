"""What the mission page reads about its mission, in one statement.

The mission page is the one every helper opens before taking a mission. It shows the
mission with both people, its matching mode (and what that mode allows this viewer) and
where its payment stands; each came from its own statement. They live in three domains
(missions, their matching state, payments), so the statement that joins them lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.missions.matching.models import MissionMatching
from marketplace.missions.models import Mission
from marketplace.missions.services.missions import visible_to
from marketplace.payments.models import Payment


@dataclass(frozen=True)
class MissionPage:
    mission: Mission
    state: MissionMatching | None  # None: posted before matching existed (instant)
    payment: Payment | None  # the latest checkout attempt, if any


def load(viewer: User, mission_id: int) -> MissionPage:
    """The mission if `viewer` may see it (NotFound otherwise), with its matching state and
    its latest payment."""
    attempts = aliased(Payment)
    latest = (select(func.max(attempts.id)).where(attempts.mission_id == Mission.id)
              .correlate(Mission).scalar_subquery())
    found = db.session.execute(
        select(Mission, MissionMatching, Payment)
        .outerjoin(MissionMatching, MissionMatching.mission_id == Mission.id)
        .outerjoin(Payment, Payment.id == latest)
        .where(Mission.id == mission_id)
        .options(joinedload(Mission.client), joinedload(Mission.helper))).first()
    mission = visible_to(viewer, found[0] if found is not None else None)
    assert found is not None  # visible_to raised otherwise
    return MissionPage(mission, found[1], found[2])
