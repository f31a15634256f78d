"""`/places/suggest` and `/places/reverse`: what the page script receives."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from marketplace.places import services as places
from tests.support.factories import Factories
from tests.support.forms import login


@pytest.fixture
def signed_in(client: FlaskClient, make: Factories) -> FlaskClient:
    login(client, make.client().email)
    return client


def test_suggestions_carry_labels_and_tokens_not_positions(signed_in: FlaskClient) -> None:
    response = signed_in.get("/places/suggest?q=rue+de+la+station")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=60"
    suggestions = response.get_json()["suggestions"]
    assert "12 Rue de la Station 92600 Asnières-sur-Seine" in [s["label"] for s in suggestions]
    assert all(set(s) == {"token", "label", "city", "postcode", "kind"} for s in suggestions)
    with signed_in.application.test_request_context():
        place = places.unsign(suggestions[0]["token"])
    assert place is not None and place.label == suggestions[0]["label"]
    assert "48.9" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "ab", "zzzz", "%00", "x" * 5000])
def test_short_or_unknown_text_suggests_nothing(signed_in: FlaskClient, query: str) -> None:
    response = signed_in.get("/places/suggest", query_string={"q": query})
    assert response.status_code == 200 and response.get_json()["suggestions"] == []


def test_reverse_gives_a_readable_address(signed_in: FlaskClient) -> None:
    response = signed_in.get("/places/reverse?lat=48.91071&lon=2.28551")
    [found] = response.get_json()["suggestions"]
    assert found["label"].endswith("Place de l'Hôtel de Ville 92600 Asnières-sur-Seine")


@pytest.mark.parametrize("query", ["", "lat=91&lon=2", "lat=nan&lon=2", "lat=1&lon=inf",
                                   "lat=48.9", "lat=" + "1" * 50 + "&lon=2"])
def test_reverse_refuses_bad_positions(signed_in: FlaskClient, query: str) -> None:
    assert signed_in.get(f"/places/reverse?{query}").status_code == 400


def test_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get("/places/suggest?q=asnieres").status_code == 302
    assert client.get("/places/reverse?lat=48.9&lon=2.3").status_code == 302


def test_the_forms_show_no_coordinate_fields(signed_in: FlaskClient) -> None:
    page = signed_in.get("/missions/new").get_data(as_text=True)
    assert 'role="combobox"' in page and 'name="place"' in page
    assert 'name="lat"' not in page and 'name="lng"' not in page
    assert "places.js" in page
