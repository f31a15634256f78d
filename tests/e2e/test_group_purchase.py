"""A group purchase as people make it, in French on a 375 px phone: the seller sets up
payouts on Stripe's hosted page and opens a campaign; three neighbours join (card 4242 on
the hosted checkout); the third one drops the price to the next tier; the closing worker
captures everyone at the final price; the seller confirms each handover; the worker pays
the seller. Every page reached is checked (no sideways scroll at 375 px, axe)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.services import group_payouts
from marketplace.payments.status import PayoutStatus
from tests.e2e.conftest import PHONE
from tests.e2e.posting import ASNIERES_STATION, FORMAT, fill_place
from tests.e2e.support import Person, fill_form
from tests.e2e.test_journeys import pay_on_hosted_checkout
from tests.support.factories import Factories
from tests.support.servers import wait_until

pytestmark = pytest.mark.e2e


def open_campaign(seller: Person) -> int:
    """The seller's form: three tiers, a minimum of 2, closing in two days."""
    seller.visit("/sell/campaigns/new")
    closes = (datetime.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    fill_form(seller, {
        "title": "Box potager", "description": "Graines bio, terreau et guide des semis.",
        "tiers-0-min_quantity": "1", "tiers-0-unit_price": "24",
        "tiers-1-min_quantity": "3", "tiers-1-unit_price": "20",
        "tiers-2-min_quantity": "30", "tiers-2-unit_price": "17",
        "min_total": "2", "max_total": "40", "closes_at": closes.strftime(FORMAT),
        "pickup_starts_at": (closes + timedelta(days=1)).strftime(FORMAT),
        "pickup_ends_at": (closes + timedelta(days=1, hours=3)).strftime(FORMAT)})
    fill_place(seller, ASNIERES_STATION)
    seller.submit("main form button[type=submit]")
    match = re.fullmatch(r"/group-purchases/(\d+)", seller.path)
    assert match, seller.page.url
    return int(match.group(1))


def join(person: Person, campaign_id: int) -> None:
    person.visit(f"/group-purchases/{campaign_id}")
    fill_form(person, {"quantity": "1"})
    person.press(f"/group-purchases/{campaign_id}/join")
    pay_on_hosted_checkout(person)
    assert person.path == f"/group-purchases/{campaign_id}", person.page.url
    assert person.page.locator("#pickup-address").count() == 1  # shown once joined


def close_now(app: Flask, campaign_id: int) -> None:
    """The closing time comes: the worker gets the closing job (as beat would send it)."""
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.closes_at = utcnow() - timedelta(seconds=1)
        outbox.enqueue("group_purchases.close", campaign_id)
        db.session.commit()
        db.session.remove()


def state(app: Flask, campaign_id: int) -> tuple[CampaignStatus, list[OrderStatus],
                                                 PayoutStatus | None]:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        orders = db.session.execute(db.select(Order.status).where(
            Order.campaign_id == campaign_id).order_by(Order.id)).scalars().all()
        payout = group_payouts.payout_of(campaign_id)
        found = (campaign.status, list(orders), payout.status if payout else None)
        db.session.remove()
        return found


def test_group_purchase_journey(people: Any, app: Flask, make: Factories) -> None:
    # The seller (a neighbour with a profile) sets up payouts on Stripe's hosted page.
    seller_user = make.helper(onboarded=False, email="jardinerie@example.com")
    seller: Person = people(PHONE)
    seller.sign_in(seller_user.email)
    seller.visit("/sell")
    seller.press("/sell/setup")
    assert "/hosted/onboarding/" in seller.page.url, seller.page.url
    seller.submit("form button[type=submit]")
    assert seller.path == "/sell", seller.page.url
    campaign_id = open_campaign(seller)

    # Three neighbours find it near home and join, one unit each.
    neighbours = [people(PHONE) for _ in range(3)]
    for n, person in enumerate(neighbours):
        person.sign_in(make.client(email=f"voisin{n}@example.com").email)
    neighbours[0].visit(f"/group-purchases?address={ASNIERES_STATION.address}")
    assert "Box potager" in neighbours[0].page.locator("main").inner_text()
    for person in neighbours:
        join(person, campaign_id)
    wait_until(lambda: state(app, campaign_id)[1] == [OrderStatus.ACTIVE] * 3, timeout=30,
               message="the three card holds")
    # The third unit reached the 20 € tier: it is the current price for everyone.
    neighbours[0].visit(f"/group-purchases/{campaign_id}")
    current = neighbours[0].page.locator("tr.current").inner_text()
    assert "20,00" in current, current

    # Closing: each card is captured at the final price (3 x 20 €, the rest released).
    close_now(app, campaign_id)
    wait_until(lambda: state(app, campaign_id)[1] == [OrderStatus.CAPTURED] * 3, timeout=60,
               message="the closing worker to capture every order")
    neighbours[1].visit(f"/group-purchases/{campaign_id}")
    assert "20,00" in neighbours[1].page.locator("#my-order").inner_text()

    # The seller hands each order over; then the worker pays the seller.
    seller.visit(f"/sell/campaigns/{campaign_id}/participants")
    with app.app_context():
        order_ids = db.session.execute(db.select(Order.id).where(
            Order.campaign_id == campaign_id).order_by(Order.id)).scalars().all()
        db.session.remove()
    for order_id in order_ids:
        seller.press(f"/sell/campaigns/{campaign_id}/orders/{order_id}/handover")
    wait_until(lambda: state(app, campaign_id)[2] == PayoutStatus.PAID, timeout=60,
               message="the worker to pay the seller")
    seller.visit(f"/sell/campaigns/{campaign_id}/participants")
    assert "payé" in seller.page.locator("#payout").inner_text().lower() or \
        "paid" in seller.page.locator("#payout").inner_text().lower()
