"""Cancellations: who may cancel when, and what it costs (the policy shown before booking).

Client, before a helper is assigned: the card hold is released, nothing is charged.
Client, after assignment and more than CANCEL_FREE_HOURS before the start: free as well.
Client, within CANCEL_FREE_HOURS: a late fee (LATE_CANCEL_FEE_BPS of the price, at least
LATE_CANCEL_FEE_MIN_CENTS, never more than the price) is captured from the hold and paid to
the helper minus the mission's commission rate; the rest of the hold is released. With no
hold yet (a far mission whose card is only saved), the fee is booked as owed by the client
and charged off-session on the saved card by a worker (payments/receivables.py).
Helper: the mission reopens for matching; the client pays nothing; it counts against the
helper's reliability. A reason is always required and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, func, update
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.accounts.models import User
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.models import TimestampMixin, utcnow
from marketplace.extensions import db
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.status import MissionStatus
from marketplace.notifications import events
from marketplace.payments import capture, fee_rules
from marketplace.payments.fees import FeeFormula, fee_of
from marketplace.payments.models import Payment
from marketplace.payments.provider import gateway
from marketplace.payments.status import PaymentStatus, payment_transition

CLIENT_CANCELLABLE = (MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN, MissionStatus.ASSIGNED)


class MissionCancellation(TimestampMixin, db.Model):
    """Who cancelled, why, and the late fee charged (0 when free)."""

    __tablename__ = "mission_cancellations"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # client | helper
    reason: Mapped[str] = mapped_column(String(500))
    late_fee_cents: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class CancellationTerms:
    late_fee_cents: int
    helper_cents: int
    commission_cents: int

    @property
    def free(self) -> bool:
        return self.late_fee_cents == 0


def terms_for_client(mission: Mission) -> CancellationTerms:
    """What cancelling now would cost the client (shown on the button before confirming)."""
    cfg = current_app.config
    late = mission.starts_at - utcnow() < timedelta(hours=cfg["CANCEL_FREE_HOURS"])
    if mission.status != MissionStatus.ASSIGNED or not late:
        return CancellationTerms(0, 0, 0)
    fee = fee_of(mission.price_cents, FeeFormula(bps=cfg["LATE_CANCEL_FEE_BPS"],
                 min_cents=cfg["LATE_CANCEL_FEE_MIN_CENTS"]), limit_cents=mission.price_cents)
    commission = (fee * mission.commission_cents * 2 + mission.price_cents) \
        // (2 * mission.price_cents) if mission.price_cents else 0
    return CancellationTerms(fee, fee - commission, commission)


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if len(reason) < 3:
        raise DomainError("Please tell us why you cancel.")
    return reason[:500]


def cancel_by_client(mission_id: int, client: User, reason: str) -> CancellationTerms:
    """Cancel the client's own mission under the policy; return what it cost."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.client_id != client.id:
        raise NotFound("No such mission.")
    text = _reason(reason)
    if mission.status not in CLIENT_CANCELLABLE:
        raise Conflict("This mission can no longer be cancelled; contact us for a refund.")
    terms = terms_for_client(mission)
    helper = mission.helper
    payment = held_payment(mission)
    pi = None
    if payment is not None and not terms.free:
        pi = capture.capture_at_stripe(payment, terms.late_fee_cents)
    elif payment is not None:
        _release_hold(payment)
    from marketplace.missions.services import move_mission

    move_mission(mission, MissionStatus.CANCELLED)
    if payment is not None and pi is not None:
        capture.record_split_capture(mission, payment, pi, helper_cents=terms.helper_cents,
                                     commission_cents=terms.commission_cents,
                                     service_fee_cents=0)
    elif payment is not None:
        payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)
    elif not terms.free and helper is not None:  # no hold yet: the fee is owed, charged later
        from marketplace.payments import receivables

        receivables.book_late_fee(mission, helper.id, terms.late_fee_cents, terms.helper_cents,
                                  terms.commission_cents)
    _forget_saved_card(mission)
    _release_assignment(mission)
    db.session.add(MissionCancellation(mission_id=mission.id, by_user_id=client.id,
                                       role="client", reason=text,
                                       late_fee_cents=terms.late_fee_cents))
    events.mission_cancelled(mission, helper, text, terms.helper_cents if not terms.free else 0)
    db.session.commit()
    return terms


def held_payment(mission: Mission) -> Payment | None:
    return db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id,
                                 Payment.status == PaymentStatus.AUTHORIZED,
                                 Payment.payment_intent_id.is_not(None))
    ).scalar_one_or_none()


def _forget_saved_card(mission: Mission) -> None:
    """A card saved for a later hold will never be charged for a cancelled mission."""
    for payment in db.session.execute(db.select(Payment).where(
            Payment.mission_id == mission.id, Payment.status == PaymentStatus.SAVED)).scalars():
        payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)


def _release_hold(payment: Payment) -> None:
    gateway().cancel_payment_intent(payment.payment_intent_id or "",
                                    idempotency_key=f"mkt:cancel:{payment.id}")


def release_and_cancel(mission: Mission, payment: Payment) -> None:
    """Release the whole card hold and cancel the mission (an operator's full refund)."""
    from marketplace.missions.services import move_mission

    _release_hold(payment)
    payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)
    move_mission(mission, MissionStatus.CANCELLED)
    _release_assignment(mission)


def _release_assignment(mission: Mission) -> None:
    db.session.execute(update(Assignment).where(Assignment.mission_id == mission.id,
                                                Assignment.released_at.is_(None))
                       .values(released_at=utcnow()))


def cancel_by_helper(mission_id: int, helper: User, reason: str) -> Mission:
    """The assigned helper withdraws: the mission reopens, the client pays nothing more."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.helper_id != helper.id:
        raise NotFound("No such mission.")
    text = _reason(reason)
    if mission.status != MissionStatus.ASSIGNED:
        raise Conflict("Only an assigned mission not yet done can be given back.")
    from marketplace.missions.services import move_mission

    move_mission(mission, MissionStatus.OPEN, helper_id=None)
    fee_rules.restore_booked_commission(mission)
    _release_assignment(mission)
    record = MissionCancellation(mission_id=mission.id, by_user_id=helper.id, role="helper",
                                 reason=text)
    db.session.add(record)
    db.session.flush()
    events.helper_withdrew(mission, helper, record.id)
    from marketplace.missions.matching import after_helper_withdrew

    after_helper_withdrew(mission, helper)
    db.session.commit()
    return mission


def helper_cancellations(helper_id: int) -> int:
    """How many missions this helper gave back (their reliability record)."""
    return int(db.session.execute(
        db.select(func.count(MissionCancellation.id))
        .where(MissionCancellation.by_user_id == helper_id,
               MissionCancellation.role == "helper")).scalar_one())


def cancellation_of(mission: Mission) -> MissionCancellation | None:
    return db.session.execute(
        db.select(MissionCancellation).where(MissionCancellation.mission_id == mission.id,
                                             MissionCancellation.role == "client")
    ).scalar_one_or_none()


def late_fee_state(mission: Mission) -> str:
    """Where a late-cancellation fee stands for the client: charged from the hold, or, when
    only a card was saved, owed and then collected, refused, or waived by our team."""
    from marketplace.payments.receivables import ClientReceivable

    owed = db.session.execute(
        db.select(ClientReceivable.status).where(ClientReceivable.mission_id == mission.id)
    ).scalar_one_or_none()
    return owed or "charged"
