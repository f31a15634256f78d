"""A day before, both sides of an assigned mission are reminded, once."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.notifications.models import Notification
from marketplace.notifications.reminders import send_reminders
from tests.support.factories import Factories


def reminders() -> list[Notification]:
    return list(db.session.execute(
        db.select(Notification).where(Notification.event == "reminder")).scalars())


def test_both_sides_are_reminded_once(ctx: Flask, make: Factories) -> None:
    client, helper = make.client(), make.helper()
    mission = make.mission(client)
    booking.accept_mission(mission.id, helper)
    unassigned = make.mission()  # open, nobody to remind
    now = mission.starts_at - timedelta(hours=24, minutes=30)
    assert send_reminders(now) == 2
    assert send_reminders(now + timedelta(hours=1)) == 0  # the next hourly run
    assert sorted(n.user_id for n in reminders()) == sorted([client.id, helper.id])
    assert all(unassigned.title in n.title for n in reminders())


def test_nothing_when_the_mission_is_further_away(ctx: Flask, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission()
    booking.accept_mission(mission.id, helper)
    assert send_reminders(mission.starts_at - timedelta(hours=40)) == 0
    assert reminders() == []
