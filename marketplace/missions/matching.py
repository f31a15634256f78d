"""Matching services: ranked eligible helpers for a mission, and operator assignment."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.core.errors import Forbidden, NotFound
from marketplace.extensions import db
from marketplace.missions import eligibility, nearby, ranking
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.services import MissionNotOpenError, move_mission
from marketplace.missions.status import MissionStatus


def _mission_for_matcher(user: User, mission_id: int) -> Mission:
    """The mission's client and operators may look for helpers; anyone else gets 404."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or not (user.is_operator or mission.client_id == user.id):
        raise NotFound("No such mission.")
    return mission


def ranked_helpers(user: User, mission_id: int,
                   limit: int = 50) -> tuple[Mission, list[ranking.RankedHelper]]:
    """Eligible helpers whose area covers the mission, best first (see ranking)."""
    mission = _mission_for_matcher(user, mission_id)
    rows = eligibility.eligible_helpers(mission, limit=limit)
    return mission, ranking.rank(nearby.load_profiles(rows))


def operator_assign(operator: User, mission_id: int, helper_id: int) -> Mission:
    """An operator gives an open mission to any eligible helper."""
    if not operator.is_operator:
        raise Forbidden("Only operators can assign helpers.")
    mission = _mission_for_matcher(operator, mission_id)
    helper = db.session.get(User, helper_id)
    if helper is None:
        raise NotFound("No such helper.")
    reasons = eligibility.reasons_not_eligible(helper, mission)
    if reasons:
        raise Forbidden(f"{helper.full_name} cannot take this mission: {reasons[0]}")
    if mission.status != MissionStatus.OPEN:
        raise MissionNotOpenError("This mission is no longer open.")
    move_mission(mission, MissionStatus.ASSIGNED, helper_id=helper.id)
    db.session.add(Assignment(mission_id=mission.id, helper_id=helper.id))
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise MissionNotOpenError("Another helper took this mission.") from exc
    return mission
