"""Closing a campaign exactly once, then settling its money.

The closing worker first claims the campaign with one conditional UPDATE (`OPEN` or
`WAITING_PAYMENTS` → `CLOSING`, only once `closes_at` has passed): of two workers exactly
one wins, the other does nothing. Inside that same transaction it decides: orders whose
card step never finished are abandoned, saved cards still without a hold are authorized,
participants whose hold failed get 24 h (the campaign waits for them) and are dropped once
that passes; then the minimum is checked on what is left — `CONFIRMED` at the final tier
price, or `CALLED_OFF`. Settling (captures or releases) is a job written in that commit, one
order per commit, keyed by our payment rows: a crash anywhere resumes without doubling.
"""

from __future__ import annotations

import logging
from datetime import datetime

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.state import transition
from marketplace.groupbuy import orders, signals, tiers
from marketplace.groupbuy.lifecycle import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
    OrderStatus,
    campaign_transition,
)
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.models import GroupPayment
from marketplace.payments.services import group_capture, group_checkout, group_holds, group_payouts
from marketplace.payments.status import PaymentStatus

log = logging.getLogger(__name__)
CLOSE_TASK = "group_purchases.close"
SETTLE_TASK = "group_purchases.settle"
C, OS = CampaignStatus, OrderStatus


def due_campaigns(now: datetime | None = None) -> list[int]:
    """Open campaigns past their closing time, and waiting ones whose deadlines passed."""
    now = now or utcnow()
    waiting_on = (db.select(Order.id).where(
        Order.campaign_id == Campaign.id, Order.status == OS.PAYMENT_NEEDED,
        Order.payment_due_by > now).exists())
    return list(db.session.execute(db.select(Campaign.id).where(
        ((Campaign.status == C.OPEN) & (Campaign.closes_at <= now))
        | ((Campaign.status == C.WAITING_PAYMENTS) & ~waiting_on))
        .order_by(Campaign.closes_at)).scalars())


def close_campaign(campaign_id: int, now: datetime | None = None) -> CampaignStatus:
    """Close the campaign if it is due and nobody else did; returns its status after."""
    now = now or utcnow()
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} does not exist")
    if not transition(db.session, campaign, CAMPAIGN_TRANSITIONS, C.CLOSING,
                      sources=(C.OPEN, C.WAITING_PAYMENTS),
                      where=(Campaign.closes_at <= now,)):
        db.session.rollback()
        current = db.session.get(Campaign, campaign_id)
        return current.status if current else C.CANCELLED
    campaign = orders.lock_campaign(campaign_id)
    _abandon_unfinished(campaign)
    _authorize_remaining(campaign, now)
    waiting = _drop_or_wait(campaign, now)
    if waiting:
        return _wait(campaign, max(waiting))
    return _decide(campaign, now)


def _orders(campaign: Campaign, *statuses: OrderStatus) -> list[Order]:
    return list(db.session.execute(db.select(Order).where(
        Order.campaign_id == campaign.id, Order.status.in_(statuses))
        .order_by(Order.id)).scalars())


def _abandon_unfinished(campaign: Campaign) -> None:
    for order in _orders(campaign, OS.PENDING):
        orders.end_order(order, OS.ABANDONED)
        for payment in group_checkout.payments_of(order):
            group_capture.release(payment)
    for order in _orders(campaign, OS.ACTIVE):  # extra units whose page was never finished
        for payment in group_checkout.payments_of(order, (PaymentStatus.CREATED,
                                                          PaymentStatus.FAILED)):
            orders.unreserve(campaign, payment.quantity)
            group_capture.release(payment)


def _authorize_remaining(campaign: Campaign, now: datetime) -> None:
    """Saved cards the worker did not reach before closing get their hold now."""
    for order in _orders(campaign, OS.ACTIVE):
        for payment in group_checkout.payments_of(order, (PaymentStatus.SAVED,)):
            if group_holds.authorize_saved(payment.id) == PaymentStatus.FAILED:
                orders.needs_payment(order, now)


def _drop_or_wait(campaign: Campaign, now: datetime) -> list[datetime]:
    """Drop who did not pay in time; return the deadlines still running."""
    running = []
    for order in _orders(campaign, OS.PAYMENT_NEEDED):
        if order.payment_due_by is not None and order.payment_due_by > now:
            running.append(order.payment_due_by)
            continue
        orders.end_order(order, OS.DROPPED)
        for payment in group_checkout.payments_of(order):
            group_capture.release(payment)
        signals.order_dropped.send(order)
    return running


