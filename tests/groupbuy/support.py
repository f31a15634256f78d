"""Campaigns and orders through the real flows and the emulator (no browser, no worker)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows.group_purchases import campaigns, closing, joining
from marketplace.groupbuy.models import Campaign, Order
from marketplace.groupbuy.services import CampaignDraft
from marketplace.groupbuy.tiers import Tier
from marketplace.payments import ledger
from marketplace.payments.models import GroupPayment, GroupPayout
from marketplace.places import Place
from stripe_emulator import StripeEmulator
from tests.support.factories import ASNIERES, Factories
from tests.support.money import onboarded_helper

OK, CANCEL = "http://app.test/ok", "http://app.test/cancel"
GOOD_CARD = "4242424242424242"
# Saves fine, then declines the off-session hold (Stripe's documented test card).
DECLINES_LATER = "4000000000009995"
PICKUP = Place(id="92004_test", label="12 Rue de Colombes 92600 Asnières-sur-Seine",
               housenumber="12", street="Rue de Colombes", postcode="92600", citycode="92004",
               city="Asnières-sur-Seine", context="92, Hauts-de-Seine", kind="housenumber",
               lat=ASNIERES[0], lon=ASNIERES[1])
GARDEN_TIERS = (Tier(1, 2400), Tier(10, 2000), Tier(30, 1700))


def draft(*, closes_in: timedelta = timedelta(days=2), minimum: int = 10,
          maximum: int | None = None, tiers: tuple[Tier, ...] = GARDEN_TIERS,
          now: datetime | None = None) -> CampaignDraft:
    closes = (now or utcnow()) + closes_in
    return CampaignDraft(
        title="Box potager de saison", description="Graines, terreau et outils.", tiers=tiers,
        minimum_quantity=minimum, maximum_quantity=maximum, closes_at=closes, place=PICKUP,
        pickup_starts_at=closes + timedelta(days=1), pickup_ends_at=closes + timedelta(days=2))


def seller(make: Factories, emu: StripeEmulator) -> User:
    return onboarded_helper(make, emu, skills=("jardinage",))


def campaign(make: Factories, emu: StripeEmulator, **kw: object) -> Campaign:
    return campaigns.create_campaign(seller(make, emu), draft(**kw))  # type: ignore[arg-type]


def pay(emu: StripeEmulator, url_or_payment: GroupPayment, card: str = GOOD_CARD) -> None:
    """Complete the payment's hosted page with a test card, and come back."""
    session_id = url_or_payment.checkout_session_id
    assert session_id
    emu.pay_checkout_session(session_id, card_number=card)
    joining.card_returned(session_id)


def latest_payment(order: Order) -> GroupPayment:
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id).order_by(GroupPayment.id.desc()).limit(1)
    ).scalar_one()
    return payment


def joined(emu: StripeEmulator, c: Campaign, user: User, quantity: int,
           card: str = GOOD_CARD) -> Order:
    """A neighbour who joined and authorized (or saved) the card."""
    result = joining.join(c.id, user, quantity, OK, CANCEL)
    assert result.url
    pay(emu, latest_payment(result.order), card)
    db.session.refresh(result.order)
    return result.order


def close_now(c: Campaign) -> None:
    """Move the closing time to now, close, and settle, as the workers would."""
    make_due(c)
    closing.close_campaign(c.id)
    closing.settle_campaign(c.id)
    db.session.expire_all()


def make_due(c: Campaign) -> None:
    db.session.execute(update(Campaign).where(Campaign.id == c.id)
                       .values(closes_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def payout_due_now(c: Campaign) -> GroupPayout:
    payout = db.session.execute(db.select(GroupPayout).where(
        GroupPayout.campaign_id == c.id)).scalar_one()
    db.session.execute(update(GroupPayout).where(GroupPayout.id == payout.id)
                       .values(release_after=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    return payout


def holds_outstanding() -> int:
    return ledger.balance(ledger.CARD_HOLDS)
