"""Capture at the final price, or release, an order's card holds; the commission.

The commission comes from the fee engine with the `group_purchase` category (fixed on the
campaign when it opens, like a mission's at booking) and applies once per *order*, on its
captured total: an order paid in several payments (quantity raised on a held card) pays a
fixed part or a minimum once; each capture carries the order's commission so far minus
what earlier captures took (fees.next_commission_part), so per capture commission + seller
share = captured, and per order the commissions sum to the formula on the total. The Stripe call
comes first, keyed by our payment row (`mkt:group-capture:<id>`, `mkt:group-release:<id>`),
then status and ledger change in the caller's one commit; capturing less than the hold
releases the rest, which the ledger books as a release.
"""

from __future__ import annotations

from sqlalchemy import func

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.state import check_transition
from marketplace.groupbuy.models import Campaign
from marketplace.payments import ledger
from marketplace.payments.fees import FeeFormula, next_commission_part
from marketplace.payments.gateway import GatewayError, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import FeeKind, GroupPayment
from marketplace.payments.services import fee_rules
from marketplace.payments.services.capture import capture_or_read_back
from marketplace.payments.status import PAYMENT_TRANSITIONS, PaymentStatus

CATEGORY = "group_purchase"


def snapshot_commission(campaign: Campaign, channel: str = "web") -> None:
    """Fix the commission formula on a new campaign (caller commits)."""
    resolved = fee_rules.resolve(FeeKind.COMMISSION, CATEGORY, channel, campaign.seller_id)
    f = resolved.formula
    campaign.commission_bps, campaign.commission_fixed_cents = f.bps, f.fixed_cents
    campaign.commission_min_cents, campaign.commission_cap_cents = f.min_cents, f.cap_cents
    campaign.commission_basis = resolved.basis[:160]


def commission_formula(campaign: Campaign) -> FeeFormula:
    return FeeFormula(campaign.commission_bps, campaign.commission_fixed_cents,
                      campaign.commission_min_cents, campaign.commission_cap_cents)


def capture(payment: GroupPayment, amount_cents: int) -> None:
    """Charge `amount_cents` (at most the hold) and book it; 0 releases the whole hold."""
    if amount_cents <= 0:
        release(payment)
        return
    if payment.status != PaymentStatus.AUTHORIZED:
        return  # captured or released already: a replay
    pi = _capture_at_stripe(payment, min(amount_cents, payment.amount_cents))
    record_capture(payment, pi)


def _capture_at_stripe(payment: GroupPayment, amount: int) -> PaymentIntentInfo:
    return capture_or_read_back(payment.payment_intent_id or "", amount,
                                f"mkt:group-capture:{payment.id}")


def record_capture(payment: GroupPayment, pi: PaymentIntentInfo) -> None:
    """Status, commission and ledger lines of a capture (the caller commits them)."""
    campaign = payment.campaign
    captured = pi.amount_received_cents
    prior_cents, prior_fee = _order_captured_before(payment)
    split = next_commission_part(prior_cents, prior_fee, captured, commission_formula(campaign))
    payment.status = check_transition(PAYMENT_TRANSITIONS, payment.status, PaymentStatus.CAPTURED)
    payment.captured_cents, payment.commission_cents = captured, split.fee_cents
    payment.captured_at, payment.charge_id = utcnow(), payment.charge_id or pi.charge_id
    payment.stripe_fee_cents = pi.stripe_fee_cents or 0
    holds = ledger.campaign_holds(campaign.id)
    ledger.record("group_capture", f"group-capture:{pi.id}", [
        Line(ledger.STRIPE_BALANCE, captured),
        Line(ledger.helper_payable(campaign.seller_id), -split.share_cents),
        Line(ledger.COMMISSION_REVENUE, -split.fee_cents),
        Line(ledger.CARD_HOLDS, -captured),
        Line(holds, captured),
    ], currency=payment.currency, mission_id=None, stripe_source_id=payment.charge_id,
        description=f"Capture for group purchase #{campaign.id}, order #{payment.order_id}")
    _book_release(payment, pi.id, payment.amount_cents - captured)
    _book_stripe_fee(payment, pi)


def _order_captured_before(payment: GroupPayment) -> tuple[int, int]:
    """What the order's other captured payments took, and their commission."""
    captured, fee = db.session.execute(db.select(
        func.coalesce(func.sum(GroupPayment.captured_cents), 0),
        func.coalesce(func.sum(GroupPayment.commission_cents), 0)).where(
        GroupPayment.order_id == payment.order_id, GroupPayment.id != payment.id,
        GroupPayment.status == PaymentStatus.CAPTURED)).one()
    return int(captured), int(fee)


def release(payment: GroupPayment) -> bool:
    """Cancel the hold (or forget the saved card); True if this call released it."""
    if payment.status not in (PaymentStatus.AUTHORIZED, PaymentStatus.SAVED,
                              PaymentStatus.CREATED, PaymentStatus.FAILED):
        return False
    held = payment.status == PaymentStatus.AUTHORIZED and payment.payment_intent_id
    if held:
        _cancel_at_stripe(payment)
    payment.status = check_transition(PAYMENT_TRANSITIONS, payment.status, PaymentStatus.CANCELED)
    payment.released_at = utcnow()
    if held:
        _book_release(payment, payment.payment_intent_id or "", payment.amount_cents)
    return True


def _cancel_at_stripe(payment: GroupPayment) -> None:
    try:
        gateway().cancel_payment_intent(payment.payment_intent_id or "",
                                        idempotency_key=f"mkt:group-release:{payment.id}")
    except GatewayError as exc:
        if exc.code != "payment_intent_unexpected_state":
            raise
        pi = gateway().retrieve_payment_intent(payment.payment_intent_id or "")
        if pi.status != "canceled":
            raise


def _book_release(payment: GroupPayment, pi_id: str, amount: int) -> None:
    if amount <= 0:
        return
    ledger.record("group_release", f"group-release:{pi_id}", [
        Line(ledger.campaign_holds(payment.campaign_id), amount),
        Line(ledger.CARD_HOLDS, -amount),
    ], currency=payment.currency, mission_id=None,
        description=f"Hold released for group purchase #{payment.campaign_id}, "
                    f"order #{payment.order_id}")


def _book_stripe_fee(payment: GroupPayment, pi: PaymentIntentInfo) -> None:
    if pi.stripe_fee_cents and pi.balance_transaction_id:
        ledger.record("stripe_fee", f"fee:{pi.balance_transaction_id}", [
            Line(ledger.STRIPE_FEES, pi.stripe_fee_cents),
            Line(ledger.STRIPE_BALANCE, -pi.stripe_fee_cents),
        ], currency=payment.currency, mission_id=None, stripe_source_id=payment.charge_id,
            description=f"Stripe fee on group purchase #{payment.campaign_id}")


def lapsed(payment: GroupPayment) -> None:
    """Stripe released a hold we did not ask to release: the order needs the card again."""
    if payment.status == PaymentStatus.AUTHORIZED:
        payment.status = check_transition(PAYMENT_TRANSITIONS, payment.status,
                                          PaymentStatus.FAILED)
        payment.failure_message = "Action needed: the card hold expired; authorize again."
        _book_release(payment, payment.payment_intent_id or "", payment.amount_cents)
        payment.payment_intent_id = None
        db.session.flush()
