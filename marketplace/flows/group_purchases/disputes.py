"""A participant did not get their goods: the seller's payout waits for an operator, who
refunds in full, sides with the seller, or splits (like mission disputes, flows/disputes.py)."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core import audit, outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import format_money
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.groupbuy import errors, orders, signals
from marketplace.groupbuy.errors import NotParticipantError
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.groupbuy.models import Order
from marketplace.payments.models import GroupDispute
from marketplace.payments.services import group_bank_disputes, group_payouts, group_refunds
from marketplace.payments.status import (
    DisputeStatus,
    PayoutStatus,
    dispute_transition,
    payout_transition,
)

MAX_REASON = 500


def open_dispute(order_id: int, user: User, reason: str) -> GroupDispute:
    """The participant reports a problem with a charged order; the payout is held."""
    order = db.session.get(Order, order_id, with_for_update=True)
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    if order.user_id != user.id:
        raise NotParticipantError(errors.NOT_PARTICIPANT)
    if order.status not in (OrderStatus.CAPTURED, OrderStatus.HANDED_OVER):
        raise Conflict(_l("A problem can be reported only on a paid order."))
    if not reason.strip():
        raise DomainError(_l("Tell us what went wrong."))
    orders.move_order(order, OrderStatus.DISPUTED)
    dispute = GroupDispute(order_id=order.id, campaign_id=order.campaign_id,
                           opened_by_id=user.id, reason=reason.strip()[:MAX_REASON])
    db.session.add(dispute)
    db.session.flush()
    signals.order_disputed.send(order, dispute_id=dispute.id)
    db.session.commit()
    return dispute


def resolve_dispute(dispute_id: int, operator: User, refund_cents: int,
                    note: str) -> GroupDispute:
    """Refund `refund_cents` (0: the seller keeps it; all: full refund; between: split).
    On a bank dispute the bank already refunded the participant: the amount is what the
    seller's share bears of the loss (0: the platform bears it)."""
    dispute = db.session.get(GroupDispute, dispute_id, with_for_update=True)
    if dispute is None:
        raise NotFound(f"dispute {dispute_id} does not exist")
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_l("This dispute is already resolved."))
    if dispute.stripe_dispute_id is not None:
        return _resolve_bank_dispute(dispute, operator, refund_cents, note)
    order = dispute.order
    limit = group_refunds.refundable(order)
    if not 0 <= refund_cents <= limit:
        raise DomainError(_l("The refund must be between 0 and the amount paid."))
    if refund_cents:
        group_refunds.refund_order(order, refund_cents, operator, note or "dispute")
    dispute.status = dispute_transition(dispute.status, DisputeStatus.RESOLVED)
    dispute.resolution = ("seller" if refund_cents == 0
                          else "refund" if refund_cents == limit else "split")
    dispute.refund_cents, dispute.note = refund_cents, note[:500]
    dispute.resolved_by_id, dispute.resolved_at = operator.id, utcnow()
    orders.move_order(order, OrderStatus.RESOLVED)
    audit.record(operator, "group_dispute.resolve", "group_dispute", dispute.id,
                 note=dispute.note, after={"refund_cents": refund_cents})
    signals.dispute_resolved.send(order, refund_cents=refund_cents)
    _release_held_payout(order.campaign_id)
    db.session.commit()
    return dispute


def _release_held_payout(campaign_id: int) -> None:
    payout = group_payouts.payout_of(campaign_id)
    if payout is None or payout.status != PayoutStatus.HELD:
        return
    if group_payouts.open_disputes(campaign_id) == 0:
        payout.status = payout_transition(payout.status, PayoutStatus.SCHEDULED)
        payout.hold_reason = None
        outbox.enqueue(group_payouts.TASK, payout.id)


def _resolve_bank_dispute(dispute: GroupDispute, operator: User, seller_cents: int,
                          note: str) -> GroupDispute:
    """A chargeback, decided once the bank ruled against us (a won one settles itself); the
    seller's share bears `seller_cents` (as a helper's share does for a mission), the
    platform the rest. The dispute is locked and resolved before any money moves."""
    if dispute.bank_status != "lost":  # won closes by itself (group_bank_disputes)
        raise Conflict(_l("Wait for the bank's decision on this dispute."))
    limit = group_bank_disputes.seller_limit(dispute)
    if not 0 <= seller_cents <= limit:
        raise DomainError(_l("The seller's share can bear between 0 and %(amount)s.",
                             amount=format_money(limit)))
    dispute.status = dispute_transition(dispute.status, DisputeStatus.RESOLVED)
    group_bank_disputes.bear_loss(dispute, seller_cents)
    dispute.resolution = ("platform" if seller_cents == 0
                          else "seller" if seller_cents == limit else "split")
    dispute.refund_cents, dispute.note = 0, note[:500]
    dispute.resolved_by_id, dispute.resolved_at = operator.id, utcnow()
    order = dispute.order
    if order.status == OrderStatus.DISPUTED:
        orders.move_order(order, OrderStatus.RESOLVED)
    audit.record(operator, "group_dispute.resolve", "group_dispute", dispute.id,
                 note=dispute.note, after={"seller_cents": seller_cents,
                                           "bank_status": dispute.bank_status})
    _release_held_payout(order.campaign_id)
    db.session.commit()
    return dispute
