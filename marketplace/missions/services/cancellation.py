"""Cancellation records: the reason people give, who cancelled, and helpers' reliability.

The policy and its money (late fees, releasing holds) are the cancellation flow's
(`marketplace/flows/cancellation.py`); this module keeps what the missions domain knows.
"""

from __future__ import annotations

from sqlalchemy import func, update

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Assignment, Mission, MissionCancellation

CLIENT_CANCELLABLE = (MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN, MissionStatus.ASSIGNED)


def reason_text(text: str) -> str:
    """The reason a person gave, required (3 characters at least) and kept to 500."""
    reason = (text or "").strip()
    if len(reason) < 3:
        raise DomainError(_l("Please tell us why you cancel."))
    return reason[:500]


def release_assignment(mission: Mission) -> None:
    """End the mission's active assignment, if any (the caller commits)."""
    db.session.execute(update(Assignment).where(Assignment.mission_id == mission.id,
                                                Assignment.released_at.is_(None))
                       .values(released_at=utcnow()))


def helper_cancellations(helper_id: int) -> int:
    """How many missions this helper gave back (their reliability record)."""
    return int(db.session.execute(
        db.select(func.count(MissionCancellation.id))
        .where(MissionCancellation.by_user_id == helper_id,
               MissionCancellation.role == "helper")).scalar_one())


def cancellation_of(mission: Mission) -> MissionCancellation | None:
    return db.session.execute(
        db.select(MissionCancellation).where(MissionCancellation.mission_id == mission.id,
                                             MissionCancellation.role == "client")
    ).scalar_one_or_none()
