"""Missions nobody took before their start expire: the card hold is released, the client told.

Run by a schedule; each mission is expired in its own transaction so one failure (Stripe
unreachable) leaves the others done and itself for the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import cancellation
from marketplace.missions import signals as missions_signals
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.transitions import move_mission
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import Payment
from marketplace.payments.status import PaymentStatus, payment_transition

log = logging.getLogger(__name__)
UNASSIGNED = (MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN)


def expired_missions(now: datetime | None = None) -> list[int]:
    return list(db.session.execute(
        db.select(Mission.id).where(Mission.status.in_(UNASSIGNED),
                                    Mission.starts_at <= (now or utcnow()))
        .order_by(Mission.id)).scalars())


def expire(mission_id: int) -> bool:
    """Cancel one unassigned mission whose start has passed; False if it changed meanwhile."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.status not in UNASSIGNED or mission.starts_at > utcnow():
        return False
    payment = cancellation.held_payment(mission)
    if payment is not None:
        cancellation.release_and_cancel(mission, payment)
    else:
        move_mission(mission, MissionStatus.CANCELLED)
    _drop_unused_payments(mission)
    missions_signals.mission_expired.send(mission)
    db.session.commit()
    return True


def _drop_unused_payments(mission: Mission) -> None:
    for payment in db.session.execute(db.select(Payment).where(
            Payment.mission_id == mission.id,
            Payment.status.in_([PaymentStatus.CREATED, PaymentStatus.FAILED,
                                PaymentStatus.SAVED]))).scalars():
        payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)


def expire_due(now: datetime | None = None) -> int:
    expired = 0
    for mission_id in expired_missions(now):
        try:
            expired += expire(mission_id)
        except GatewayError as exc:
            db.session.rollback()
            log.warning("mission %s could not expire yet: %s", mission_id, exc)
    return expired
