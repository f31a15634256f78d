"""A helper saves their profile as often as they like, with the same skills or new ones."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.accounts.models import HelperProfile, HelperSkill
from marketplace.core.db import db
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.places import HOME

PROFILE = {"address": HOME, "radius_km": "5", "bio": "Handy"}


def _skills() -> list[str]:
    db.session.expire_all()
    return sorted(db.session.execute(db.select(HelperSkill.category)).scalars())


def test_saving_the_profile_twice_with_the_same_skills(client: FlaskClient,
                                                       make: Factories) -> None:
    helper = make.helper(skills=("bricolage", "jardinage"))
    login(client, helper.email)
    for _ in range(2):
        response = post_form(client, "/helper/profile",
                             {**PROFILE, "skills": ["bricolage", "jardinage"]})
        assert response.status_code == 302, response.get_data(as_text=True)
    assert _skills() == ["bricolage", "jardinage"]
    assert client.get("/helper/profile").status_code == 200


def test_changing_skills_keeps_some_drops_others_adds_new(client: FlaskClient,
                                                          make: Factories) -> None:
    helper = make.helper(skills=("bricolage", "jardinage"))
    login(client, helper.email)
    response = post_form(client, "/helper/profile",
                         {**PROFILE, "skills": ["jardinage", "menage"]})
    assert response.status_code == 302
    assert _skills() == ["jardinage", "menage"]
    response = post_form(client, "/helper/profile", {**PROFILE, "skills": ["bricolage"]})
    assert response.status_code == 302
    assert _skills() == ["bricolage"]


def test_the_home_is_an_address_and_its_position_comes_from_the_geocoder(
        client: FlaskClient, make: Factories) -> None:
    helper = make.helper(lat=45.0, lng=1.0)
    login(client, helper.email)
    response = post_form(client, "/helper/profile", {**PROFILE, "skills": ["bricolage"],
                                                     "lat": "43.0", "lng": "5.0"})
    assert response.status_code == 302
    profile = db.session.execute(db.select(HelperProfile)).scalar_one()
    db.session.refresh(profile)
    assert (profile.home_label, profile.home_city, profile.home_citycode) == (
        HOME, "Asnières-sur-Seine", "92004")
    assert (round(profile.lat, 4), round(profile.lng, 4)) == (48.9146, 2.2874)
    page = client.get("/helper/profile").get_data(as_text=True)
    assert HOME in page and 'name="lat"' not in page and 'name="lng"' not in page


def test_a_made_up_home_is_a_form_error(client: FlaskClient, make: Factories) -> None:
    login(client, make.helper().email)
    response = post_form(client, "/helper/profile",
                         {**PROFILE, "address": "zzzz", "skills": ["bricolage"]})
    assert response.status_code == 200 or response.status_code == 400
    assert "We could not find this address." in response.get_data(as_text=True)
