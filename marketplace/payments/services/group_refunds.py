"""Refunds to one participant after capture (a dispute decided by an operator).

The refund comes off the seller's share of that order first (its captured - commission),
the rest off the platform (booked as a refund, contra-revenue). Before the seller's payout
the share simply shrinks; after it, the seller's part is pulled back by reversing the
transfer made from that very charge (one per captured charge, group_payouts.py). Each
Stripe create is keyed by our refund row (`mkt:group-refund:<id>`,
`mkt:group-reversal:<id>`); the caller commits the rows and ledger lines together.
"""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.groupbuy.models import Order
from marketplace.payments import ledger
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import GroupPayment, GroupRefund, GroupTransfer
from marketplace.payments.services.group_payouts import transfer_of_payment
from marketplace.payments.status import PaymentStatus, PayoutStatus, payout_transition


def refundable(order: Order) -> int:
    """What can still be given back on this order."""
    return sum(p.captured_cents - p.refunded_cents for p in _captured(order))


def _captured(order: Order) -> list[GroupPayment]:
    return list(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id, GroupPayment.status == PaymentStatus.CAPTURED)
        .order_by(GroupPayment.id).with_for_update()).scalars())


def refund_order(order: Order, amount_cents: int, operator: User | None,
                 note: str) -> list[GroupRefund]:
    """Give `amount_cents` back to the participant over the order's charges."""
    if not 0 < amount_cents <= refundable(order):
        raise DomainError("refund amount out of range")
    left, rows = amount_cents, []
    for payment in _captured(order):
        take = min(left, payment.captured_cents - payment.refunded_cents)
        if take > 0:
            rows.append(_refund_payment(payment, take, operator, note))
            left -= take
    return rows


def _refund_payment(payment: GroupPayment, amount: int, operator: User | None,
                    note: str) -> GroupRefund:
    share_left = payment.seller_share_cents - _seller_refunded(payment)
    row = GroupRefund(order_id=payment.order_id, payment_id=payment.id, amount_cents=amount,
                      seller_cents=max(0, min(amount, share_left)),
                      operator_id=operator.id if operator else None, note=note[:500])
    db.session.add(row)
    db.session.flush()
    row.stripe_refund_id = gateway().create_refund(
        payment.charge_id or "", amount,
        {"group_refund_id": str(row.id), "order_id": str(payment.order_id)},
        idempotency_key=f"mkt:group-refund:{row.id}")
    payment.refunded_cents += amount
    seller_id = payment.campaign.seller_id
    ledger.record("group_refund", f"refund:{row.stripe_refund_id}", [
        Line(ledger.STRIPE_BALANCE, -amount),
        Line(ledger.helper_payable(seller_id), row.seller_cents),
        Line(ledger.REFUNDS, amount - row.seller_cents),
    ], currency=payment.currency, mission_id=None, stripe_source_id=row.stripe_refund_id,
        description=f"Refund on group purchase #{payment.campaign_id}, order #{payment.order_id}")
    _reverse_if_paid(payment, row)
    return row


def _seller_refunded(payment: GroupPayment) -> int:
    return sum(r.seller_cents for r in db.session.execute(db.select(GroupRefund).where(
        GroupRefund.payment_id == payment.id)).scalars())


def _reverse_if_paid(payment: GroupPayment, row: GroupRefund) -> None:
    """After this charge's transfer to the seller, pull the seller's part back from that
    transfer (keyed by our refund row); before it, the transfer not sent yet shrinks."""
    transfer = transfer_of_payment(payment.id)
    if transfer is None or not row.seller_cents:
        return
    if transfer.status != PayoutStatus.PAID:
        _shrink_unsent(transfer, row.seller_cents)
        return
    take = min(row.seller_cents, transfer.amount_cents - transfer.reversed_cents)
    if take <= 0:
        return
    row.stripe_reversal_id = gateway().reverse_transfer(
        transfer.transfer_id or "", take, {"group_refund_id": str(row.id)},
        idempotency_key=f"mkt:group-reversal:{row.id}")
    transfer.reversed_cents += take
    seller_id = payment.campaign.seller_id
    ledger.record("group_transfer_reversal", f"reversal:{row.stripe_reversal_id}", [
        Line(ledger.STRIPE_BALANCE, take),
        Line(ledger.helper_payable(seller_id), -take),
    ], currency=payment.currency, mission_id=None, stripe_source_id=row.stripe_reversal_id,
        description=f"Transfer reversal for group purchase #{payment.campaign_id}, "
                    f"charge {transfer.charge_id}")


def _shrink_unsent(transfer: GroupTransfer, seller_cents: int) -> None:
    """A transfer never attempted takes the refund off its amount (its key was never used
    with the old amount); one already attempted keeps its amount (see the docs)."""
    if transfer.attempts or transfer.status == PayoutStatus.CANCELED:
        return
    if transfer.amount_cents > seller_cents:
        transfer.amount_cents -= seller_cents
    else:
        transfer.status = payout_transition(transfer.status, PayoutStatus.CANCELED)
