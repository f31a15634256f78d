"""First accept wins: ten helpers accepting at once leave exactly one assignment."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.flows import booking
from marketplace.missions.errors import MissionNotOpenError
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Assignment, Mission
from tests.support.factories import Factories

CONTENDERS = 10


def test_ten_concurrent_accepts_make_one_assignment(ctx: Flask, make: Factories) -> None:
    helper_ids = [make.helper().id for _ in range(CONTENDERS)]
    mission_id = make.mission().id
    db.session.remove()
    barrier = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(helper_id: int) -> None:
        with ctx.app_context():
            helper = db.session.get(User, helper_id)
            assert helper is not None
            helper.helper_profile  # noqa: B018  (load before the race starts)
            barrier.wait()
            try:
                booking.accept_mission(mission_id, helper)
                result = "won"
            except MissionNotOpenError:
                result = "lost"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=contend, args=(h,)) for h in helper_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sorted(outcomes) == ["lost"] * (CONTENDERS - 1) + ["won"]
    assignments = db.session.execute(db.select(Assignment)).scalars().all()
    mission = db.session.get(Mission, mission_id)
    assert mission is not None and mission.status == MissionStatus.ASSIGNED
    assert [a.helper_id for a in assignments] == [mission.helper_id]


def test_a_helper_who_was_offered_a_taken_mission_is_told_it_was_taken(
        ctx: Flask, make: Factories) -> None:
    """The race's losers read the mission after the winner's commit: those the mission was
    offered to hear it was taken (not "no such mission"); anyone else still gets 404."""
    winner, loser = make.helper(), make.helper()
    mission = make.mission()
    booking.accept_mission(mission.id, winner)
    with force_locale("en"), pytest.raises(MissionNotOpenError,
                                           match="Another helper took this mission"):
        booking.accept_mission(mission.id, loser)
    far = make.helper(lat=45.76, lng=4.84)  # Lyon: never offered a mission in Asnières
    with pytest.raises(NotFound):
        booking.accept_mission(mission.id, far)
