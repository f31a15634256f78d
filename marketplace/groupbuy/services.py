"""Campaigns as the seller writes them, and the read models the pages show.

Building and editing validate every rule and raise `CampaignError` with a message for the
form; they add to the session and never commit (the use case in flows/group_purchases owns
the transaction, since opening a campaign also snapshots the commission).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.geo import bounding_box, haversine_km
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.groupbuy import tiers
from marketplace.groupbuy.errors import TIER_MESSAGES, CampaignError
from marketplace.groupbuy.lifecycle import COUNTING, RESERVING, CampaignStatus, OrderStatus
from marketplace.groupbuy.models import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    PHOTO_MAX_BYTES,
    PHOTO_TYPES,
    Campaign,
    CampaignPhoto,
    Order,
    PriceTier,
)
from marketplace.places import Place

MAX_REACH_KM = 50.0
MAX_OPEN_DAYS = 60
_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass(frozen=True)
class PhotoUpload:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class CampaignDraft:
    """What the seller's form (or the API) gives; `place` comes from the geocoder."""

    title: str
    description: str
    tiers: Sequence[tiers.Tier]
    minimum_quantity: int
    maximum_quantity: int | None
    closes_at: datetime
    place: Place
    pickup_starts_at: datetime
    pickup_ends_at: datetime
    reach_km: float = 5.0
    delivery_radius_km: float | None = None
    photo: PhotoUpload | None = None
    currency: str = "eur"


def build_campaign(seller: User, draft: CampaignDraft, now: datetime | None = None) -> Campaign:
    """A new open campaign from a validated draft, added to the session (caller commits)."""
    ordered = validate_draft(draft, now)
    campaign = Campaign(seller_id=seller.id, status=CampaignStatus.OPEN, reserved_quantity=0)
    _apply(campaign, draft, ordered)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def edit_campaign(campaign: Campaign, draft: CampaignDraft, now: datetime | None = None) -> None:
    """Change an open campaign. Once someone joined, the prices, minimum and closing time
    are what they agreed to: only the text, the photo, the pickup and a larger stock change."""
    if campaign.status != CampaignStatus.OPEN:
        raise CampaignError(_l("Only an open group purchase can be edited."))
    ordered = validate_draft(draft, now)
    if campaign.reserved_quantity > 0:
        _check_agreed_terms_kept(campaign, draft, ordered)
    _apply(campaign, draft, ordered)


def _check_agreed_terms_kept(campaign: Campaign, draft: CampaignDraft,
                             ordered: list[tiers.Tier]) -> None:
    if (ordered != campaign.tiers or draft.minimum_quantity != campaign.minimum_quantity
            or draft.closes_at != campaign.closes_at or draft.currency != campaign.currency):
        raise CampaignError(_l("Neighbours have joined: prices, minimum and closing time "
                               "can no longer change."))
    if draft.maximum_quantity is not None and draft.maximum_quantity < campaign.reserved_quantity:
        raise CampaignError(_l("The stock cannot go below the %(n)s units already ordered.",
                               n=campaign.reserved_quantity))


def validate_draft(draft: CampaignDraft, now: datetime | None = None) -> list[tiers.Tier]:
    """Every rule of a campaign's details; returns the tiers sorted."""
    now = now or utcnow()
    try:
        ordered = tiers.validate(draft.tiers)
    except tiers.TierError as exc:
        raise CampaignError(TIER_MESSAGES[exc.code]) from exc
    if not draft.title.strip() or len(draft.title) > MAX_TITLE:
        raise CampaignError(_l("Give a title of at most %(n)s characters.", n=MAX_TITLE))
    if len(draft.description) > MAX_DESCRIPTION:
        raise CampaignError(_l("The description is too long."))
    if not 1 <= draft.minimum_quantity <= tiers.MAX_QUANTITY:
        raise CampaignError(_l("The minimum must be between 1 and 10000 units."))
    if draft.maximum_quantity is not None and not (
            draft.minimum_quantity <= draft.maximum_quantity <= tiers.MAX_QUANTITY):
        raise CampaignError(_l("The stock cannot be below the minimum."))
    _validate_dates(draft, now)
    _validate_area(draft)
    if draft.photo is not None:
        validate_photo(draft.photo)
    return ordered


