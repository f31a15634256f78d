"""Matching events reach people: offers (rate-limited), applications, review requests."""

from __future__ import annotations

from flask import Flask

from marketplace.core.db import db
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import engine as matching_engine
from marketplace.missions.matching import services as matching
from marketplace.notifications.models import Notification
from tests.support.factories import ASNIERES, Factories


def notes(event: str) -> list[Notification]:
    return list(db.session.execute(
        db.select(Notification).where(Notification.event == event)).scalars())


def test_a_burst_of_offers_makes_one_nearby_notification_per_helper(
        ctx: Flask, make: Factories) -> None:
    helper = make.helper(lat=ASNIERES[0] + 0.01, lng=ASNIERES[1], radius_km=15)
    for _ in range(3):
        mission = make.mission(mode=MatchingMode.INSTANT)
        matching_engine.advance(mission.id)
    [note] = notes("new_missions_nearby")
    assert note.user_id == helper.id and "km" in note.body


def test_an_application_tells_the_client(ctx: Flask, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission(mode=MatchingMode.CHOOSE)
    matching.apply(helper, mission.id, "I have all the tools and can come Saturday.")
    [note] = notes("application_received")
    assert note.user_id == mission.client_id and "all the tools" in note.body
