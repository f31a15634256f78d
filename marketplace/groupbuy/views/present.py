"""What a group-purchase page shows, computed from the domain's rows before rendering (pages
receive data, not modules: no query runs from a template, and every figure is in cents)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_pgettext

from marketplace.groupbuy import tiers as tier_math
from marketplace.groupbuy.lifecycle import CHARGED, JOINABLE, CampaignStatus, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.groupbuy.services import CampaignSummary

# What people read for a campaign's and an order's status (msgids in English, by context).
CAMPAIGN_LABELS = {
    CampaignStatus.OPEN: lazy_pgettext("campaign", "open"),
    CampaignStatus.CLOSING: lazy_pgettext("campaign", "closing"),
    CampaignStatus.WAITING_PAYMENTS: lazy_pgettext("campaign", "waiting for payments"),
    CampaignStatus.CONFIRMED: lazy_pgettext("campaign", "confirmed"),
    CampaignStatus.CALLED_OFF: lazy_pgettext("campaign", "called off"),
    CampaignStatus.CANCELLED: lazy_pgettext("campaign", "cancelled"),
    CampaignStatus.COMPLETED: lazy_pgettext("campaign", "completed"),
}
ORDER_LABELS = {
    OrderStatus.PENDING: lazy_pgettext("order", "card step not finished"),
    OrderStatus.ACTIVE: lazy_pgettext("order", "card authorized"),
    OrderStatus.PAYMENT_NEEDED: lazy_pgettext("order", "payment needed"),
    OrderStatus.CAPTURED: lazy_pgettext("order", "paid"),
    OrderStatus.HANDED_OVER: lazy_pgettext("order", "handed over"),
    OrderStatus.DISPUTED: lazy_pgettext("order", "disputed"),
    OrderStatus.RESOLVED: lazy_pgettext("order", "dispute resolved"),
    OrderStatus.WITHDRAWN: lazy_pgettext("order", "withdrawn"),
    OrderStatus.ABANDONED: lazy_pgettext("order", "abandoned"),
    OrderStatus.DROPPED: lazy_pgettext("order", "dropped (not paid in time)"),
    OrderStatus.RELEASED: lazy_pgettext("order", "released (nothing charged)"),
}


def label(status: CampaignStatus | OrderStatus) -> str:
    found = (CAMPAIGN_LABELS.get(status) if isinstance(status, CampaignStatus)
             else ORDER_LABELS.get(status))
    return str(found) if found is not None else status.value.replace("_", " ")


@dataclass(frozen=True)
class TierRow:
    min_quantity: int
    max_quantity: int | None  # the next tier start minus 1; None for the last tier
    unit_price_cents: int
    current: bool
    reached: bool


@dataclass(frozen=True)
class CampaignView:
    id: int
    title: str
    description: str
    seller_name: str
    status: CampaignStatus
    status_label: str
    currency: str
    tiers: list[TierRow]
    current_price_cents: int
    next_tier: TierRow | None
    total_quantity: int  # units behind a card (the tiers and the minimum count these)
    participant_count: int
    min_total: int
    max_total: int | None
    units_left: int | None
    closes_at: datetime
    pickup_label: str
    pickup_area: str
    pickup_starts_at: datetime
    pickup_ends_at: datetime
    delivery_radius_km: float | None
    has_photo: bool
    open: bool
    editable: bool
    distance_km: float | None


@dataclass(frozen=True)
class OrderView:
    id: int
    campaign_id: int
    title: str
    currency: str
    quantity: int
    status: OrderStatus
    status_label: str
    participant_name: str
    authorized_cents: int | None  # the hold: quantity times the highest price, before closing
    captured_cents: int | None
    needs_payment: bool
    pay_by: datetime | None
    handed_over_at: datetime | None
    can_hand_over: bool
    can_confirm_receipt: bool
    can_dispute: bool


def campaign_view(found: CampaignSummary) -> CampaignView:
    """A campaign as a page shows it, from the domain's summary (after closing, the final
    quantity and price fixed by the closing)."""
    campaign, steps = found.campaign, found.tiers or found.campaign.tiers
    total = (campaign.final_quantity if campaign.final_quantity is not None
             else found.total_quantity)
    current = tier_math.tier_at(steps, total)
    rows = [TierRow(t.from_quantity, nxt.from_quantity - 1 if nxt else None,
                    t.unit_price_cents, t == current, t.from_quantity <= max(total, 1))
            for t, nxt in zip(steps, [*steps[1:], None], strict=True)]
    is_open = campaign.status in JOINABLE
    # the next cheaper tier (the first tier is reached by the first unit ordered)
    next_row = next((r for r in rows if r.min_quantity > max(total, 1)), None)
    return CampaignView(
        id=campaign.id, title=campaign.title, description=campaign.description,
        seller_name=campaign.seller.full_name, status=campaign.status,
        status_label=label(campaign.status), currency=campaign.currency, tiers=rows,
        current_price_cents=campaign.final_unit_price_cents or current.unit_price_cents,
        next_tier=next_row if is_open else None, total_quantity=total,
        participant_count=found.participants, min_total=campaign.minimum_quantity,
        max_total=campaign.maximum_quantity, units_left=found.remaining_stock,
        closes_at=campaign.closes_at, pickup_label=campaign.address,
        pickup_area=campaign.city or "", pickup_starts_at=campaign.pickup_starts_at,
        pickup_ends_at=campaign.pickup_ends_at, delivery_radius_km=campaign.delivery_radius_km,
        has_photo=campaign.photo is not None, open=is_open,
        editable=is_open, distance_km=found.distance_km)


def order_view(order: Order, campaign: Campaign) -> OrderView:
    status = order.status
    held = (order.quantity * campaign.highest_price_cents
            if status in (OrderStatus.ACTIVE, OrderStatus.PAYMENT_NEEDED) else None)
    return OrderView(
        id=order.id, campaign_id=campaign.id, title=campaign.title, currency=campaign.currency,
        quantity=order.quantity, status=status, status_label=label(status),
        participant_name=order.user.full_name, authorized_cents=held,
        captured_cents=order.charged_cents if status in CHARGED else None,
        needs_payment=status == OrderStatus.PAYMENT_NEEDED, pay_by=order.payment_due_by,
        handed_over_at=order.handed_over_at,
        can_hand_over=status == OrderStatus.CAPTURED,
        can_confirm_receipt=status == OrderStatus.CAPTURED,
        can_dispute=status in (OrderStatus.CAPTURED, OrderStatus.HANDED_OVER))
