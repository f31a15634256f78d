"""The mission's timeline for its page: what happened and what will, with dates (read here,
in the web layer, so that the template runs no query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Assignment, Mission
from marketplace.payments.models import Payment, Payout

UNASSIGNED = (MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN)
# A payout is scheduled by a capture (the client confirmed) or a late cancellation fee:
# a mission in any other status has none, and its page does not look.
PAID_OUT = (MissionStatus.COMPLETED, MissionStatus.DISPUTED, MissionStatus.CANCELLED)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    at: datetime
    future: bool  # a date to come (expected), not a fact


def timeline(mission: Mission, payment: Payment | None) -> list[Step]:
    """Posted, authorized, assigned, done, auto-confirmation, confirmed, payout, expiry."""
    now = utcnow()
    steps: list[tuple[str, str, datetime | None]] = [
        ("posted", _("Posted"), mission.created_at),
        ("authorized", _("Card authorized"), payment.authorized_at if payment else None),
        ("assigned", _("Helper assigned"), _assigned_at(mission)),
        ("done", _("Marked done"), mission.done_at),
    ]
    if mission.done_at and mission.status == MissionStatus.DONE:
        quiet = timedelta(seconds=current_app.config["AUTO_CONFIRM_SECONDS"])
        steps.append(("auto_confirm", _("Confirmed automatically unless contested"),
                      mission.done_at + quiet))
    steps.append(("completed", _("Confirmed and paid"), mission.completed_at))
    payout = db.session.execute(db.select(Payout).where(Payout.mission_id == mission.id)
                                ).scalar_one_or_none() if mission.status in PAID_OUT else None
    if payout is not None:
        steps.append(("payout", _("Helper's payout"), payout.paid_at or payout.release_after))
    if mission.status in UNASSIGNED:
        steps.append(("expiry", _("Expires if nobody takes it"), mission.starts_at))
    return [Step(key, label, at, at > now) for key, label, at in steps if at is not None]


def _assigned_at(mission: Mission) -> datetime | None:
    if mission.helper_id is None:
        return None
    return db.session.execute(
        db.select(Assignment.created_at).where(Assignment.mission_id == mission.id,
                                               Assignment.helper_id == mission.helper_id)
        .order_by(Assignment.id.desc()).limit(1)).scalar_one_or_none()
