"""Operators find people and suspend or reinstate their accounts, every action audited.

Suspending ends the person's sessions at their next request (the session version moves),
keeps them from signing in (they are told their account is suspended), and hands their
open work to the operator queue: missions they posted that are still looking for a helper
are escalated, and missions assigned to them (not done yet) are reopened, without them,
and escalated, so an operator assigns someone else. Money already moving is left to its
own flows (a suspension is not a refund).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, update

from marketplace.accounts.models import User
from marketplace.accounts.sessions import bump_session_version
from marketplace.core import audit
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.models import AuditEntry
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import Mission
from marketplace.missions.services.cancellation import release_assignment
from marketplace.missions.transitions import move_mission
from marketplace.payments.services import fee_rules

PAGE_SIZE = 50
MAX_QUERY = 100


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    next_after: int | None  # the keyset for the next page (None: this is the last)


def search_users(query: str = "", after_id: int | None = None,
                 limit: int = PAGE_SIZE) -> UserPage:
    """People by id, filtered by name or email fragment, one keyset page at a time."""
    select = db.select(User).order_by(User.id).limit(limit + 1)
    text = query.strip().lower()[:MAX_QUERY]
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        select = select.where(or_(func.lower(User.email).like(like, escape="\\"),
                                  func.lower(User.full_name).like(like, escape="\\")))
    if after_id is not None:
        select = select.where(User.id > after_id)
    users = list(db.session.execute(select).scalars())
    more = len(users) > limit
    return UserPage(users[:limit], users[limit - 1].id if more else None)


def _target(operator: User, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound(_l("No such user."))
    if user.id == operator.id:
        raise Conflict(_l("You cannot suspend or reinstate your own account."))
    return user


def _escalate(mission: Mission, reason: str) -> None:
    db.session.execute(update(MissionMatching).where(MissionMatching.mission_id == mission.id)
                       .values(escalated_at=utcnow(), escalation_reason=reason[:200],
                               next_wave_at=None))


def _hand_over_missions(user: User) -> list[int]:
    """The suspended person's open missions go to the operator queue; their ids."""
    posted = list(db.session.execute(db.select(Mission).where(
        Mission.client_id == user.id, Mission.status == MissionStatus.OPEN)).scalars())
    for mission in posted:
        _escalate(mission, "Client suspended by an operator")
    taken = list(db.session.execute(db.select(Mission).where(
        Mission.helper_id == user.id, Mission.status == MissionStatus.ASSIGNED)).scalars())
    for mission in taken:
        move_mission(mission, MissionStatus.OPEN, helper_id=None)
        fee_rules.restore_booked_commission(mission)
        release_assignment(mission)
        db.session.execute(update(MissionOffer).where(
            MissionOffer.mission_id == mission.id, MissionOffer.helper_id == user.id)
            .values(withdrawn_at=utcnow()))
        _escalate(mission, "Helper suspended by an operator")
    return [m.id for m in posted + taken]


def suspend(operator: User, user_id: int, reason: str) -> list[int]:
    """Suspend the account (audited with the reason); returns the missions handed over."""
    user = _target(operator, user_id)
    text = reason.strip()
    if len(text) < 3:
        raise DomainError(_l("Say why the account is suspended."))
    if user.is_suspended:
        raise Conflict(_l("This account is suspended already."))
    user.is_suspended = True
    bump_session_version(user)
    moved = _hand_over_missions(user)
    audit.record(operator, "user.suspend", "user", user.id, before={"suspended": False},
                 after={"suspended": True, "missions_to_queue": moved}, note=text[:500])
    db.session.commit()
    return moved


def reinstate(operator: User, user_id: int, note: str = "") -> None:
    user = _target(operator, user_id)
    if not user.is_suspended:
        raise Conflict(_l("This account is not suspended."))
    user.is_suspended = False
    audit.record(operator, "user.reinstate", "user", user.id, before={"suspended": True},
                 after={"suspended": False}, note=note.strip()[:500] or None)
    db.session.commit()


def history(user_id: int, limit: int = 20) -> list[AuditEntry]:
    """The audit lines about this account, newest first."""
    return list(db.session.execute(
        db.select(AuditEntry).where(AuditEntry.object_type == "user",
                                          AuditEntry.object_id == str(user_id))
        .order_by(AuditEntry.id.desc()).limit(limit)).scalars())
