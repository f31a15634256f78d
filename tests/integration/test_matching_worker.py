"""Instant matching driven by the real worker: the sweeper runs each due wave; time is
advanced by moving the mission's next-wave time into the past, as ten minutes would."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from marketplace.extensions import db
from marketplace.missions.matching_models import MissionMatching, MissionOffer
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
