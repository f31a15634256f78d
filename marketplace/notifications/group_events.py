"""Group-purchase notifications, one function per signal (called in the change's transaction).

Each notification is written in its recipient's language; dedupe keys name the cause, so a
replayed change notifies nobody twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import selectinload

from marketplace.core.db import db
from marketplace.groupbuy.lifecycle import COUNTING, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.notifications.catalog import Money
from marketplace.notifications.services import notify, public_url
from marketplace.payments.models import GroupDispute


def campaign_link(campaign: Campaign) -> str:
    return public_url(f"/group-purchases/{campaign.id}")


def seller_link(campaign: Campaign) -> str:
    return public_url(f"/sell/campaigns/{campaign.id}/participants")


def _orders(campaign: Campaign, statuses: frozenset[OrderStatus]) -> list[Order]:
    return list(db.session.execute(
        db.select(Order).where(Order.campaign_id == campaign.id, Order.status.in_(statuses))
        .options(selectinload(Order.user)).order_by(Order.id)).scalars())


def _pickup(campaign: Campaign) -> dict[str, object]:
    return {"title": campaign.title, "address": campaign.address,
            "starts_at": campaign.pickup_starts_at, "ends_at": campaign.pickup_ends_at}


def order_joined(order: Order) -> None:
    c = order.campaign
    notify(order.user, "group_joined",
           {"title": c.title, "quantity": order.quantity, "closes_at": c.closes_at,
            "amount": Money(order.quantity * c.highest_price_cents, c.currency)},
           key=f"group_joined:{order.id}", link=campaign_link(c))


def tier_reached(campaign: Campaign, total: int, unit_price_cents: int) -> None:
    participants = _orders(campaign, COUNTING)
    context = {"title": campaign.title, "total": total, "count": len(participants),
               "price": Money(unit_price_cents, campaign.currency)}
    for order in participants:
        notify(order.user, "group_tier_reached", context,
               key=f"group_tier:{campaign.id}:{total}:{unit_price_cents}:{order.user_id}"[:120],
               link=campaign_link(campaign))


def campaign_confirmed(campaign: Campaign) -> None:
    price = campaign.final_unit_price_cents or 0
    base = {**_pickup(campaign), "total": campaign.final_quantity or 0,
            "price": Money(price, campaign.currency)}
    for order in _orders(campaign, frozenset({OrderStatus.ACTIVE})):
        notify(order.user, "group_confirmed",
               {**base, "amount": Money(order.quantity * price, campaign.currency)},
               key=f"group_confirmed:{order.id}", link=campaign_link(campaign))
    notify(campaign.seller, "group_confirmed_seller", base,
           key=f"group_confirmed_seller:{campaign.id}", link=seller_link(campaign))


def campaign_called_off(campaign: Campaign, reason: str) -> None:
    event = "group_cancelled" if reason == "cancelled" else "group_called_off"
    context = {"title": campaign.title, "minimum": campaign.minimum_quantity,
               "total": campaign.final_quantity or 0}
    live = frozenset({OrderStatus.PENDING, OrderStatus.ACTIVE, OrderStatus.PAYMENT_NEEDED})
    for order in _orders(campaign, live):
        notify(order.user, event, context, key=f"{event}:{order.id}",
               link=campaign_link(campaign))
    if reason != "cancelled":
        notify(campaign.seller, "group_called_off_seller", context,
               key=f"group_called_off_seller:{campaign.id}", link=seller_link(campaign))


def payment_needed(order: Order, due_by: datetime) -> None:
    c = order.campaign
    notify(order.user, "group_payment_needed",
           {"title": c.title, "quantity": order.quantity, "due_by": due_by,
            "amount": Money(order.quantity * c.highest_price_cents, c.currency)},
           key=f"group_payment_needed:{order.id}:{due_by:%Y%m%d%H%M}", link=campaign_link(c))


def order_dropped(order: Order) -> None:
    c = order.campaign
    notify(order.user, "group_dropped", {"title": c.title},
           key=f"group_dropped:{order.id}", link=campaign_link(c))


def pickup_reminder(order: Order) -> None:
    c = order.campaign
    notify(order.user, "group_pickup_reminder", {**_pickup(c), "quantity": order.quantity},
           key=f"group_pickup:{order.id}", link=campaign_link(c))


def order_handed_over(order: Order, by: str) -> None:
    c = order.campaign
    if by == "seller":
        notify(order.user, "group_handed_over", {"title": c.title, "quantity": order.quantity},
               key=f"group_handed_over:{order.id}", link=campaign_link(c))
    else:
        notify(c.seller, "group_received",
               {"title": c.title, "quantity": order.quantity, "name": order.user.full_name},
               key=f"group_received:{order.id}", link=seller_link(c))


def order_disputed(order: Order, dispute_id: int) -> None:
    c = order.campaign
    dispute = db.session.get(GroupDispute, dispute_id)
    reason = dispute.reason if dispute is not None else ""
    notify(c.seller, "group_disputed",
           {"title": c.title, "name": order.user.full_name, "reason": reason},
           key=f"group_disputed:{dispute_id}", link=seller_link(c))


def dispute_resolved(order: Order, refund_cents: int) -> None:
    c = order.campaign
    notify(order.user, "group_dispute_resolved",
           {"title": c.title, "refund": Money(refund_cents, c.currency)},
           key=f"group_dispute_resolved:{order.id}", link=campaign_link(c))


def seller_paid(campaign: Campaign, amount_cents: int) -> None:
    notify(campaign.seller, "group_seller_paid",
           {"title": campaign.title, "amount": Money(amount_cents, campaign.currency)},
           key=f"group_seller_paid:{campaign.id}", link=public_url("/sell"))

