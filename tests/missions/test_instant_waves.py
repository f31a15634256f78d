"""Instant waves gate who may take the mission: the first wave is offered the moment the
mission opens, and a helper sees and accepts it only once a wave's radius reaches them.
Time is advanced by passing `now` to the matching clock (the real worker drives the same
step in tests/integration/test_matching_worker.py)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import engine as matching_engine
from marketplace.missions.matching import services as matching
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import Assignment, Mission
from tests.support.factories import ASNIERES, Factories
from tests.support.forms import login, post_form

KM_LAT = 1 / 111.2  # degrees of latitude per km


def _helper_at(make: Factories, km: float, skills: tuple[str, ...] = ("bricolage",)) -> User:
    return make.helper(lat=ASNIERES[0] + km * KM_LAT, lng=ASNIERES[1], radius_km=15,
                       skills=skills)


def _state(mission_id: int) -> MissionMatching:
    db.session.expire_all()
    state = db.session.get(MissionMatching, mission_id)
    assert state is not None
    return state


def _offered(mission_id: int) -> set[int]:
    return set(db.session.execute(db.select(MissionOffer.helper_id).where(
        MissionOffer.mission_id == mission_id)).scalars())


def _accept(client: FlaskClient, helper: User, mission_id: int, **kw: object):  # type: ignore[no-untyped-def]
    login(client, helper.email)
    return post_form(client, f"/missions/{mission_id}", None,
                     f"/missions/{mission_id}/accept", **kw)


def test_a_helper_at_5_km_can_accept_only_after_the_second_wave(
        client: FlaskClient, make: Factories) -> None:
    near, middle = _helper_at(make, 2), _helper_at(make, 5)
    mission = make.mission()  # card authorized: open, and its first wave already offered
    t0 = utcnow()
    assert _state(mission.id).reach_km == 3 and _offered(mission.id) == {near.id}

    login(client, middle.email)
    assert f"#{mission.id} " not in client.get("/helper/missions").get_data(as_text=True)
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "within 3 km" in page and "Accept this mission" not in page
    refused = _accept(client, middle, mission.id)
    assert refused.status_code == 403
    assert "offered for now to helpers within 3 km" in refused.get_data(as_text=True)
    as_json = _accept(client, middle, mission.id, headers={"Accept": "application/json"})
    assert as_json.status_code == 403 and "within 3 km" in as_json.get_json()["message"]
    assert _state(mission.id).wave == 1
    assert db.session.execute(db.select(Assignment)).first() is None

    login(client, near.email)
    assert f"#{mission.id} " in client.get("/helper/missions").get_data(as_text=True)

    assert matching_engine.advance(mission.id, t0 + timedelta(minutes=11)).startswith("wave 2")
    assert _offered(mission.id) == {near.id, middle.id}
    login(client, middle.email)
    assert f"#{mission.id} " in client.get("/helper/missions").get_data(as_text=True)
    assert _accept(client, middle, mission.id).status_code == 302
    db.session.expire_all()
    taken = db.session.get(Mission, mission.id)
    assert taken is not None and taken.helper_id == middle.id
    assert taken.status == MissionStatus.ASSIGNED


def test_free_help_is_offered_to_its_first_wave_when_posted(ctx: Flask,
                                                           make: Factories) -> None:
    helper = _helper_at(make, 1, ("coup-de-main",))
    _helper_at(make, 4, ("coup-de-main",))
    mission = make.mission(category="coup-de-main", price_cents=0)
    state = _state(mission.id)
    assert (state.wave, state.reach_km) == (1, 3)
    assert _offered(mission.id) == {helper.id}


def test_no_wave_before_the_card_is_authorized(client: FlaskClient, make: Factories) -> None:
    helper = _helper_at(make, 1)
    mission = make.mission(authorized=False)
    assert _state(mission.id).wave == 0 and _state(mission.id).reach_km is None
    assert _offered(mission.id) == set()
    assert _accept(client, helper, mission.id).status_code == 404  # not open: not visible


def test_giving_back_restarts_from_the_first_wave(client: FlaskClient,
                                                  make: Factories) -> None:
    near, far = _helper_at(make, 1), _helper_at(make, 8)
    mission = make.mission()
    t0 = utcnow()
    for minutes in (11, 22):
        matching_engine.advance(mission.id, t0 + timedelta(minutes=minutes))
    assert _state(mission.id).reach_km == 10
    login(client, far.email)
    assert _accept(client, far, mission.id).status_code == 302
    db.session.expire_all()
    cancellation_flow.cancel_by_helper(mission.id, far, "Gave the mission back")
    assert _state(mission.id).reach_km == 3  # the nearest are asked first again
    assert _accept(client, far, mission.id).status_code == 403
    assert _accept(client, near, mission.id).status_code == 302


def test_choose_and_operator_missions_are_not_gated_by_waves(ctx: Flask,
                                                             make: Factories) -> None:
    far = _helper_at(make, 8)
    choose = make.mission(mode=MatchingMode.CHOOSE)
    operator = make.mission(mode=MatchingMode.OPERATOR)
    assert _state(choose.id).reach_km is None and _state(operator.id).reach_km is None
    assert matching.apply(far, choose.id, "I can come").applied_at is not None
