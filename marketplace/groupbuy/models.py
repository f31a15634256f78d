"""Campaigns, their price tiers and photo, and the participants' orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import TimestampMixin, str_enum
from marketplace.core.db import Model, db
from marketplace.groupbuy import tiers
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus

MAX_TITLE = 120
MAX_DESCRIPTION = 4000
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


class Campaign(TimestampMixin, Model):
    """A seller's offer: tiers by total quantity, a minimum, maybe a stock, a closing time,
    a pickup point (a place from the geocoder) and window, or delivery within a radius."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("minimum_quantity >= 1", name="minimum_positive"),
        CheckConstraint("maximum_quantity IS NULL OR maximum_quantity >= minimum_quantity",
                        name="maximum_above_minimum"),
        CheckConstraint("reserved_quantity >= 0 AND (maximum_quantity IS NULL "
                        "OR reserved_quantity <= maximum_quantity)", name="no_oversell"),
        CheckConstraint("reach_km > 0 AND reach_km <= 50", name="reach_range"),
        CheckConstraint("delivery_radius_km IS NULL OR (delivery_radius_km > 0 "
                        "AND delivery_radius_km <= reach_km)", name="delivery_within_reach"),
        CheckConstraint("pickup_starts_at < pickup_ends_at", name="pickup_window_order"),
        CheckConstraint("closes_at <= pickup_starts_at", name="closes_before_pickup"),
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lng BETWEEN -180 AND 180", name="lng_range"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        CheckConstraint("commission_bps BETWEEN 0 AND 10000", name="commission_bps_range"),
        Index("ix_campaigns_status_lat_lng", "status", "lat", "lng"),
        Index("ix_campaigns_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    description: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3), default="eur")
    minimum_quantity: Mapped[int]
    maximum_quantity: Mapped[int | None]  # the stock; None: no limit
    reserved_quantity: Mapped[int] = mapped_column(default=0)  # Σ reserving orders' quantities
    closes_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(255))  # the pickup point (geocoder's label)
    postcode: Mapped[str | None] = mapped_column(String(5))
    citycode: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(100))
    lat: Mapped[float]
    lng: Mapped[float]
    pickup_starts_at: Mapped[datetime]
    pickup_ends_at: Mapped[datetime]
    delivery_radius_km: Mapped[float | None]  # None: pickup only
    reach_km: Mapped[float] = mapped_column(default=5.0)  # neighbours within see it
    status: Mapped[CampaignStatus] = mapped_column(str_enum(CampaignStatus),
                                                   default=CampaignStatus.OPEN)
    final_quantity: Mapped[int | None]
    final_unit_price_cents: Mapped[int | None]
    closed_at: Mapped[datetime | None]
    announced_tier_from: Mapped[int] = mapped_column(default=1)  # the last tier announced
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    # The commission formula (fee engine, category group_purchase), fixed at creation.
    commission_bps: Mapped[int] = mapped_column(default=0)
    commission_fixed_cents: Mapped[int] = mapped_column(default=0)
    commission_min_cents: Mapped[int | None]
    commission_cap_cents: Mapped[int | None]
    commission_basis: Mapped[str] = mapped_column(String(160), default="")

    seller: Mapped[User] = relationship()
    price_tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="PriceTier.from_quantity",
        lazy="selectin")
    photo: Mapped[CampaignPhoto | None] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", uselist=False)

    @property
    def tiers(self) -> list[tiers.Tier]:
        return [tiers.Tier(t.from_quantity, t.unit_price_cents) for t in self.price_tiers]

    @property
    def highest_price_cents(self) -> int:
        return tiers.highest_price(self.tiers)

    @property
    def remaining_stock(self) -> int | None:
        if self.maximum_quantity is None:
            return None
        return self.maximum_quantity - self.reserved_quantity


class PriceTier(Model):
    __tablename__ = "campaign_price_tiers"
    __table_args__ = (
        UniqueConstraint("campaign_id", "from_quantity", name="uq_tier_quantity"),
        CheckConstraint("from_quantity >= 1", name="from_positive"),
        CheckConstraint("unit_price_cents > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    from_quantity: Mapped[int]
    unit_price_cents: Mapped[int]

    campaign: Mapped[Campaign] = relationship(back_populates="price_tiers")


class CampaignPhoto(TimestampMixin, Model):
    """The product's photo, kept in the database (size and type checked on upload)."""

    __tablename__ = "campaign_photos"
    __table_args__ = (
        CheckConstraint(f"size_bytes > 0 AND size_bytes <= {PHOTO_MAX_BYTES}",
                        name="size_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)

    campaign: Mapped[Campaign] = relationship(back_populates="photo")


_ACTIVE_ORDER = "status IN ('pending', 'active', 'payment_needed')"


class Order(TimestampMixin, Model):
    """One participant's order in a campaign (one live order per participant)."""

    __tablename__ = "group_orders"
    __table_args__ = (
        CheckConstraint(f"quantity >= 1 AND quantity <= {tiers.MAX_QUANTITY}",
                        name="quantity_range"),
        CheckConstraint("unit_price_cents IS NULL OR unit_price_cents > 0",
                        name="unit_price_positive"),
        Index("uq_group_orders_live", "campaign_id", "user_id", unique=True,
              sqlite_where=db.text(_ACTIVE_ORDER), postgresql_where=db.text(_ACTIVE_ORDER)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quantity: Mapped[int]
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus),
                                                default=OrderStatus.PENDING)
    unit_price_cents: Mapped[int | None]  # the final price, fixed at closing
    delivery: Mapped[bool] = mapped_column(default=False)  # else picked up
    payment_due_by: Mapped[datetime | None]  # set when an off-session hold failed
    handed_over_at: Mapped[datetime | None]
    handed_over_by: Mapped[str | None] = mapped_column(String(12))  # seller | participant
    pickup_reminded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]  # withdrawn, dropped, abandoned or released

    campaign: Mapped[Campaign] = relationship()
    user: Mapped[User] = relationship()

    @property
    def charged_cents(self) -> int | None:
        if self.unit_price_cents is None:
            return None
        return self.unit_price_cents * self.quantity
