"""Issue 12: public profiles — a helper's (name, initials, skills, area, rating and
reviews, completed missions, payouts verified by Stripe) and a client's (for helpers),
with nothing private; linked from the pages that name them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import services as matching
from marketplace.missions.services.profiles import initials
from tests.support.factories import Factories
from tests.support.forms import login


def _signed_in(ctx: Flask, user: User) -> FlaskClient:
    web = ctx.test_client()
    login(web, user.email)
    return web


def _named(user: User, name: str, phone: str = "+33600000000") -> User:
    user.full_name, user.phone = name, phone
    db.session.commit()
    return user


def test_initials() -> None:
    assert initials("Marie-Claire Dupont") == "MD"
    assert initials("Zoé") == "Z" and initials("  ") == "?"


def test_a_helper_profile_shows_public_things_only(ctx: Flask, make: Factories) -> None:
    helper = _named(make.helper(), "Paul Martin")
    page = _signed_in(ctx, make.client()).get(f"/helpers/{helper.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Paul Martin" in html and ">PM<" in html
    assert "Small DIY jobs" in html  # the skill, in the page's language
    assert "Payouts verified by Stripe" in html
    assert "Missions completed: 0" in html
    assert f'href="/users/{helper.id}/reviews"' in html
    for private in (helper.email, "+33600000000", "48.91"):
        assert private not in html


def test_the_area_is_the_commune_not_the_street(ctx: Flask, make: Factories) -> None:
    helper = make.helper()
    profile = helper.helper_profile
    assert profile is not None
    profile.home_label, profile.home_city = "12 rue des Lilas 92600 Asnières-sur-Seine", \
        "Asnières-sur-Seine"
    db.session.commit()
    html = _signed_in(ctx, make.client()).get(f"/helpers/{helper.id}").get_data(as_text=True)
    assert "Area: Asnières-sur-Seine" in html and "rue des Lilas" not in html


def test_not_verified_until_onboarded(ctx: Flask, make: Factories) -> None:
    helper = make.helper(onboarded=False)
    html = _signed_in(ctx, make.client()).get(f"/helpers/{helper.id}").get_data(as_text=True)
    assert "Payouts verified by Stripe" not in html


def test_no_profile_for_clients_suspended_or_unknown(ctx: Flask, make: Factories) -> None:
    web = _signed_in(ctx, make.client())
    suspended = make.helper()
    suspended.is_suspended = True
    db.session.commit()
    assert web.get(f"/helpers/{make.client().id}").status_code == 404
    assert web.get(f"/helpers/{suspended.id}").status_code == 404
    assert web.get("/helpers/999999").status_code == 404


def test_a_client_profile_is_for_helpers(ctx: Flask, make: Factories) -> None:
    client = _named(make.client(), "Claire Petit")
    make.mission(client)
    html = _signed_in(ctx, make.helper()).get(f"/clients/{client.id}").get_data(as_text=True)
    assert "Claire Petit" in html and ">CP<" in html and "Missions posted: 1" in html
    assert client.email not in html and "1 rue de Paris" not in html
    assert _signed_in(ctx, make.client()).get(f"/clients/{client.id}").status_code == 404


def test_profiles_are_linked_from_the_applicants_page(ctx: Flask, make: Factories) -> None:
    client = make.client()
    helper = make.helper()
    mission = make.mission(client, mode=MatchingMode.CHOOSE)
    matching.apply(helper, mission.id, "I can come")
    html = _signed_in(ctx, client).get(f"/missions/{mission.id}/applicants").get_data(
        as_text=True)
    assert f'href="/helpers/{helper.id}"' in html


def test_profiles_are_linked_from_the_mission_page(ctx: Flask, make: Factories) -> None:
    client = make.client()
    mission = make.mission(client)
    helper = make.helper()
    html = _signed_in(ctx, helper).get(f"/missions/{mission.id}").get_data(as_text=True)
    assert f'href="/clients/{client.id}"' in html