def _validate_dates(draft: CampaignDraft, now: datetime) -> None:
    minutes = int(current_app.config["GROUP_MIN_OPEN_MINUTES"])
    if draft.closes_at < now + timedelta(minutes=minutes):
        raise CampaignError(_l("Closing must be at least %(num)d minutes from now.", num=minutes))
    if draft.closes_at > now + timedelta(days=MAX_OPEN_DAYS):
        raise CampaignError(_l("Closing must be within 60 days."))
    if not draft.closes_at <= draft.pickup_starts_at < draft.pickup_ends_at:
        raise CampaignError(_l("The pickup window must start after closing and end after "
                               "it starts."))


def _validate_area(draft: CampaignDraft) -> None:
    if not 0 < draft.reach_km <= MAX_REACH_KM:
        raise CampaignError(_l("Reach neighbours within 50 km at most."))
    if draft.delivery_radius_km is not None and not 0 < draft.delivery_radius_km <= draft.reach_km:
        raise CampaignError(_l("The delivery radius must be within the reach."))


def validate_photo(photo: PhotoUpload) -> None:
    """Refuse what is not a small JPEG, PNG or WebP, whatever the browser claims."""
    if not photo.data or len(photo.data) > PHOTO_MAX_BYTES:
        raise CampaignError(_l("The photo must be under 2 MB."))
    if photo.content_type not in PHOTO_TYPES or sniff(photo.data) != photo.content_type:
        raise CampaignError(_l("The photo must be a JPEG, PNG or WebP image."))


def sniff(data: bytes) -> str | None:
    """The image type from the file's first bytes."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)


def _apply(campaign: Campaign, draft: CampaignDraft, ordered: list[tiers.Tier]) -> None:
    place = draft.place
    campaign.title, campaign.description = draft.title.strip(), draft.description.strip()
    campaign.minimum_quantity, campaign.maximum_quantity = (draft.minimum_quantity,
                                                            draft.maximum_quantity)
    campaign.closes_at, campaign.currency = draft.closes_at, draft.currency
    campaign.address, campaign.postcode, campaign.citycode = (place.label, place.postcode,
                                                              place.citycode)
    campaign.city, campaign.lat, campaign.lng = place.city, place.lat, place.lon
    campaign.pickup_starts_at, campaign.pickup_ends_at = (draft.pickup_starts_at,
                                                          draft.pickup_ends_at)
    campaign.reach_km, campaign.delivery_radius_km = draft.reach_km, draft.delivery_radius_km
    if [t for t in campaign.tiers] != ordered:
        campaign.price_tiers = [PriceTier(from_quantity=t.from_quantity,
                                          unit_price_cents=t.unit_price_cents) for t in ordered]
    if draft.photo is not None:
        campaign.photo = CampaignPhoto(content_type=draft.photo.content_type,
                                       size_bytes=len(draft.photo.data), data=draft.photo.data)


# -- read models -------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSummary:
    """What a page shows about a campaign: the price now, the next tier, what is left."""

    campaign: Campaign
    total_quantity: int  # units with a card behind them
    participants: int
    unit_price_cents: int
    next_tier: tiers.Tier | None
    remaining_stock: int | None
    distance_km: float | None = None
    my_order: Order | None = None
    tiers: list[tiers.Tier] = field(default_factory=list)

    @property
    def units_to_next_tier(self) -> int | None:
        if self.next_tier is None:
            return None
        return self.next_tier.from_quantity - self.total_quantity

    @property
    def minimum_reached(self) -> bool:
        return self.total_quantity >= self.campaign.minimum_quantity


def counted_totals(campaign_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(units, participants) with a card behind them, per campaign, in one statement."""
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        db.select(Order.campaign_id, func.sum(Order.quantity), func.count(Order.id))
        .where(Order.campaign_id.in_(campaign_ids), Order.status.in_(COUNTING))
        .group_by(Order.campaign_id)).all()
    return {cid: (int(units), int(n)) for cid, units, n in rows}


