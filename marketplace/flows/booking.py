"""Booking: a mission posted with its fee snapshot, and a helper taking it at the booked terms.

Posting writes the mission, its fee lines (payments) and its matching state (missions) in
one transaction; accepting applies a helper's own commission rule when there is one.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.missions import signals as missions_signals
from marketplace.missions.errors import MissionNotOpenError
from marketplace.missions.lifecycle import Channel, MissionStatus
from marketplace.missions.matching import services as matching
from marketplace.missions.matching.engine import start_matching
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.services import missions
from marketplace.missions.services.missions import MissionDraft
from marketplace.missions.transitions import move_mission
from marketplace.payments.services import fee_rules


def post_mission(client: User, draft: MissionDraft, channel: Channel = Channel.WEB,
                 booked_by: User | None = None) -> Mission:
    """Create a mission awaiting card authorization, with its commission snapshotted."""
    mission = book_mission(client, draft, channel, booked_by)
    db.session.commit()
    return mission


def book_mission(client: User, draft: MissionDraft, channel: Channel = Channel.WEB,
                 booked_by: User | None = None) -> Mission:
    """`post_mission` inside a larger use case's transaction (the caller commits, or rolls
    back everything it wrote with the mission)."""
    missions.validate_draft(draft)
    mission = Mission(
        client_id=client.id, category=draft.category, title=draft.title.strip(),
        description=draft.description.strip(), address=draft.address.strip(),
        lat=draft.lat, lng=draft.lng, postcode=draft.postcode, citycode=draft.citycode,
        city=draft.city, starts_at=draft.starts_at, ends_at=draft.ends_at,
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
    return mission


def accept_mission(mission_id: int, helper: User) -> Mission:
    """First eligible helper to accept wins; everyone else gets MissionNotOpenError."""
    try:
        mission = missions.get_visible_mission(helper, mission_id)
    except NotFound:  # taken a moment ago: those it was offered to learn so, others get 404
        if matching.was_offered(helper, mission_id):
            raise MissionNotOpenError(_l("Another helper took this mission.")) from None
        raise
    matching.check_can_accept(helper, mission)
    move_mission(mission, MissionStatus.ASSIGNED, helper_id=helper.id)
    fee_rules.apply_on_assign(mission, helper.id)
    assignment = Assignment(mission_id=mission.id, helper_id=helper.id)
    db.session.add(assignment)
    try:
        db.session.flush()
        missions_signals.helper_assigned.send(mission, helper=helper, assignment_id=assignment.id)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise MissionNotOpenError(_l("Another helper took this mission.")) from exc
    return mission
