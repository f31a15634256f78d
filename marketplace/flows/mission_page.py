"""What the mission page reads about its mission, in one statement.

The mission page is the one every helper opens before taking a mission. It shows the
mission with both people, its matching mode (and what that mode allows this viewer) and
where its payment stands; each came from its own statement. They live in three domains
(missions, their matching state, payments), so the statement that joins them lives here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from marketplace.accounts import services as accounts
from marketplace.accounts.models import HelperProfile, User
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
    its latest payment; a helper's own profile and skills come along (the page shows how
    far the mission is from home and whether it matches their skills)."""
    with_profile = viewer.is_helper and "helper_profile" not in viewer.__dict__
    found: Any = db.session.execute(_statement(with_profile),
                                    {"mission_id": mission_id, "viewer_id": viewer.id}
                                    ).unique().first()
    mission = visible_to(viewer, found[0] if found is not None else None)
    assert found is not None  # visible_to raised otherwise
    if with_profile:
        accounts.keep_helper_profile(viewer, found[3])
    return MissionPage(mission, found[1], found[2])


@functools.cache
def _statement(with_profile: bool) -> Any:
    """Built once per process (building and hashing it cost more than running it)."""
    attempts = aliased(Payment)
    latest = (select(func.max(attempts.id)).where(attempts.mission_id == Mission.id)
              .correlate(Mission).scalar_subquery())
    query = (select(Mission, MissionMatching, Payment)
             .outerjoin(MissionMatching, MissionMatching.mission_id == Mission.id)
             .outerjoin(Payment, Payment.id == latest)
             .where(Mission.id == bindparam("mission_id", type_=Integer()))
             .options(joinedload(Mission.client), joinedload(Mission.helper)))
    if with_profile:
        query = (query.add_columns(HelperProfile)
                 .outerjoin(HelperProfile,
                            HelperProfile.user_id == bindparam("viewer_id", type_=Integer()))
                 .options(joinedload(HelperProfile.skills)))
    return query
