"""A helper saves their profile as often as they like, with the same skills or new ones."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.accounts.models import HelperSkill
from marketplace.core.db import db
from tests.support.factories import Factories
from tests.support.forms import login, post_form

PROFILE = {"lat": "48.9146", "lng": "2.2874", "radius_km": "5", "bio": "Handy"}


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
