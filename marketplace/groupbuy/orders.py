"""Orders against a campaign's stock: reserve, change and end them under the campaign's lock.

No overselling: every change of reserved units first locks the campaign row (`SELECT ...
FOR UPDATE` on PostgreSQL; SQLite serializes writers), then checks the stock against the
counter `reserved_quantity`, which a CHECK constraint also bounds by the stock. Twenty
neighbours racing for the last units therefore get exactly the stock. Callers commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.state import check_transition
from marketplace.groupbuy import errors, signals, tiers
from marketplace.groupbuy.errors import (
    AlreadyJoinedError,
    CampaignClosedError,
    CampaignError,
    NotParticipantError,
    SoldOutError,
)
from marketplace.groupbuy.lifecycle import (
    JOINABLE,
    ORDER_TRANSITIONS,
    RESERVING,
    OrderStatus,
)
from marketplace.groupbuy.models import Campaign, Order
from marketplace.groupbuy.services import counted_total


def lock_campaign(campaign_id: int) -> Campaign:
    """The campaign with its row locked until the caller's commit."""
    campaign = db.session.get(Campaign, campaign_id, with_for_update=True,
                              populate_existing=True)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} does not exist")
    return campaign


def ensure_joinable(campaign: Campaign, now: datetime | None = None) -> None:
    if campaign.status not in JOINABLE or (now or utcnow()) >= campaign.closes_at:
        raise CampaignClosedError(errors.CLOSED)


def reserve(campaign: Campaign, units: int) -> None:
    """Take `units` from the stock (campaign locked by the caller); SoldOutError if short."""
    if units <= 0:
        return
    left = campaign.remaining_stock
    if left is not None and units > left:
        if left <= 0:
            raise SoldOutError(errors.SOLD_OUT_NONE)
        raise SoldOutError(errors.SOLD_OUT % {"left": left})
    campaign.reserved_quantity += units


def unreserve(campaign: Campaign, units: int) -> None:
    campaign.reserved_quantity = max(0, campaign.reserved_quantity - units)


def place_order(campaign_id: int, user: User, quantity: int, delivery: bool = False,
                now: datetime | None = None) -> Order:
    """A new PENDING order reserving `quantity` units; one live order per participant."""
    check_quantity(quantity)
    campaign = lock_campaign(campaign_id)
    ensure_joinable(campaign, now)
    if campaign.seller_id == user.id:
        raise CampaignError(errors.OWN_CAMPAIGN)
    if live_order(campaign.id, user.id) is not None:
        raise AlreadyJoinedError(errors.ALREADY_JOINED)
    if delivery and campaign.delivery_radius_km is None:
        raise CampaignError(errors.NO_DELIVERY)
    reserve(campaign, quantity)
    order = Order(campaign_id=campaign.id, user_id=user.id, quantity=quantity,
                  delivery=delivery, status=OrderStatus.PENDING)
    db.session.add(order)
    db.session.flush()
    return order


def live_order(campaign_id: int, user_id: int) -> Order | None:
    return db.session.execute(db.select(Order).where(
        Order.campaign_id == campaign_id, Order.user_id == user_id,
        Order.status.in_(RESERVING))).scalar_one_or_none()


def own_order(order_id: int, user: User, *, lock_campaign_row: bool = True) -> Order:
    """The participant's order (its campaign locked first, so changes serialize)."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(f"order {order_id} does not exist")
    if order.user_id != user.id:
        raise NotParticipantError(errors.NOT_PARTICIPANT)
    if lock_campaign_row:
        lock_campaign(order.campaign_id)
        db.session.refresh(order)
    return order


def move_order(order: Order, target: OrderStatus) -> None:
    """The locked assignment of an order's status (its campaign row is locked)."""
    order.status = check_transition(ORDER_TRANSITIONS, order.status, target)
    if target in (OrderStatus.WITHDRAWN, OrderStatus.ABANDONED, OrderStatus.DROPPED,
                  OrderStatus.RELEASED):
        order.ended_at = utcnow()


def end_order(order: Order, target: OrderStatus, extra_reserved: int = 0) -> None:
    """Withdraw, drop, abandon or release an order; its units go back to the stock."""
    units = order.quantity + extra_reserved if order.status in RESERVING else 0
    move_order(order, target)
    unreserve(order.campaign, units)


def check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= tiers.MAX_QUANTITY:
        raise CampaignError(errors.BAD_QUANTITY)


def activate(order: Order, added_units: int = 0) -> bool:
    """A card now stands behind the order (held or saved; its campaign row is locked):
    it counts towards the minimum and the tiers. False if the order ended meanwhile
    (withdrawn, abandoned...): the caller then releases the payment."""
    campaign = order.campaign
    if order.status == OrderStatus.PENDING:
        move_order(order, OrderStatus.ACTIVE)
        signals.order_joined.send(order)
    elif order.status == OrderStatus.PAYMENT_NEEDED:
        move_order(order, OrderStatus.ACTIVE)
        order.payment_due_by = None
    elif order.status == OrderStatus.ACTIVE and added_units > 0:
        old = order.quantity
        order.quantity += added_units
        signals.order_changed.send(order, old_quantity=old)
    elif order.status != OrderStatus.ACTIVE:
        return False
    db.session.flush()
    announce_tier(campaign)
    return True


def announce_tier(campaign: Campaign) -> None:
    """Tell everyone once when the total reaches a cheaper tier ("the price is now 20 €")."""
    total = counted_total(campaign)
    tier = tiers.tier_at(campaign.tiers, total)
    if tier.from_quantity > campaign.announced_tier_from:
        campaign.announced_tier_from = tier.from_quantity
        signals.tier_reached.send(campaign, total=total, unit_price_cents=tier.unit_price_cents)


def grace() -> timedelta:
    return timedelta(hours=current_app.config["GROUP_PAYMENT_GRACE_HOURS"])


def needs_payment(order: Order, now: datetime | None = None) -> None:
    """The card hold failed: the participant has 24 h to pay, then is dropped."""
    move_order(order, OrderStatus.PAYMENT_NEEDED)
    order.payment_due_by = (now or utcnow()) + grace()
    signals.payment_needed.send(order, due_by=order.payment_due_by)
