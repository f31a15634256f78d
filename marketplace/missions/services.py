"""Mission rules: posting, who may see what, accepting, finishing, confirming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.core.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.core.models import utcnow
from marketplace.extensions import db
from marketplace.missions import eligibility, modes
from marketplace.missions.categories import get_category
from marketplace.missions.matching_engine import open_first_wave, start_matching
from marketplace.missions.matching_models import MatchingMode
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.status import Channel, MissionStatus, mission_transition
from marketplace.notifications import events
from marketplace.payments import capture, fee_rules


class MissionNotOpenError(Conflict):
    """Somebody else took the mission, or it is no longer open."""


@dataclass(frozen=True)
class MissionDraft:
    category: str
    title: str
    description: str
    address: str
    lat: float
    lng: float
    starts_at: datetime
    ends_at: datetime
    price_cents: int
    matching_mode: MatchingMode = MatchingMode.INSTANT


def validate_draft(draft: MissionDraft) -> None:
    """Check the business rules a form cannot know (limits come from config)."""
    cfg = current_app.config
    category = get_category(draft.category)
    if category is None:
        raise DomainError("Unknown category.")
    if category.is_free:
        if draft.price_cents != 0:
            raise DomainError("Free help (coup de main) has no price.")
    elif not cfg["MISSION_MIN_PRICE_CENTS"] <= draft.price_cents <= cfg["MISSION_MAX_PRICE_CENTS"]:
        raise DomainError("The price must be between {} and {} €.".format(
            cfg["MISSION_MIN_PRICE_CENTS"] // 100, cfg["MISSION_MAX_PRICE_CENTS"] // 100))
    if draft.starts_at <= utcnow():
        raise DomainError("The start must be in the future.")
    if draft.ends_at <= draft.starts_at:
        raise DomainError("The end must come after the start.")
    if draft.ends_at - draft.starts_at > timedelta(days=14):
        raise DomainError("The time window can span 14 days at most.")


def post_mission(client: User, draft: MissionDraft, channel: Channel = Channel.WEB,
                 booked_by: User | None = None) -> Mission:
    """Create a mission awaiting card authorization, with its commission snapshotted."""
    validate_draft(draft)
    mission = Mission(
        client_id=client.id, category=draft.category, title=draft.title.strip(),
        description=draft.description.strip(), address=draft.address.strip(),
        lat=draft.lat, lng=draft.lng, starts_at=draft.starts_at, ends_at=draft.ends_at,
        price_cents=draft.price_cents, currency=current_app.config["CURRENCY"],
        commission_bps=0, commission_cents=0, channel=channel,
        booked_by_id=booked_by.id if booked_by else None,
        # free help has nothing to authorize: it is open as soon as it is posted
        status=MissionStatus.OPEN if draft.price_cents == 0 else MissionStatus.PENDING_PAYMENT,
    )
    client.is_client = True
    db.session.add(mission)
    fee_rules.snapshot_booking(mission)
    db.session.flush()
    start_matching(mission, draft.matching_mode)
    db.session.commit()
    return mission


def move_mission(mission: Mission, target: MissionStatus, **values: object) -> None:
    """Change status with a conditional UPDATE, so two concurrent changes cannot both win."""
    current = mission.status
    mission_transition(current, target)
    result = db.session.execute(
        update(Mission).where(Mission.id == mission.id, Mission.status == current)
        .values(status=target, **values).execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise MissionNotOpenError("This mission changed meanwhile; please reload.")
    if target == MissionStatus.OPEN:
        open_first_wave(mission)


def can_view(user: User, mission: Mission) -> bool:
    """Client, assigned helper and operators see a mission; helpers see open ones."""
    if user.is_operator or mission.client_id == user.id or mission.helper_id == user.id:
        return True
    return user.is_helper and mission.status == MissionStatus.OPEN


def get_visible_mission(user: User, mission_id: int) -> Mission:
    mission = db.session.get(Mission, mission_id)
    if mission is None or not can_view(user, mission):
        raise NotFound("No such mission.")
    return mission


def missions_of_client(client: User) -> list[Mission]:
    return list(db.session.execute(
        db.select(Mission).where(Mission.client_id == client.id).order_by(Mission.id.desc())
    ).scalars())


def missions_of_helper(helper: User) -> list[Mission]:
    return list(db.session.execute(
        db.select(Mission).where(Mission.helper_id == helper.id).order_by(Mission.id.desc())
    ).scalars())


def accept_mission(mission_id: int, helper: User) -> Mission:
    """First eligible helper to accept wins; everyone else gets MissionNotOpenError."""
    mission = get_visible_mission(helper, mission_id)
    _check_can_take(helper, mission)
    move_mission(mission, MissionStatus.ASSIGNED, helper_id=helper.id)
    fee_rules.apply_on_assign(mission, helper.id)
    assignment = Assignment(mission_id=mission.id, helper_id=helper.id)
    db.session.add(assignment)
    try:
        db.session.flush()
        events.helper_assigned(mission, helper, assignment.id)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise MissionNotOpenError("Another helper took this mission.") from exc
    return mission


def _check_can_take(helper: User, mission: Mission) -> None:
    reasons = eligibility.reasons_not_eligible(helper, mission)
    refusal = None if reasons else modes.accept_refusal(mission, helper)
    if reasons or refusal:
        raise Forbidden(reasons[0] if reasons else str(refusal))
    if mission.status != MissionStatus.OPEN:
        raise MissionNotOpenError("This mission is no longer open.")


def mark_done(mission_id: int, helper: User) -> Mission:
    mission = get_visible_mission(helper, mission_id)
    if mission.helper_id != helper.id:
        raise NotFound("No such mission.")
    move_mission(mission, MissionStatus.DONE, done_at=utcnow())
    events.mission_done(mission)
    db.session.commit()
    return mission


def confirm_completion(mission_id: int, client: User) -> Mission:
    """The client confirms the work: capture the card, then schedule the helper's payout."""
    mission = get_visible_mission(client, mission_id)
    if mission.client_id != client.id:
        raise NotFound("No such mission.")
    if mission.status != MissionStatus.DONE:
        raise Conflict("Only a mission marked done by the helper can be confirmed.")
    if mission.price_cents == 0:  # free help: nothing to capture, nobody to pay
        move_mission(mission, MissionStatus.COMPLETED, completed_at=utcnow())
        events.review_request(mission)
        db.session.commit()
        return mission
    payment = capture.authorized_payment(mission)
    pi = capture.capture_at_stripe(payment)
    move_mission(mission, MissionStatus.COMPLETED, completed_at=utcnow())
    capture.record_capture(mission, payment, pi)
    events.review_request(mission)
    db.session.commit()
    return mission
