"""Payout setup changes state only on a CSRF-checked POST; Stripe's refresh_url (a GET)
only mints a new Account Link for an account that already exists."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.accounts.models import HelperProfile, User
from marketplace.core.db import db
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.forms import login, post_form

SETUP = "/helper/payouts/setup"


def _helper(client: FlaskClient, make: Factories) -> User:
    helper = make.helper(onboarded=False)
    login(client, helper.email)
    return helper


def _account_id(helper: User) -> str | None:
    db.session.expire_all()
    profile = db.session.execute(db.select(HelperProfile).where(
        HelperProfile.user_id == helper.id)).scalar_one()
    return profile.stripe_account_id


def _link(emu: StripeEmulator, location: str) -> dict[str, str]:
    return emu.store.links[location.rsplit("/", 1)[1]]


def test_starting_payout_setup_is_post_only(client: FlaskClient, make: Factories,
                                            emu: StripeEmulator) -> None:
    helper = _helper(client, make)
    assert client.get(f"{SETUP}/start").status_code == 405
    assert client.post(f"{SETUP}/start").status_code == 400  # no CSRF token
    assert emu.objects("account") == [] and _account_id(helper) is None


def test_the_setup_page_posts_to_stripe_and_refresh_comes_back_to_a_get(
        client: FlaskClient, make: Factories, emu: StripeEmulator) -> None:
    helper = _helper(client, make)
    page = client.get(SETUP).get_data(as_text=True)
    assert f'method="post" action="{SETUP}/start"' in page
    response = post_form(client, SETUP, action=f"{SETUP}/start")
    assert response.status_code == 303 and "/hosted/onboarding/" in response.location
    [account] = emu.objects("account")
    assert _account_id(helper) == account["id"]
    link = _link(emu, response.location)
    assert link["refresh_url"] == f"http://localhost{SETUP}/refresh"
    assert link["return_url"] == f"http://localhost{SETUP}/return"


def test_refresh_mints_a_new_link_for_the_existing_account(
        client: FlaskClient, make: Factories, emu: StripeEmulator) -> None:
    helper = _helper(client, make)
    first = post_form(client, SETUP, action=f"{SETUP}/start").location
    again = client.get(f"{SETUP}/refresh")
    assert again.status_code == 303 and "/hosted/onboarding/" in again.location
    assert again.location != first  # links are single-use: a fresh one
    [account] = emu.objects("account")  # and no second account
    assert _link(emu, again.location)["account"] == account["id"] == _account_id(helper)


def test_refresh_without_an_account_creates_nothing(client: FlaskClient, make: Factories,
                                                    emu: StripeEmulator) -> None:
    helper = _helper(client, make)
    response = client.get(f"{SETUP}/refresh")
    assert response.status_code == 302 and response.location.endswith(SETUP)
    assert emu.objects("account") == [] and _account_id(helper) is None


def test_refresh_is_for_helpers(client: FlaskClient, make: Factories,
                                emu: StripeEmulator) -> None:
    login(client, make.client().email)
    assert client.get(f"{SETUP}/refresh").status_code == 403
    assert emu.objects("account") == []
