"""Capture on confirmation: the client's card is charged only once the work is confirmed.

The Stripe call comes first, keyed by our payment row, so a retry after a crash replays
the same capture; the mission, payment, ledger and payout then change in one commit.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.gateway import GatewayError, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Payment, Payout
from marketplace.payments.services.refunds import pending_capture_reduction
from marketplace.payments.status import PaymentStatus, payment_transition


def authorized_payment(mission: Mission) -> Payment:
    payment = db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id,
                                 Payment.status == PaymentStatus.AUTHORIZED)
    ).scalar_one_or_none()
    if payment is None or payment.payment_intent_id is None:
        raise Conflict(_l("This mission has no authorized payment to capture."))
    return payment


def capture_at_stripe(payment: Payment, amount_cents: int | None = None) -> PaymentIntentInfo:
    """Capture the hold (or part of it); if already captured (a replay), read it back."""
    total = min(payment.amount_cents, payment.mission.total_cents)  # a lower final price
    amount = amount_cents or total - pending_capture_reduction(payment.mission_id)[0]
    return capture_or_read_back(payment.payment_intent_id or "", amount,
                                f"mkt:capture:{payment.id}")


def capture_or_read_back(payment_intent_id: str, amount: int,
                         idempotency_key: str) -> PaymentIntentInfo:
    """Capture at Stripe; a hold captured already (a replay after a lost answer) is read
    back instead of failing."""
    try:
        return gateway().capture_payment_intent(payment_intent_id, amount,
                                                idempotency_key=idempotency_key)
    except GatewayError as exc:
        if exc.code != "payment_intent_unexpected_state":
            raise
        pi = gateway().retrieve_payment_intent(payment_intent_id)
        if pi.status != "succeeded":
            raise
        return pi


def record_capture(mission: Mission, payment: Payment, pi: PaymentIntentInfo) -> Payout | None:
    """Write the capture's effects to the session; the caller commits them together.

    Refunds granted before capture were simply not captured: the helper's part of them comes
    off the helper's share, the rest is booked as a platform refund.
    """
    reduced, from_helper = pending_capture_reduction(mission.id)
    return record_split_capture(mission, payment, pi,
                                helper_cents=mission.helper_share_cents - from_helper,
                                commission_cents=mission.commission_cents,
                                service_fee_cents=mission.service_fee_cents,
                                refunded_cents=reduced - from_helper)


def record_split_capture(mission: Mission, payment: Payment, pi: PaymentIntentInfo, *,
                         helper_cents: int, commission_cents: int,
                         service_fee_cents: int, refunded_cents: int = 0) -> Payout | None:
    """Record a capture split between helper, commission and service fee (they sum to it)."""
    payment.status = payment_transition(payment.status, PaymentStatus.CAPTURED)
    payment.captured_cents, payment.captured_at = pi.amount_received_cents, utcnow()
    payment.charge_id = payment.charge_id or pi.charge_id
    payment.stripe_fee_cents = pi.stripe_fee_cents or 0
    assert mission.helper_id is not None
    ledger.record("capture", f"capture:{pi.id}", [
        Line(ledger.STRIPE_BALANCE, pi.amount_received_cents),
        Line(ledger.helper_payable(mission.helper_id), -helper_cents),
        Line(ledger.COMMISSION_REVENUE, -commission_cents),
        Line(ledger.SERVICE_FEE_REVENUE, -service_fee_cents),
        Line(ledger.REFUNDS, refunded_cents),
    ], currency=payment.currency, mission_id=mission.id,
        description=f"Capture for mission #{mission.id}", stripe_source_id=payment.charge_id)
    record_stripe_fee(pi, payment.currency, mission.id, payment.charge_id)
    return schedule_payout(mission, payment, helper_cents) if helper_cents > 0 else None


def record_stripe_fee(pi: PaymentIntentInfo, currency: str, mission_id: int,
                      charge_id: str | None) -> None:
    """Stripe's fee on a charge, out of the platform's balance (once per balance txn)."""
    if pi.stripe_fee_cents and pi.balance_transaction_id:
        ledger.record("stripe_fee", f"fee:{pi.balance_transaction_id}", [
            Line(ledger.STRIPE_FEES, pi.stripe_fee_cents),
            Line(ledger.STRIPE_BALANCE, -pi.stripe_fee_cents),
        ], currency=currency, mission_id=mission_id,
            description=f"Stripe fee on mission #{mission_id}", stripe_source_id=charge_id)


def schedule_payout(mission: Mission, payment: Payment, amount_cents: int,
                    helper_id: int | None = None) -> Payout:
    """The helper's share waits for the refund window, then the worker transfers it."""
    delay = timedelta(seconds=current_app.config["PAYOUT_DELAY_SECONDS"])
    helper_id = helper_id or mission.helper_id
    assert helper_id is not None
    payout = Payout(mission_id=mission.id, payment_id=payment.id, helper_id=helper_id,
                    amount_cents=amount_cents, currency=payment.currency,
                    release_after=utcnow() + delay)
    db.session.add(payout)
    db.session.flush()
    outbox.enqueue("payouts.release", payout.id, eta=payout.release_after if delay else None)
    return payout
