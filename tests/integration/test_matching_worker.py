"""Instant matching driven by the real worker: the sweeper runs each due wave; time is
advanced by moving the mission's next-wave time into the past, as ten minutes would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask, current_app
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import Forbidden
from marketplace.flows import booking
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from tests.support.factories import ASNIERES, Factories
from tests.support.servers import Worker, wait_until


def _offers(mission_id: int) -> int:
    db.session.remove()
    return len(db.session.execute(db.select(MissionOffer.id).where(
        MissionOffer.mission_id == mission_id)).all())


def _advance_clock_and_sweep(mission_id: int, minutes: int) -> None:
    state = db.session.get(MissionMatching, mission_id)
    assert state is not None and state.next_wave_at is not None
    state.next_wave_at -= timedelta(minutes=minutes)
    db.session.commit()
    current_app.extensions["celery"].send_task("matching.sweep")


def test_worker_runs_the_waves_and_escalates(ctx: Flask, make: Factories,
                                             worker: Worker) -> None:
    for km in (2, 5, 8):
        make.helper(lat=ASNIERES[0] + km / 111.2, lng=ASNIERES[1], radius_km=15)
    mission_id = make.mission().id
    current_app.extensions["celery"].send_task("matching.sweep")
    wait_until(lambda: _offers(mission_id) == 1, message="wave 1 by the worker")
    for expected in (2, 3):
        _advance_clock_and_sweep(mission_id, 10)
        wait_until(lambda n=expected: _offers(mission_id) == n,  # type: ignore[misc]
                   message=f"wave {expected} by the worker")
    _advance_clock_and_sweep(mission_id, 10)

    def escalated() -> bool:
        db.session.remove()
        state = db.session.get(MissionMatching, mission_id)
        return state is not None and state.escalated_at is not None

    wait_until(escalated, message="escalation after the last wave")


def test_a_farther_helper_may_accept_once_the_worker_runs_the_next_wave(
        ctx: Flask, make: Factories, worker: Worker) -> None:
    near_id = make.helper(lat=ASNIERES[0] + 2 / 111.2, lng=ASNIERES[1], radius_km=15).id
    middle_id = make.helper(lat=ASNIERES[0] + 5 / 111.2, lng=ASNIERES[1], radius_km=15).id
    mission_id = make.mission().id  # its first wave (3 km) ran when the card was authorized
    assert set(_offered_to(mission_id)) == {near_id}
    with force_locale("en"), pytest.raises(Forbidden, match="within 3 km"):
        booking.accept_mission(mission_id, _user(middle_id))
    _advance_clock_and_sweep(mission_id, 10)
    wait_until(lambda: _offers(mission_id) == 2, message="wave 2 by the worker")
    db.session.remove()
    assert booking.accept_mission(mission_id, _user(middle_id)).helper_id == middle_id


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _offered_to(mission_id: int) -> list[int]:
    db.session.remove()
    return list(db.session.execute(db.select(MissionOffer.helper_id).where(
        MissionOffer.mission_id == mission_id)).scalars())
