"""Until a helper is assigned, others see the commune and a distance rounded to 0.5 km.

The client, the assigned helper and operators see the exact address. Each page is read as
HTML: neither the street nor the number nor a precise position may appear for the others.
"""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import services as matching
from marketplace.missions.models import Mission
from marketplace.notifications import events
from marketplace.notifications.models import Notification
from marketplace.places.privacy import rounded_km
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login

STREET = "Bourguignons"
# A helper whose home is about 1.3 km north of the mission (48.91466, 2.287355).
NORTH = (48.9263, 2.2874)


def precise(page: str) -> list[str]:
    """Anything that looks like the mission's own position to 3+ decimals."""
    return re.findall(r"48\.914\d*|2\.287\d*", page)


def assert_private(page: str) -> None:
    assert STREET not in page and "92600" not in page
    assert precise(page) == []
    assert "data-lat" not in page and "data-lng" not in page


@pytest.fixture
def mission(make: Factories) -> Mission:
    return make.mission(lat=48.91466, lng=2.287355, mode=MatchingMode.CHOOSE)


@pytest.fixture
def other_helper(make: Factories) -> User:
    return make.helper(lat=NORTH[0], lng=NORTH[1], radius_km=5)


def page(client: FlaskClient, user: User, url: str) -> str:
    login(client, user.email)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("km", "shown"), [(0.0, 0.5), (0.2, 0.5), (0.74, 0.5), (0.76, 1.0),
                                           (1.26, 1.5), (7.9, 8.0)])
def test_distances_are_rounded_to_half_a_kilometre(km: float, shown: float) -> None:
    assert rounded_km(km) == shown


def test_near_me_shows_the_commune_and_a_rounded_distance(
        client: FlaskClient, mission: Mission, other_helper: User) -> None:
    html = page(client, other_helper, "/helper/missions")
    assert f"#{mission.id} Fix a shelf" in html
    assert "Asnières-sur-Seine" in html and '<strong class="distance">1.5 km</strong>' in html
    assert_private(html)


def test_the_mission_page_hides_the_street_from_unassigned_helpers(
        client: FlaskClient, mission: Mission, other_helper: User) -> None:
    html = page(client, other_helper, f"/missions/{mission.id}")
    assert "Commune: Asnières-sur-Seine" in html and "about 1.5 km from your home" in html
    assert_private(html)


@pytest.mark.parametrize("who", ["client", "operator", "assigned"])
def test_the_client_operators_and_the_assigned_helper_see_the_address(
        client: FlaskClient, make: Factories, mission: Mission, other_helper: User,
        who: str) -> None:
    if who == "assigned":
        matching.operator_assign(make_operator("ops@example.com", PASSWORD), mission.id,
                                 other_helper.id)
        user = other_helper
    elif who == "operator":
        user = make_operator("ops@example.com", PASSWORD)
    else:
        user = mission.client
    html = page(client, user, f"/missions/{mission.id}")
    assert "3 Rue des Bourguignons 92600 Asnières-sur-Seine" in html


def test_a_mission_posted_before_geocoding_shows_the_nearest_commune(
        client: FlaskClient, make: Factories, other_helper: User) -> None:
    old = make.mission(lat=48.9230, lng=2.2530, city=None, address="12 rue Saint-Denis",
                       mode=MatchingMode.CHOOSE)
    html = page(client, other_helper, f"/missions/{old.id}")
    assert "Commune: Colombes" in html and "Saint-Denis" not in html


def test_applicants_and_helpers_pages_round_the_helpers_distance(
        client: FlaskClient, make: Factories, mission: Mission, other_helper: User) -> None:
    operator = make_operator("ops@example.com", PASSWORD)
    html = page(client, operator, f"/missions/{mission.id}/helpers")
    assert '<strong class="distance">1.5 km</strong>' in html
    assert "48.926" not in html and "2.2874" not in html  # the helper's home
    matching.apply(other_helper, mission.id, "I can come tomorrow")
    html = page(client, mission.client, f"/missions/{mission.id}/applicants")
    assert '<strong class="distance">1.5 km</strong>' in html and "48.926" not in html


def test_the_nearby_notification_rounds_the_distance(mission: Mission,
                                                    other_helper: User) -> None:
    events.new_missions_nearby(mission, [(other_helper.id, 1.26)])
    db.session.commit()
    note = db.session.execute(db.select(Notification).where(
        Notification.user_id == other_helper.id,
        Notification.event == "new_missions_nearby")).scalar_one()
    assert "1.5 km" in note.body and "1.26" not in note.body + note.context_json
    assert STREET not in note.body + note.title + note.context_json
