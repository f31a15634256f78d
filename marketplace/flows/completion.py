"""Completion: the client confirms (or the quiet period passes) and the card is captured."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions import signals as missions_signals
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services.missions import get_visible_mission
from marketplace.missions.transitions import move_mission
from marketplace.payments.services import capture


def confirm_completion(mission_id: int, client: User) -> Mission:
    """The client confirms the work: capture the card, then schedule the helper's payout."""
    mission = get_visible_mission(client, mission_id)
    if mission.client_id != client.id:
        raise NotFound(_l("No such mission."))
    if mission.status != MissionStatus.DONE:
        raise Conflict(_l("Only a mission marked done by the helper can be confirmed."))
    if mission.price_cents == 0:  # free help: nothing to capture, nobody to pay
        move_mission(mission, MissionStatus.COMPLETED, completed_at=utcnow())
        missions_signals.mission_completed.send(mission)
        db.session.commit()
        return mission
    payment = capture.authorized_payment(mission)
    move_mission(mission, MissionStatus.COMPLETED, completed_at=utcnow())  # claimed first
    pi = capture.capture_at_stripe(payment)
    capture.record_capture(mission, payment, pi)
    missions_signals.mission_completed.send(mission)
    db.session.commit()
    return mission


def auto_confirm_due(now: datetime | None = None) -> list[int]:
    """Confirm every mission done longer than the quiet period; return their ids."""
    quiet = timedelta(seconds=current_app.config["AUTO_CONFIRM_SECONDS"])
    due = db.session.execute(
        db.select(Mission.id).where(Mission.status == MissionStatus.DONE,
                                    Mission.done_at <= (now or utcnow()) - quiet)
    ).scalars().all()
    confirmed = []
    for mission_id in due:
        mission = db.session.get(Mission, mission_id)
        if mission is None or mission.status != MissionStatus.DONE:
            continue
        try:
            confirm_completion(mission_id, mission.client)
        except Conflict:
            db.session.rollback()
            continue
        confirmed.append(mission_id)
    return confirmed
