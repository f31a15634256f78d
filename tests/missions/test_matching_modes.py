"""The three matching modes and escalation: instant waves widen on a clock (advanced here
by passing `now`, and by the real worker in the integration test), 'choose' lets the
client pick among applicants, 'operator' goes straight to the operator queue; a helper
who gives a mission back puts it into matching again.

A session worker may be running (integration tests start one) and run a mission's first
step itself as soon as it is posted: these tests check state, not who ran the step, and
leave a minute of slack on the clock for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Forbidden
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import engine as matching_engine
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import Mission
from tests.support.factories import ASNIERES, PASSWORD, Factories
from tests.support.forms import login, post_form

KM_LAT = 1 / 111.2  # degrees of latitude per km


def _helper_at(make: Factories, km: float) -> User:
    return make.helper(lat=ASNIERES[0] + km * KM_LAT, lng=ASNIERES[1], radius_km=15)


def _mission(make: Factories, mode: MatchingMode) -> Mission:
    return make.mission(mode=mode)


def _state(mission: Mission) -> MissionMatching:
    db.session.expire_all()
    state = db.session.get(MissionMatching, mission.id)
    assert state is not None
    return state


def _offered(mission: Mission) -> set[int]:
    return set(db.session.execute(db.select(MissionOffer.helper_id).where(
        MissionOffer.mission_id == mission.id)).scalars())


def test_instant_waves_widen_every_ten_minutes_then_escalate(ctx: Flask,
                                                              make: Factories) -> None:
    near, middle, far = (_helper_at(make, km) for km in (2, 5, 8))
    _helper_at(make, 12)  # beyond the last wave: never offered
    mission = _mission(make, MatchingMode.INSTANT)
    t0 = utcnow()
    matching_engine.advance(mission.id, t0)
    assert _offered(mission) == {near.id} and _state(mission).wave == 1
    assert matching_engine.advance(mission.id, t0 + timedelta(minutes=9)) == "not due"
    matching_engine.advance(mission.id, t0 + timedelta(minutes=11))
    assert _offered(mission) == {near.id, middle.id}
    matching_engine.advance(mission.id, t0 + timedelta(minutes=22))
    assert _offered(mission) == {near.id, middle.id, far.id}
    assert matching_engine.advance(mission.id, t0 + timedelta(minutes=33)
                                   ).startswith("escalated")
    assert [m.id for m, _ in matching_engine.operator_queue()] == [mission.id]


def test_first_accept_stops_the_waves(ctx: Flask, make: Factories) -> None:
    helper = _helper_at(make, 1)
    mission = _mission(make, MatchingMode.INSTANT)
    matching_engine.advance(mission.id)
    booking.accept_mission(mission.id, helper)
    assert matching_engine.advance(mission.id, utcnow() + timedelta(hours=1)) != "escalated"
    assert matching_engine.due_missions(utcnow() + timedelta(hours=1)) == []
    assert matching_engine.operator_queue() == []


def test_choose_mode_client_picks_an_applicant(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    mission = make.mission(owner, mode=MatchingMode.CHOOSE)
    applicant, other = _helper_at(make, 1), _helper_at(make, 2)
    with pytest.raises(Forbidden):  # in 'choose' mode nobody just accepts
        booking.accept_mission(mission.id, other)
    login(client, applicant.email)
    response = post_form(client, "/helper/missions", {"message": "<b>I have tools</b>"},
                         f"/missions/{mission.id}/apply")
    assert response.status_code == 302
    login(client, owner.email)
    page = client.get(f"/missions/{mission.id}/applicants").get_data(as_text=True)
    assert "&lt;b&gt;I have tools&lt;/b&gt;" in page and "<b>I have" not in page
    assert "1.0 km" in page and "no review yet" in page
    post_form(client, f"/missions/{mission.id}/applicants", {"helper_id": str(other.id)},
              f"/missions/{mission.id}/choose")  # did not apply: refused
    post_form(client, f"/missions/{mission.id}/applicants",
              {"helper_id": str(applicant.id)}, f"/missions/{mission.id}/choose")
    db.session.expire_all()
    chosen = db.session.get(Mission, mission.id)
    assert chosen is not None and chosen.helper_id == applicant.id
    assert chosen.status == MissionStatus.ASSIGNED


def test_choose_mode_escalates_after_the_delay(ctx: Flask, make: Factories) -> None:
    _helper_at(make, 1)
    mission = _mission(make, MatchingMode.CHOOSE)
    t0 = utcnow()
    matching_engine.advance(mission.id, t0)
    assert len(_offered(mission)) == 1 and _state(mission).escalated_at is None
    assert matching_engine.advance(mission.id, t0 + timedelta(hours=3)) == "not due"
    assert matching_engine.advance(mission.id, t0 + timedelta(hours=4, minutes=1)
                                   ).startswith("escalated")


def test_operator_mode_queues_and_an_operator_assigns(client: FlaskClient,
                                                      make: Factories) -> None:
    helper = _helper_at(make, 1)
    mission = _mission(make, MatchingMode.OPERATOR)
    with pytest.raises(Forbidden):
        booking.accept_mission(mission.id, helper)
    matching_engine.advance(mission.id)
    login(client, make_operator("ops@example.com", PASSWORD).email)
    assert f"#{mission.id} " in client.get("/ops/matching").get_data(as_text=True)
    post_form(client, f"/missions/{mission.id}/helpers", {"helper_id": str(helper.id)},
              f"/missions/{mission.id}/assign")
    assert f"#{mission.id} " not in client.get("/ops/matching").get_data(as_text=True)


def test_a_helper_giving_back_restarts_matching(ctx: Flask, make: Factories) -> None:
    first, second = _helper_at(make, 1), _helper_at(make, 2)
    mission = _mission(make, MatchingMode.INSTANT)
    matching_engine.advance(mission.id)
    booking.accept_mission(mission.id, first)
    cancellation_flow.cancel_by_helper(mission.id, first, "Gave the mission back")
    assert mission.status == MissionStatus.OPEN and mission.helper_id is None
    state = _state(mission)  # back to the first wave (the worker may already have run it)
    assert state.wave in (0, 1) and state.next_wave_at is not None
    booking.accept_mission(mission.id, second)
    assert mission.helper_id == second.id
