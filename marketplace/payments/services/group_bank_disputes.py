"""Bank chargebacks on a group-purchase charge (`charge.dispute.*` whose charge is a
GroupPayment's), handled like a mission's bank dispute (services/disputes.py).

Stripe withdraws the disputed amount (and its fee) from the platform at once: we book it in
the same transaction as the dispute row, hold the seller's payout while it is open, give the
funds back to the balance when the bank rules for us, and an operator decides how much of a
lost dispute the seller's share of that charge bears (the platform bears the rest): unsent,
the charge's transfer shrinks (group_payouts._payment_shares); sent, it is reversed under a
key from our dispute row.
"""

from __future__ import annotations

from typing import Any

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.i18n import N_
from marketplace.groupbuy import orders
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.payments import ledger
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import GroupDispute, GroupPayment, GroupRefund, GroupTransfer
from marketplace.payments.services import group_payouts
from marketplace.payments.status import (
    DisputeStatus,
    PayoutStatus,
    dispute_transition,
    payout_transition,
)

HOLD_REASON = N_("A dispute is open with a participant's bank.")


def by_stripe_id(dispute_id: str) -> GroupDispute | None:
    return db.session.execute(db.select(GroupDispute).where(
        GroupDispute.stripe_dispute_id == dispute_id)).scalar_one_or_none()


def open_from_stripe(obj: dict[str, Any]) -> GroupDispute | None:
    """`charge.dispute.created` on a group charge: the row, the hold and the withdrawal in
    one commit; a replay (same dispute id) changes nothing. None if not a group charge."""
    existing = by_stripe_id(obj["id"])
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.charge_id == obj["charge"])).scalar_one_or_none()
    if existing is not None or payment is None:
        return existing
    order = payment.order
    dispute = db.session.execute(db.select(GroupDispute).where(
        GroupDispute.order_id == order.id)).scalar_one_or_none()
    if dispute is None:  # one row per order: a participant's open report is the same case
        dispute = GroupDispute(order_id=order.id, campaign_id=order.campaign_id,
                               reason=f"Bank dispute: {obj.get('reason') or 'unspecified'}")
        db.session.add(dispute)
    dispute.payment_id, dispute.stripe_dispute_id = payment.id, obj["id"]
    dispute.bank_status, dispute.disputed_cents = obj.get("status"), int(obj["amount"])
    if order.status in (OrderStatus.CAPTURED, OrderStatus.HANDED_OVER):
        orders.move_order(order, OrderStatus.DISPUTED)
    _hold_payout(order.campaign_id)
    _record_withdrawal(payment, obj)
    db.session.commit()
    return dispute


def _hold_payout(campaign_id: int) -> None:
    payout = group_payouts.payout_of(campaign_id)
    if payout is not None and payout.status in (PayoutStatus.SCHEDULED, PayoutStatus.FAILED):
        payout.status = payout_transition(payout.status, PayoutStatus.HELD)
    if payout is not None and payout.status == PayoutStatus.HELD:
        payout.hold_reason = HOLD_REASON


def _record_withdrawal(payment: GroupPayment, obj: dict[str, Any]) -> None:
    """The same lines as a mission's dispute: disputed amount and fee out of the balance."""
    amount = int(obj["amount"])
    fee = sum(int(t.get("fee") or 0) for t in obj.get("balance_transactions") or []
              if isinstance(t, dict))
    ledger.record("dispute", f"dispute:{obj['id']}", [
        Line(ledger.DISPUTES, amount), Line(ledger.STRIPE_FEES, fee),
        Line(ledger.STRIPE_BALANCE, -amount - fee),
    ], currency=payment.currency, mission_id=None, stripe_source_id=obj["id"],
        description=f"Funds withdrawn for a dispute on group purchase #{payment.campaign_id}, "
                    f"order #{payment.order_id}")


def updated_from_stripe(obj: dict[str, Any]) -> None:
    """`charge.dispute.updated`: keep the bank's status for the operators' page."""
    dispute = by_stripe_id(obj["id"])
    if dispute is not None and dispute.bank_status not in ("won", "lost"):
        dispute.bank_status = obj.get("status")
        db.session.commit()