def counted_total(campaign: Campaign) -> int:
    return counted_totals([campaign.id]).get(campaign.id, (0, 0))[0]


def summarize(campaigns: Sequence[Campaign], viewer: User | None = None,
              distances: dict[int, float] | None = None) -> list[CampaignSummary]:
    """Summaries for a list of campaigns: a fixed number of statements, whatever the count."""
    totals = counted_totals([c.id for c in campaigns])
    mine = live_orders_of(viewer, [c.id for c in campaigns]) if viewer else {}
    out = []
    for c in campaigns:
        units, people = totals.get(c.id, (0, 0))
        steps = c.tiers
        out.append(CampaignSummary(
            campaign=c, total_quantity=units, participants=people,
            unit_price_cents=tiers.price_at(steps, units), next_tier=tiers.next_tier(steps, units),
            remaining_stock=c.remaining_stock, distance_km=(distances or {}).get(c.id),
            my_order=mine.get(c.id), tiers=steps))
    return out


def summary(campaign: Campaign, viewer: User | None = None) -> CampaignSummary:
    return summarize([campaign], viewer)[0]


def live_orders_of(user: User, campaign_ids: Sequence[int]) -> dict[int, Order]:
    """The viewer's live order in each of these campaigns."""
    if not campaign_ids:
        return {}
    rows = db.session.execute(db.select(Order).where(
        Order.user_id == user.id, Order.campaign_id.in_(campaign_ids),
        Order.status.in_(RESERVING))).scalars()
    return {o.campaign_id: o for o in rows}


def campaigns_near(lat: float, lng: float, limit: int = 50, viewer: User | None = None,
                   now: datetime | None = None) -> list[CampaignSummary]:
    """Open campaigns whose reach covers this point (a neighbour's home), nearest first.

    The same idiom as missions near a helper: an indexed box (the widest reach) narrows the
    rows, the exact great-circle distance keeps those within each campaign's own reach."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, MAX_REACH_KM)
    distance = func.haversine_km(Campaign.lat, Campaign.lng, lat, lng)
    rows = db.session.execute(
        db.select(Campaign, distance)
        .where(Campaign.status == CampaignStatus.OPEN, Campaign.closes_at > (now or utcnow()),
               Campaign.lat.between(min_lat, max_lat), Campaign.lng.between(min_lng, max_lng),
               distance <= Campaign.reach_km)
        .options(selectinload(Campaign.seller))
        .order_by(distance, Campaign.id).limit(limit)).all()
    return summarize([c for c, _ in rows], viewer, {c.id: float(d) for c, d in rows})


def within_delivery(campaign: Campaign, lat: float, lng: float) -> bool:
    return (campaign.delivery_radius_km is not None
            and haversine_km(campaign.lat, campaign.lng, lat, lng) <= campaign.delivery_radius_km)


def orders_of_campaign(campaign: Campaign, statuses: Sequence[OrderStatus] | None = None
                       ) -> list[Order]:
    """The seller's (and operators') list of participants, with each person loaded."""
    query = db.select(Order).where(Order.campaign_id == campaign.id)
    if statuses is not None:
        query = query.where(Order.status.in_(statuses))
    return list(db.session.execute(
        query.options(selectinload(Order.user)).order_by(Order.id)).scalars())


def orders_of_user(user: User, limit: int = 100) -> list[Order]:
    """A participant's group-purchase orders, newest first, with their campaign."""
    return list(db.session.execute(
        db.select(Order).where(Order.user_id == user.id)
        .options(selectinload(Order.campaign)).order_by(Order.id.desc()).limit(limit)).scalars())


def campaigns_of_seller(seller: User, limit: int = 100) -> list[Campaign]:
    return list(db.session.execute(
        db.select(Campaign).where(Campaign.seller_id == seller.id)
        .order_by(Campaign.id.desc()).limit(limit)).scalars())


def get_campaign(campaign_id: int, *, lock: bool = False) -> Campaign | None:
    """A campaign by id; `lock` takes its row lock (joins and closing serialize on it)."""
    return db.session.get(Campaign, campaign_id, with_for_update=lock or None)
