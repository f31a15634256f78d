"""Reminders a day before a mission, to the client and the assigned helper."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import selectinload

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.notifications.events import mission_link
from marketplace.notifications.services import notify

LEAD = timedelta(hours=24)
WINDOW = timedelta(hours=2)  # the hourly schedule may run late; dedupe keys prevent repeats


def send_reminders(now: datetime | None = None) -> int:
    """Notify both sides of assigned missions starting in about 24 hours; return how many."""
    now = now or utcnow()
    missions = db.session.execute(
        db.select(Mission).where(Mission.status == MissionStatus.ASSIGNED,
                                 Mission.starts_at > now + LEAD - WINDOW,
                                 Mission.starts_at <= now + LEAD + WINDOW)
        .options(selectinload(Mission.client), selectinload(Mission.helper))
    ).scalars().all()
    sent = 0
    for mission in missions:
        context = {"title": mission.title, "starts_at": mission.starts_at,
                   "address": mission.address}
        for person in (mission.client, mission.helper):
            if person is not None and notify(person, "reminder", context,
                                             key=f"reminder:{mission.id}:{person.id}",
                                             link=mission_link(mission)):
                sent += 1
    db.session.commit()
    return sent
