"""Pages listing missions or helpers: constant statement count, ranked helpers, operator
assignment, and authorization (another client gets 404)."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.statements import count_statements


def _cheap_users(n: int, helper: bool) -> list[User]:
    """Many users without paying argon2 for each (nobody logs in as them)."""
    users = [User(email=f"{'h' if helper else 'c'}{i}@cheap.test", password_hash="x",
                  full_name=f"User {i}", is_helper=helper, is_client=not helper)
             for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    return users


def _cheap_helpers(lat: float, lng: float, n: int) -> None:
    for i, user in enumerate(_cheap_users(n, helper=True)):
        db.session.add(HelperProfile(user_id=user.id, lat=lat + 0.0005 * i, lng=lng,
                                     radius_km=5, payouts_enabled=True,
                                     skills=[HelperSkill(category="bricolage")]))
    db.session.commit()


def _cheap_missions(template: Mission, n: int) -> None:
    columns = {c: getattr(template, c) for c in (
        "category", "title", "description", "address", "lat", "lng", "starts_at", "ends_at",
        "price_cents", "currency", "commission_bps", "commission_cents", "status")}
    db.session.add_all(Mission(client_id=u.id, **columns) for u in _cheap_users(n, False))
    db.session.commit()


def _statements_for(client: FlaskClient, url: str) -> int:
    client.get(url)  # warm up (session, user loader caches)
    with count_statements() as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_missions_near_me_query_count_is_constant(client: FlaskClient, make: Factories) -> None:
    helper = make.helper(radius_km=10)
    owner = make.client()
    first = make.mission(owner)
    login(client, helper.email)
    one = _statements_for(client, "/helper/missions")
    _cheap_missions(first, 49)  # 50 missions from 50 different clients
    page = client.get("/helper/missions").get_data(as_text=True)
    assert page.count('class="card mission"') == 50
    assert _statements_for(client, "/helper/missions") == one


def test_helpers_page_query_count_is_constant_and_ranked(client: FlaskClient,
                                                         make: Factories) -> None:
    owner = make.client()
    mission = make.mission(owner)
    make.helper(lat=mission.lat, lng=mission.lng)
    login(client, owner.email)
    url = f"/missions/{mission.id}/helpers"
    one = _statements_for(client, url)
    _cheap_helpers(mission.lat, mission.lng, 49)
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="card helper"') == 50 and "Why this helper" in page
    assert _statements_for(client, url) == one


def test_another_client_gets_404_on_the_helpers_page(client: FlaskClient,
                                                     make: Factories) -> None:
    mission = make.mission()
    stranger = make.client()
    login(client, stranger.email)
    assert client.get(f"/missions/{mission.id}/helpers").status_code == 404


def test_operator_assigns_an_eligible_helper(client: FlaskClient, make: Factories) -> None:
    mission = make.mission()
    helper = make.helper()
    unskilled = make.helper(skills=("menage",))
    op = make_operator("ops@example.com", PASSWORD)
    login(client, op.email)
    page = client.get(f"/missions/{mission.id}/helpers").get_data(as_text=True)
    assert "Assign" in page
    refused = post_form(client, f"/missions/{mission.id}/helpers",
                        {"helper_id": str(unskilled.id)}, f"/missions/{mission.id}/assign")
    assert refused.status_code == 403
    post_form(client, f"/missions/{mission.id}/helpers", {"helper_id": str(helper.id)},
              f"/missions/{mission.id}/assign")
    db.session.expire_all()
    assigned = db.session.get(Mission, mission.id)
    assert assigned is not None and assigned.status == MissionStatus.ASSIGNED
    assert assigned.helper_id == helper.id
