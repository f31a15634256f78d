"""Matching services: ranked eligible helpers, operator assignment, applications and the
client's choice, and a helper giving a mission back (which restarts matching)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.confirmation import require_verified_email
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.core.geo import haversine_km
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions import signals as missions_signals
from marketplace.missions.errors import MissionNotOpenError
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import eligibility, modes, nearby, ranking
from marketplace.missions.matching import engine as matching_engine
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.transitions import move_mission


def _mission_for_matcher(user: User, mission_id: int) -> Mission:
    """The mission's client and operators may look for helpers; anyone else gets 404."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or not (user.is_operator or mission.client_id == user.id):
        raise NotFound(_l("No such mission."))
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
        raise Forbidden(_l("Only operators can assign helpers."))
    mission = _mission_for_matcher(operator, mission_id)
    helper = db.session.get(User, helper_id)
    if helper is None:
        raise NotFound(_l("No such helper."))
    reasons = eligibility.reasons_not_eligible(helper, mission)
    if reasons:
        raise Forbidden(_l("%(name)s cannot take this mission: %(reason)s",
                           name=helper.full_name, reason=reasons[0]))
    return _assign(mission, helper.id)


def _assign(mission: Mission, helper_id: int) -> Mission:
    """Open -> assigned by conditional UPDATE; the active-assignment index backs it up."""
    if mission.status != MissionStatus.OPEN:
        raise MissionNotOpenError(_l("This mission is no longer open."))
    move_mission(mission, MissionStatus.ASSIGNED, helper_id=helper_id)
    db.session.add(Assignment(mission_id=mission.id, helper_id=helper_id))
    db.session.execute(update(MissionMatching).where(MissionMatching.mission_id == mission.id)
                       .values(next_wave_at=None))
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise MissionNotOpenError(_l("Another helper took this mission.")) from exc
    return mission


MAX_APPLICATION_CHARS = 1000


def apply(helper: User, mission_id: int, message: str) -> MissionOffer:
    """A helper applies to a 'choose' mission with a short plain-text message."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.status != MissionStatus.OPEN:
        raise NotFound(_l("No such open mission."))
    require_verified_email(helper)
    reasons = eligibility.reasons_not_eligible(helper, mission)
    if reasons:
        raise Forbidden(reasons[0])
    if modes.mode_of(mission.id) != MatchingMode.CHOOSE:
        raise Conflict(_l("This mission is not matched by applications."))
    text = message.strip()
    if not 1 <= len(text) <= MAX_APPLICATION_CHARS:
        raise DomainError(_l("Write a message of 1 to %(max)d characters.",
                              max=MAX_APPLICATION_CHARS))
    offer = _offer_for(mission, helper)
    offer.applied_at, offer.message, offer.withdrawn_at = utcnow(), text, None
    db.session.flush()
    missions_signals.application_received.send(mission, helper=helper, offer_id=offer.id,
                                               message=text)
    db.session.commit()
    return offer


def _offer_for(mission: Mission, helper: User) -> MissionOffer:
    offer = db.session.execute(db.select(MissionOffer).where(
        MissionOffer.mission_id == mission.id, MissionOffer.helper_id == helper.id)
    ).scalar_one_or_none()
    if offer is None:
        profile = helper.helper_profile
        assert profile is not None  # eligibility checked it
        offer = MissionOffer(mission_id=mission.id, helper_id=helper.id, wave=0,
                             distance_km=haversine_km(profile.lat, profile.lng, mission.lat,
                                                      mission.lng))
        db.session.add(offer)
    return offer


def applicants(user: User, mission_id: int) -> tuple[Mission, list[Applicant]]:
    """Helpers who applied, with what the client compares (distance, rating, history)."""
    mission = _mission_for_matcher(user, mission_id)
    offers = list(db.session.execute(
        db.select(MissionOffer).where(MissionOffer.mission_id == mission.id,
                                      MissionOffer.applied_at.is_not(None),
                                      MissionOffer.withdrawn_at.is_(None))
        .options(selectinload(MissionOffer.helper))).scalars())
    stats = ranking.stats_for([o.helper_id for o in offers])
    ranked = [Applicant(o, stats[o.helper_id], ranking.score(o.distance_km, stats[o.helper_id]))
              for o in offers]
    return mission, sorted(ranked, key=lambda a: (-a.score, a.offer.distance_km))


@dataclass(frozen=True)
class Applicant:
    offer: MissionOffer
    stats: ranking.HelperStats
    score: float


def choose(client: User, mission_id: int, helper_id: int) -> Mission:
    """The client picks one of the applicants."""
    mission = _mission_for_matcher(client, mission_id)
    if mission.client_id != client.id:
        raise NotFound(_l("No such mission."))
    applied = db.session.execute(db.select(MissionOffer.id).where(
        MissionOffer.mission_id == mission.id, MissionOffer.helper_id == helper_id,
        MissionOffer.applied_at.is_not(None), MissionOffer.withdrawn_at.is_(None))).first()
    if applied is None:
        raise NotFound(_l("This helper has not applied."))
    return _assign(mission, helper_id)



def after_helper_withdrew(mission: Mission, helper: User) -> None:
    """Matching side of a withdrawal: the helper's offer is closed and matching restarts."""
    db.session.execute(update(MissionOffer).where(
        MissionOffer.mission_id == mission.id, MissionOffer.helper_id == helper.id
    ).values(withdrawn_at=utcnow()))
    matching_engine.restart_matching(mission)


def check_can_accept(helper: User, mission: Mission) -> None:
    reasons = eligibility.reasons_not_eligible(helper, mission)
    refusal = None if reasons else modes.accept_refusal(mission, helper)
    if reasons or refusal:
        raise Forbidden(reasons[0] if reasons else str(refusal))
    if mission.status != MissionStatus.OPEN:
        raise MissionNotOpenError(_l("This mission is no longer open."))


def was_offered(helper: User, mission_id: int) -> bool:
    """Whether the mission was shown to this helper (a wave reached them, or an invitation)."""
    return db.session.execute(db.select(MissionOffer.id).where(
        MissionOffer.mission_id == mission_id, MissionOffer.helper_id == helper.id)
    ).first() is not None
