"""Cancelling a mission and its money together (the policy shown before booking).

Client, before a helper is assigned: the card hold is released, nothing is charged.
Client, after assignment and more than CANCEL_FREE_HOURS before the start: free as well.
Client, within CANCEL_FREE_HOURS: a late fee (LATE_CANCEL_FEE_BPS of the price, at least
LATE_CANCEL_FEE_MIN_CENTS, never more than the price) is captured from the hold and paid to
the helper minus the mission's commission rate; the rest of the hold is released. With no
hold yet (a far mission whose card is only saved), the fee is booked as owed by the client
and charged off-session on the saved card by a worker (payments/services/receivables.py).
Helper: the mission reopens for matching; the client pays nothing; it counts against the
helper's reliability. A reason is always required and kept.

The mission is claimed first (locked, then moved by a conditional UPDATE) and Stripe is
called after: a concurrent change makes the claim fail before any money moves, and a
Stripe failure rolls the claim back with the rest of the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions import signals as missions_signals
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching.services import after_helper_withdrew
from marketplace.missions.models import Mission, MissionCancellation
from marketplace.missions.services.cancellation import (
    CLIENT_CANCELLABLE,
    reason_text,
    release_assignment,
)
from marketplace.missions.transitions import move_mission
from marketplace.payments.fees import FeeFormula, fee_of
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import ClientReceivable, Payment
from marketplace.payments.services import capture, fee_rules, receivables
from marketplace.payments.status import PaymentStatus, payment_transition


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


def cancel_by_client(mission_id: int, client: User, reason: str) -> CancellationTerms:
    """Cancel the client's own mission under the policy; return what it cost."""
    mission = db.session.get(Mission, mission_id, with_for_update=True, populate_existing=True)
    if mission is None or mission.client_id != client.id:
        raise NotFound(_l("No such mission."))
    text = reason_text(reason)
    if mission.status not in CLIENT_CANCELLABLE:
        raise Conflict(_l("This mission can no longer be cancelled; contact us for a refund."))
    terms, helper, payment = terms_for_client(mission), mission.helper, held_payment(mission)
    move_mission(mission, MissionStatus.CANCELLED)  # the claim: nothing has moved at Stripe yet
    if payment is not None:
        _settle_hold(mission, payment, terms)
    elif not terms.free and helper is not None:  # no hold yet: the fee is owed, charged later
        receivables.book_late_fee(mission, helper.id, terms.late_fee_cents, terms.helper_cents,
                                  terms.commission_cents)
    _forget_saved_card(mission)
    release_assignment(mission)
    db.session.add(MissionCancellation(mission_id=mission.id, by_user_id=client.id,
                                       role="client", reason=text,
                                       late_fee_cents=terms.late_fee_cents))
    missions_signals.mission_cancelled.send(
        mission, helper=helper, reason=text, fee_cents=0 if terms.free else terms.helper_cents)
    db.session.commit()
    return terms


def _settle_hold(mission: Mission, payment: Payment, terms: CancellationTerms) -> None:
    """Capture the late fee from the hold (the rest is released), or release all of it."""
    if terms.free:
        _release_hold(payment)
        payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)
        return
    pi = capture.capture_at_stripe(payment, terms.late_fee_cents)
    capture.record_split_capture(mission, payment, pi, helper_cents=terms.helper_cents,
                                 commission_cents=terms.commission_cents, service_fee_cents=0)


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
    """Cancel the mission, then release the whole card hold (an operator's full refund)."""
    move_mission(mission, MissionStatus.CANCELLED)
    _release_hold(payment)
    payment.status = payment_transition(payment.status, PaymentStatus.CANCELED)
    release_assignment(mission)


def cancel_by_helper(mission_id: int, helper: User, reason: str) -> Mission:
    """The assigned helper withdraws: the mission reopens, the client pays nothing more."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.helper_id != helper.id:
        raise NotFound(_l("No such mission."))
    text = reason_text(reason)
    if mission.status != MissionStatus.ASSIGNED:
        raise Conflict(_l("Only an assigned mission not yet done can be given back."))
    move_mission(mission, MissionStatus.OPEN, helper_id=None)
    fee_rules.restore_booked_commission(mission)
    release_assignment(mission)
    record = MissionCancellation(mission_id=mission.id, by_user_id=helper.id, role="helper",
                                 reason=text)
    db.session.add(record)
    db.session.flush()
    missions_signals.helper_withdrew.send(mission, helper=helper, cancellation_id=record.id)
    after_helper_withdrew(mission, helper)
    db.session.commit()
    return mission


def late_fee_state(mission: Mission) -> str:
    """Where a late-cancellation fee stands for the client: charged from the hold, or, when
    only a card was saved, owed and then collected, refused, or waived by our team."""
    owed = db.session.execute(
        db.select(ClientReceivable.status).where(ClientReceivable.mission_id == mission.id)
    ).scalar_one_or_none()
    return owed or "charged"