def _wait(campaign: Campaign, until: datetime) -> CampaignStatus:
    campaign.status = campaign_transition(campaign.status, C.WAITING_PAYMENTS)
    outbox.enqueue(CLOSE_TASK, campaign.id, eta=until)
    db.session.commit()
    return campaign.status


def _decide(campaign: Campaign, now: datetime) -> CampaignStatus:
    counted = _orders(campaign, OS.ACTIVE)
    total = sum(o.quantity for o in counted)
    campaign.closed_at, campaign.final_quantity = now, total
    if total >= campaign.minimum_quantity:
        campaign.status = campaign_transition(campaign.status, C.CONFIRMED)
        campaign.final_unit_price_cents = tiers.price_at(campaign.tiers, total)
        signals.campaign_confirmed.send(campaign)
    else:
        campaign.status = campaign_transition(campaign.status, C.CALLED_OFF)
        signals.campaign_called_off.send(campaign, reason="minimum")
    outbox.enqueue(SETTLE_TASK, campaign.id)
    db.session.commit()
    return campaign.status


def settle_campaign(campaign_id: int) -> int:
    """Capture every counted order at the final price (confirmed), or release every hold
    (called off, cancelled); one order per commit. Returns how many orders it settled."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in (C.CONFIRMED, C.CALLED_OFF, C.CANCELLED):
        db.session.rollback()
        return 0
    live = (OS.ACTIVE,) if campaign.status == C.CONFIRMED else (OS.PENDING, OS.ACTIVE,
                                                               OS.PAYMENT_NEEDED)
    ids = [o.id for o in _orders(campaign, *live)]
    db.session.rollback()
    for order_id in ids:
        settle_order(order_id)
    if campaign.status == C.CONFIRMED:
        _schedule_payout(campaign_id)
    return len(ids)


def settle_order(order_id: int) -> None:
    """Capture (or release) one order's payments and move the order, in one commit."""
    order = db.session.get(Order, order_id, with_for_update=True, populate_existing=True)
    if order is None:
        return
    campaign = order.campaign
    if campaign.status == C.CONFIRMED and order.status == OS.ACTIVE:
        _capture_order(order, campaign.final_unit_price_cents or 0)
    elif campaign.status != C.CONFIRMED and order.status in (OS.PENDING, OS.ACTIVE,
                                                             OS.PAYMENT_NEEDED):
        orders.end_order(order, OS.RELEASED)
        for payment in group_checkout.payments_of(order):
            group_capture.release(payment)
    db.session.commit()


def _capture_order(order: Order, unit_price_cents: int) -> None:
    """Charge quantity x the final price: each hold takes its own units, oldest first
    (fewer units than held: the latest holds take less, or are released)."""
    units_left = order.quantity
    for payment in _locked_payments(order):
        units = min(payment.quantity, units_left)
        group_capture.capture(payment, units * unit_price_cents)
        units_left -= units
    if units_left > 0:
        log.error("order %s: %s units without a hold at capture", order.id, units_left)
    orders.move_order(order, OS.CAPTURED)
    order.unit_price_cents = unit_price_cents


def _locked_payments(order: Order) -> list[GroupPayment]:
    return list(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id, GroupPayment.status == PaymentStatus.AUTHORIZED)
        .order_by(GroupPayment.id).with_for_update()).scalars())


def _schedule_payout(campaign_id: int) -> None:
    """Once no order is left to capture (two settlers serialize on the campaign's lock)."""
    campaign = orders.lock_campaign(campaign_id)
    if _orders(campaign, OS.ACTIVE):
        db.session.rollback()
        return
    group_payouts.schedule_payout(
        campaign, max(campaign.pickup_ends_at, utcnow()) + group_payouts.refund_window())
    db.session.commit()


def authorize_due(now: datetime | None = None) -> int:
    """Off-session holds on saved cards of campaigns closing soon; a refusal gives the
    participant 24 h to pay. Returns how many were tried."""
    due = group_holds.due_payments(now)
    for payment_id in due:
        payment = db.session.get(GroupPayment, payment_id)
        if payment is None:
            continue
        orders.lock_campaign(payment.campaign_id)
        if group_holds.authorize_saved(payment_id) == PaymentStatus.FAILED:
            order = payment.order
            if order.status == OS.ACTIVE:
                orders.needs_payment(order, now)
        db.session.commit()
    return len(due)