def closed_from_stripe(obj: dict[str, Any]) -> None:
    """`charge.dispute.closed`: won, the funds come back (the fee stays), the dispute is
    settled and the payout released; lost, the loss stays booked on `disputes` until an
    operator decides who bears it. Once per dispute."""
    dispute = by_stripe_id(obj["id"])
    if dispute is None or dispute.bank_status in ("won", "lost"):
        return
    dispute.bank_status = obj.get("status")
    if obj.get("status") == "won":
        ledger.record("dispute_won", f"dispute_won:{obj['id']}", [
            Line(ledger.STRIPE_BALANCE, int(obj["amount"])),
            Line(ledger.DISPUTES, -int(obj["amount"])),
        ], currency=obj.get("currency") or "eur", mission_id=None, stripe_source_id=obj["id"],
            description=f"Dispute won on group purchase #{dispute.campaign_id}: funds "
                        "reinstated")
        _resolve_won(dispute)
    db.session.commit()


def _resolve_won(dispute: GroupDispute) -> None:
    """The bank ruled for the seller: nothing is lost, the order is settled and the payout
    goes ahead if no other dispute holds it."""
    if dispute.status != DisputeStatus.OPEN:
        return
    dispute.status = dispute_transition(dispute.status, DisputeStatus.RESOLVED)
    dispute.resolution, dispute.refund_cents, dispute.seller_cents = "won", 0, 0
    dispute.resolved_at = utcnow()
    if dispute.order.status == OrderStatus.DISPUTED:
        orders.move_order(dispute.order, OrderStatus.RESOLVED)
    db.session.flush()
    payout = group_payouts.payout_of(dispute.campaign_id)
    if (payout is not None and payout.status == PayoutStatus.HELD
            and group_payouts.open_disputes(dispute.campaign_id) == 0):
        payout.status = payout_transition(payout.status, PayoutStatus.SCHEDULED)
        payout.hold_reason = None
        outbox.enqueue(group_payouts.TASK, payout.id)


def seller_limit(dispute: GroupDispute) -> int:
    """The most a lost bank dispute can take from the seller: the disputed amount, and no
    more than the seller's share of that charge less what refunds already took from it."""
    return min(seller_still_due(dispute), dispute.disputed_cents or 0)


def seller_still_due(dispute: GroupDispute) -> int:
    """The seller's share of the disputed charge less what refunds already took from it."""
    payment = db.session.get(GroupPayment, dispute.payment_id)
    assert payment is not None
    refunded = db.session.execute(db.select(db.func.coalesce(db.func.sum(
        GroupRefund.seller_cents), 0)).where(GroupRefund.payment_id == payment.id)).scalar_one()
    return max(0, payment.seller_share_cents - int(refunded))


def bear_loss(dispute: GroupDispute, seller_cents: int) -> None:
    """The seller's share bears `seller_cents` of the loss (the caller commits): booked on
    their payable, and taken back from the charge's transfer if it was already sent."""
    dispute.seller_cents = seller_cents
    if not seller_cents:
        return
    payment = db.session.get(GroupPayment, dispute.payment_id)
    assert payment is not None
    seller_id = payment.campaign.seller_id
    ledger.record("dispute_recovery", f"group_dispute_recovery:{dispute.id}", [
        Line(ledger.helper_payable(seller_id), seller_cents),
        Line(ledger.DISPUTES, -seller_cents),
    ], currency=payment.currency, mission_id=None,
        description=f"Seller's share of the dispute loss on group purchase "
                    f"#{payment.campaign_id}, order #{payment.order_id}")
    transfer = group_payouts.transfer_of_payment(payment.id)
    if transfer is not None and transfer.status == PayoutStatus.PAID:
        _claw_back(dispute, transfer, seller_cents, seller_id)
    elif transfer is not None and transfer.attempts == 0:  # its key never used: shrink it
        transfer.amount_cents = max(0, transfer.amount_cents - seller_cents)


def _claw_back(dispute: GroupDispute, transfer: GroupTransfer, amount: int,
               seller_id: int) -> None:
    take = min(amount, transfer.amount_cents - transfer.reversed_cents)
    if take <= 0:
        return
    reversal_id = gateway().reverse_transfer(
        transfer.transfer_id or "", take, {"group_dispute_id": str(dispute.id)},
        idempotency_key=f"mkt:group-dispute-reversal:{dispute.id}")
    transfer.reversed_cents += take
    ledger.record("group_transfer_reversal", f"reversal:{reversal_id}", [
        Line(ledger.STRIPE_BALANCE, take),
        Line(ledger.helper_payable(seller_id), -take),
    ], currency=transfer.currency, mission_id=None, stripe_source_id=reversal_id,
        description=f"Transfer reversal after a dispute on group purchase "
                    f"#{dispute.campaign_id}, charge {transfer.charge_id}")
