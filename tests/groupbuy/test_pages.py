"""The group-purchase pages as people use them: a neighbour finds campaigns near home (the
commune and a rounded distance, not the pickup address), reads one (tiers, progress, Paris
time), a seller creates one through the form; bad input is a form error, never a 500."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.dates import PARIS
from marketplace.core.db import db
from marketplace.flows.group_purchases import joining
from marketplace.groupbuy import services
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.tiers import Tier
from marketplace.places import services as places
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.places import ADDRESS, COLOMBES, HOME

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def a_campaign(seller: User, **overrides: object) -> Campaign:
    """An open campaign in Asnières (the BAN fixture's address), three tiers, minimum 10."""
    place = places.find(ADDRESS, limit=1).places[0]
    closes = utcnow() + timedelta(days=3)
    draft = services.CampaignDraft(**{
        "title": "Box potager", "description": "Une box de graines et de terreau bio.",
        "tiers": [Tier(1, 2400), Tier(10, 2000), Tier(30, 1700)], "minimum_quantity": 10,
        "maximum_quantity": 50, "closes_at": closes, "place": place,
        "pickup_starts_at": closes + timedelta(days=1),
        "pickup_ends_at": closes + timedelta(days=1, hours=3), **overrides})
    campaign = services.build_campaign(seller, draft)
    db.session.commit()
    return campaign


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    login(client, user.email)
    return client


def test_near_me_lists_the_commune_and_a_rounded_distance_not_the_address(
        client: FlaskClient, make: Factories) -> None:
    campaign = a_campaign(make.helper())
    signed_in(client, make.client())
    page = client.get("/group-purchases", query_string={"address": HOME})
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert campaign.title in html and "Asnières-sur-Seine" in html
    assert "0.5 km" in html  # ~50 m away, rounded up to half a kilometre
    assert "Rue des Bourguignons" not in html.split("Box potager", 1)[1]


def test_far_away_campaigns_are_not_listed(client: FlaskClient, make: Factories) -> None:
    a_campaign(make.helper(), reach_km=1.0)
    signed_in(client, make.client())
    html = client.get("/group-purchases", query_string={"address": COLOMBES}).get_data(
        as_text=True)
    assert "Box potager" not in html


def test_campaign_page_shows_tiers_progress_and_hides_the_address_before_joining(
        client: FlaskClient, make: Factories) -> None:
    campaign = a_campaign(make.helper())
    signed_in(client, make.client())
    html = client.get(f"/group-purchases/{campaign.id}").get_data(as_text=True)
    assert "24.00" in html and "20.00" in html and "17.00" in html
    assert 'aria-current="true"' in html  # the first tier is the current price
    assert "10 more units are needed" in html
    assert "3 Rue des Bourguignons" not in html
    assert 'id="quantity"' in html


def test_the_seller_sees_the_address_and_the_participants(client: FlaskClient,
                                                          make: Factories) -> None:
    seller = make.helper()
    campaign = a_campaign(seller)
    signed_in(client, seller)
    assert "3 Rue des Bourguignons" in client.get(
        f"/group-purchases/{campaign.id}").get_data(as_text=True)
    assert client.get(f"/sell/campaigns/{campaign.id}/participants").status_code == 200


def test_someone_else_cannot_see_the_participants(client: FlaskClient, make: Factories) -> None:
    campaign = a_campaign(make.helper())
    signed_in(client, make.client())
    assert client.get(f"/sell/campaigns/{campaign.id}/participants").status_code == 404
    assert client.get(f"/sell/campaigns/{campaign.id}/edit").status_code == 404


def _form(**overrides: str) -> dict[str, object]:
    now = utcnow() + timedelta(days=4)
    day = now.strftime("%Y-%m-%d")
    later = (now + timedelta(days=1)).strftime("%Y-%m-%d")
    return {
        "title": "Box potager", "description": "Graines, terreau et conseils de saison.",
        "tiers-0-min_quantity": "1", "tiers-0-unit_price": "24",
        "tiers-1-min_quantity": "10", "tiers-1-unit_price": "20,00",
        "tiers-2-min_quantity": "30", "tiers-2-unit_price": "17",
        "min_total": "10", "max_total": "60", "closes_at": f"{day}T18:00",
        "address": ADDRESS, "pickup_starts_at": f"{later}T10:00",
        "pickup_ends_at": f"{later}T13:00", "radius_km": "5", **overrides}


def test_a_seller_creates_a_campaign_through_the_form(client: FlaskClient,
                                                      make: Factories) -> None:
    seller = make.helper()
    signed_in(client, seller)
    data = {**_form(), "photo": (io.BytesIO(PNG), "box.png")}
    page = post_form(client, "/sell/campaigns/new", data,
                     content_type="multipart/form-data")
    assert page.status_code == 302, page.get_data(as_text=True)
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    assert [(t.from_quantity, t.unit_price_cents) for t in campaign.tiers] == [
        (1, 2400), (10, 2000), (30, 1700)]
    assert campaign.address == ADDRESS and campaign.photo is not None
    assert client.get(f"/group-purchases/{campaign.id}/photo").mimetype == "image/png"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"tiers-1-unit_price": "25"}, "lower than the one before"),
    ({"tiers-0-min_quantity": "2"}, "starts at 1 unit"),
    ({"tiers-1-unit_price": "20.005"}, "two decimals"),
    ({"tiers-1-unit_price": ""}, "both a quantity and a unit price"),
    ({"min_total": "abc"}, "whole number"),
    ({"max_total": "5"}, "below the minimum"),
    ({"closes_at": "2020-01-01T10:00"}, "in the future"),
    ({"closes_at": "99999-01-01T10:00"}, "Not a valid"),
    ({"radius_km": "NaN"}, "Not a valid decimal"),
    ({"address": "nowhere at all zzz"}, "address"),
])
def test_bad_campaign_input_is_a_form_error(client: FlaskClient, make: Factories,
                                            overrides: dict[str, str], message: str) -> None:
    signed_in(client, make.helper())
    page = post_form(client, "/sell/campaigns/new", _form(**overrides),
                     headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400, html
    assert 'class="error-summary"' in html and message in html
    assert db.session.execute(db.select(Campaign)).first() is None


def test_a_photo_that_is_not_an_image_is_refused(client: FlaskClient, make: Factories) -> None:
    signed_in(client, make.helper())
    data = {**_form(), "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "box.png")}
    page = post_form(client, "/sell/campaigns/new", data, content_type="multipart/form-data",
                     headers={"Accept-Language": "en"})
    assert page.status_code == 400
    assert "JPEG, PNG or WebP" in page.get_data(as_text=True)


def test_bad_quantity_is_a_form_error(client: FlaskClient, make: Factories) -> None:
    campaign = a_campaign(make.helper())
    signed_in(client, make.client())
    for bad in ("0", "-1", "abc", "٣", "100"):
        page = post_form(client, f"/group-purchases/{campaign.id}",
                         {"quantity": bad}, action=f"/group-purchases/{campaign.id}/join")
        assert page.status_code == 400, (bad, page.status_code)


def test_ops_list_filters_by_state_and_refuses_unknown_states(client: FlaskClient,
                                                              make: Factories) -> None:
    a_campaign(make.helper())
    op = accounts.make_operator("ops-gb@example.com", PASSWORD)
    signed_in(client, op)
    assert "Box potager" in client.get("/ops/campaigns?state=open").get_data(as_text=True)
    assert "Box potager" not in client.get("/ops/campaigns?state=completed").get_data(
        as_text=True)
    assert client.get("/ops/campaigns?state=nope").status_code == 400
    assert client.get("/ops/campaigns?start=abc").status_code == 400


def test_the_seller_edits_the_campaign_from_its_current_values(client: FlaskClient,
                                                               make: Factories) -> None:
    seller = make.helper()
    campaign = a_campaign(seller)
    signed_in(client, seller)
    html = client.get(f"/sell/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert 'value="Box potager"' in html and 'value="24"' in html and 'value="17"' in html
    form = _form(title="Box potager d'hiver")
    form["closes_at"] = campaign.closes_at.replace(tzinfo=UTC).astimezone(PARIS).strftime(
        "%Y-%m-%dT%H:%M")
    page = post_form(client, f"/sell/campaigns/{campaign.id}/edit", form)
    assert page.status_code == 302, page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title == "Box potager d'hiver"  # type: ignore[union-attr]


def test_joining_sends_the_neighbour_to_the_hosted_checkout(client: FlaskClient,
                                                           make: Factories,
                                                           emu: StripeEmulator) -> None:
    campaign = a_campaign(make.helper())
    signed_in(client, make.client())
    page = post_form(client, f"/group-purchases/{campaign.id}", {"quantity": "2"},
                     action=f"/group-purchases/{campaign.id}/join")
    assert page.status_code == 303 and "/hosted/checkout/" in page.location
    html = client.get(f"/group-purchases/{campaign.id}").get_data(as_text=True)
    assert "3 Rue des Bourguignons" in html  # a participant now sees the pickup address
    assert "Withdraw my order" in html
    gone = post_form(client, f"/group-purchases/{campaign.id}", {},
                     action=f"/group-purchases/{campaign.id}/withdraw")
    assert gone.status_code == 302
    assert "withdrawn" in client.get(f"/group-purchases/{campaign.id}").get_data(as_text=True)


def test_ops_detail_shows_each_order_and_its_money(client: FlaskClient, make: Factories,
                                                   emu: StripeEmulator) -> None:
    campaign = a_campaign(make.helper())
    neighbour = make.client()
    joining.join(campaign.id, neighbour, 3, "http://app.test/ok", "http://app.test/no")
    signed_in(client, accounts.make_operator("ops-gb2@example.com", PASSWORD))
    html = client.get(f"/ops/campaigns/{campaign.id}").get_data(as_text=True)
    assert 'id="orders"' in html and neighbour.full_name in html
    assert "72.00" in html  # the hold: 3 x 24 €, the highest price
    assert "No dispute." in html


def test_a_helper_sees_the_campaigns_near_their_home_at_once(client: FlaskClient,
                                                             make: Factories) -> None:
    a_campaign(make.helper())
    signed_in(client, make.helper())  # the factories' helpers live in Asnières
    html = client.get("/group-purchases").get_data(as_text=True)
    assert "Box potager" in html and "0.5 km" in html


def test_a_seller_without_payouts_is_told_to_set_them_up(client: FlaskClient,
                                                          make: Factories) -> None:
    signed_in(client, make.client())  # no profile, no Express account
    assert "Set up my payout account with Stripe" in client.get("/sell").get_data(
        as_text=True)
    page = post_form(client, "/sell/campaigns/new", _form(), headers={"Accept-Language": "en"})
    assert page.status_code == 400
    assert "Finish setting up payouts with Stripe" in page.get_data(as_text=True)
    assert db.session.execute(db.select(Campaign)).first() is None


def test_a_shop_that_does_not_help_gives_its_address_then_goes_to_stripe(
        client: FlaskClient, make: Factories, stripe_emulator: StripeEmulator) -> None:
    """A partner business sells without becoming a helper: no skills asked, no helper
    profile shown, out of helper searches; its Express account hangs on its address."""
    shop = make.client()
    signed_in(client, shop)
    page = client.get("/sell").get_data(as_text=True)
    assert 'name="address"' in page and "skill" not in page.lower()
    refused = post_form(client, "/sell/setup", {"address": "nowhere at all zzz"})
    assert refused.status_code == 400 and shop.helper_profile is None
    response = post_form(client, "/sell/setup", {"address": ADDRESS})
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(shop)
    profile = shop.helper_profile
    assert profile is not None and profile.stripe_account_id and profile.home_label == ADDRESS
    assert not shop.is_helper and profile.skills == []
    assert client.get(f"/helpers/{shop.id}").status_code == 404
    again = post_form(client, "/sell/setup", {})  # the account exists: straight to Stripe
    assert again.status_code == 303
