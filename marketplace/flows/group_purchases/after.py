"""After a campaign is confirmed: handover per order, the seller's payout, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.groupbuy import errors, orders, signals
from marketplace.groupbuy.errors import NotParticipantError, NotSellerError
from marketplace.groupbuy.lifecycle import CHARGED, CampaignStatus, OrderStatus, campaign_transition
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import GroupPayout
from marketplace.payments.services import group_payouts
from marketplace.payments.status import PayoutStatus

REMIND_AHEAD = timedelta(hours=24)


def confirm_handover(order_id: int, seller: User) -> Order:
    """The seller says this participant has their goods."""
    order = _load(order_id)
    if order.campaign.seller_id != seller.id:
        raise NotSellerError(errors.NOT_SELLER)
    return _handed_over(order, "seller")


def confirm_receipt(order_id: int, user: User) -> Order:
    """The participant says they received their goods."""
    order = _load(order_id)
    if order.user_id != user.id:
        raise NotParticipantError(errors.NOT_PARTICIPANT)
    return _handed_over(order, "participant")


def _load(order_id: int) -> Order:
    order = db.session.get(Order, order_id, with_for_update=True)
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    return order


def _handed_over(order: Order, by: str) -> Order:
    if order.status == OrderStatus.HANDED_OVER:
        db.session.rollback()
        return order
    if order.status != OrderStatus.CAPTURED:
        raise Conflict(_l("This order cannot be marked as handed over."))
    orders.move_order(order, OrderStatus.HANDED_OVER)
    order.handed_over_at, order.handed_over_by = utcnow(), by
    signals.order_handed_over.send(order, by=by)
    _pay_sooner_if_all_handed_over(order.campaign)
    db.session.commit()
    return order


def _pay_sooner_if_all_handed_over(campaign: Campaign) -> None:
    """Once every charged order is handed over, the payout waits only the refund window."""
    db.session.flush()
    waiting = db.session.execute(db.select(Order.id).where(
        Order.campaign_id == campaign.id, Order.status.in_(
            (OrderStatus.ACTIVE, OrderStatus.CAPTURED, OrderStatus.DISPUTED)))).first()
    payout = group_payouts.payout_of(campaign.id)
    if waiting is None and payout is not None:
        group_payouts.bring_forward(payout, utcnow() + group_payouts.refund_window())


def pay_seller(payout_id: int, now: datetime | None = None) -> PayoutStatus:
    """Transfer the seller's share when due; the campaign completes once paid.

    A transient Stripe error is recorded and re-raised for the task's retry."""
    payout = group_payouts.release_payout(payout_id, now)
    if payout.status == PayoutStatus.PAID:
        campaign = payout.campaign
        if campaign.status == CampaignStatus.CONFIRMED:
            campaign.status = campaign_transition(campaign.status, CampaignStatus.COMPLETED)
        signals.seller_paid.send(campaign, amount_cents=payout.amount_cents)
    transient = payout.status == PayoutStatus.SCHEDULED and payout.last_error is not None
    error = payout.last_error
    db.session.commit()
    if transient:
        raise GatewayError(error or "transfer failed", transient=True)
    return payout.status


def due_payouts(now: datetime | None = None) -> list[int]:
    """Payouts due now (the sweeper's list; each also has its own job at its time)."""
    return list(db.session.execute(db.select(GroupPayout.id).where(
        GroupPayout.status.in_((PayoutStatus.SCHEDULED, PayoutStatus.HELD)),
        GroupPayout.release_after <= (now or utcnow()))).scalars())


def send_pickup_reminders(now: datetime | None = None) -> int:
    """Remind each charged participant once, the day before the pickup window opens."""
    now = now or utcnow()
    due = list(db.session.execute(
        db.select(Order).join(Campaign, Campaign.id == Order.campaign_id)
        .where(Campaign.status.in_((CampaignStatus.CONFIRMED, CampaignStatus.COMPLETED)),
               Campaign.pickup_starts_at <= now + REMIND_AHEAD, Campaign.pickup_ends_at > now,
               Order.status == OrderStatus.CAPTURED, Order.pickup_reminded_at.is_(None))
        .with_for_update(of=Order)).scalars())
    for order in due:
        order.pickup_reminded_at = now
        signals.pickup_reminder.send(order)
    db.session.commit()
    return len(due)


__all__ = ["CHARGED", "confirm_handover", "confirm_receipt", "due_payouts", "pay_seller",
           "send_pickup_reminders"]
