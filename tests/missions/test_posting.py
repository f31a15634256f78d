"""Posting a mission: bad input gets a clear form error, never a 500, and stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.places import services as places
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.places import ADDRESS, ADDRESS_POSITION, CANEBIERE


def valid_form(**overrides: str) -> dict[str, str]:
    start = (utcnow() + timedelta(days=2)).astimezone().replace(tzinfo=None)
    fmt = "%Y-%m-%dT%H:%M"
    data = {"category": "jardinage", "title": "Mow the lawn",
            "description": "About 200 m2 of lawn, mower provided.",
            "address": ADDRESS,
            "starts_at": start.strftime(fmt),
            "ends_at": (start + timedelta(hours=3)).strftime(fmt), "price": "60"}
    data.update(overrides)
    return data


def missions_count() -> int:
    return len(db.session.execute(db.select(Mission.id)).all())


@pytest.fixture
def signed_in(client: FlaskClient, make: Factories) -> FlaskClient:
    login(client, make.client().email)
    return client


@pytest.mark.parametrize(("price", "message"), [
    ("0", "positive"), ("-5", "Enter an amount"), ("10.005", "two decimals"),
    ("99999999999999", "Enter an amount"), ("5001", "between 10 and 5000"),
    ("9.99", "between 10 and 5000"), ("abc", "Enter an amount"), ("", "This field is required"),
    ("1e3", "Enter an amount"),
])
def test_bad_prices_are_form_errors(signed_in: FlaskClient, price: str, message: str) -> None:
    response = post_form(signed_in, "/missions/new", valid_form(price=price))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert missions_count() == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("address", "", "This field is required"),
    ("address", "zzzz", "We could not find this address."),
    ("address", "10 La Canebiere, Marseille", "Choose the matching address below"),
    ("category", "astrology", "Not a valid choice"),
    ("title", "", "This field is required"),
    ("starts_at", "yesterday", "Not a valid datetime value"),
])
def test_bad_fields_are_form_errors(signed_in: FlaskClient, field: str, value: str,
                                    message: str) -> None:
    response = post_form(signed_in, "/missions/new", valid_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert missions_count() == 0


def test_a_window_in_the_past_is_refused(signed_in: FlaskClient) -> None:
    past = (utcnow() - timedelta(days=1)).astimezone().replace(tzinfo=None)
    fmt = "%Y-%m-%dT%H:%M"
    response = post_form(signed_in, "/missions/new", valid_form(
        starts_at=past.strftime(fmt), ends_at=(past + timedelta(hours=1)).strftime(fmt)))
    assert response.status_code == 400
    assert "The start must be in the future." in response.get_data(as_text=True)
    assert missions_count() == 0


def test_end_before_start_is_refused(signed_in: FlaskClient) -> None:
    form = valid_form()
    form["ends_at"], form["starts_at"] = form["starts_at"], form["ends_at"]
    response = post_form(signed_in, "/missions/new", form)
    assert response.status_code == 400
    assert "The end must come after the start." in response.get_data(as_text=True)


def test_without_csrf_token_nothing_is_stored(signed_in: FlaskClient) -> None:
    response = signed_in.post("/missions/new", data=valid_form())
    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert missions_count() == 0


def test_posting_requires_sign_in(client: FlaskClient) -> None:
    response = client.get("/missions/new")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_a_valid_mission_is_stored_with_its_commission(signed_in: FlaskClient,
                                                       stripe_emulator: object) -> None:
    response = post_form(signed_in, "/missions/new", valid_form(price="60,50"))
    assert response.status_code == 307  # on to the hosted checkout
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert (mission.price_cents, mission.commission_cents) == (6050, 908)
    assert mission.helper_share_cents == 5142
    assert mission.status == MissionStatus.PENDING_PAYMENT


def test_the_position_comes_from_the_address_never_from_the_browser(
        signed_in: FlaskClient) -> None:
    """Coordinates posted beside the address are ignored: text and position cannot disagree."""
    response = post_form(signed_in, "/missions/new", valid_form(lat="43.2976", lng="5.3786"))
    assert response.status_code == 307
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert (mission.lat, mission.lng) == pytest.approx(ADDRESS_POSITION, abs=1e-6)
    assert (mission.address, mission.postcode, mission.citycode, mission.city) == (
        ADDRESS, "92600", "92004", "Asnières-sur-Seine")


def test_a_near_match_lists_the_addresses_to_choose_from(signed_in: FlaskClient) -> None:
    """Without JavaScript: the typed text is looked up and the matches come back as radios."""
    response = post_form(signed_in, "/missions/new", valid_form(address="rue de la station"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'name="place_choice"' in page and "12 Rue de la Station 92600" in page
    assert missions_count() == 0
    tokens = re.findall(r'name="place_choice" value="([^"]+)"', page)
    labels = re.findall(r'name="place_choice" value="[^"]+"(?: checked)?> ([^<]+)<', page)
    chosen = labels.index("12 Rue de la Station 92600 Asnières-sur-Seine")
    response = post_form(signed_in, "/missions/new", valid_form(
        address="rue de la station", place_choice=tokens[chosen]))
    assert response.status_code == 307
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert mission.address == "12 Rue de la Station 92600 Asnières-sur-Seine"
    assert mission.citycode == "92004"


def test_a_forged_place_token_is_ignored(signed_in: FlaskClient) -> None:
    response = post_form(signed_in, "/missions/new", valid_form(
        address="zzzz", place="eyJsYXQiOjQzfQ.forged.token"))
    assert response.status_code == 400
    assert missions_count() == 0


def test_a_token_for_another_label_does_not_move_the_mission(signed_in: FlaskClient) -> None:
    """A suggestion chosen, then the text edited: the text is looked up again."""
    with signed_in.application.test_request_context():
        token = places.sign(places.find(CANEBIERE).places[0])
    response = post_form(signed_in, "/missions/new", valid_form(place=token))
    assert response.status_code == 307
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert mission.city == "Asnières-sur-Seine"
