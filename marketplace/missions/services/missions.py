"""Mission rules: what a posting must satisfy, who may see what, status changes, finishing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import User
from marketplace.core import pagination
from marketplace.core.base import utcnow
from marketplace.core.categories import get_category
from marketplace.core.dates import paris_time
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions import signals as missions_signals
from marketplace.missions.errors import MissionNotStartedError
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.transitions import move_mission
from marketplace.places import Place


@dataclass(frozen=True)
class MissionDraft:
    category: str
    title: str
    description: str
    address: str
    lat: float
    lng: float
    starts_at: datetime
    ends_at: datetime
    price_cents: int
    matching_mode: MatchingMode = MatchingMode.INSTANT
    postcode: str | None = None
    citycode: str | None = None  # INSEE
    city: str | None = None


def place_fields(place: Place) -> dict[str, Any]:
    """A draft's address fields from the geocoded place (the only source of its position)."""
    return {"address": place.label, "lat": place.lat, "lng": place.lon,
            "postcode": place.postcode, "citycode": place.citycode, "city": place.city}


def validate_draft(draft: MissionDraft) -> None:
    """Check the business rules a form cannot know (limits come from config)."""
    cfg = current_app.config
    category = get_category(draft.category)
    if category is None:
        raise DomainError(_l("Unknown category."))
    if category.is_free:
        if draft.price_cents != 0:
            raise DomainError(_l("Free help (coup de main) has no price."))
    elif not cfg["MISSION_MIN_PRICE_CENTS"] <= draft.price_cents <= cfg["MISSION_MAX_PRICE_CENTS"]:
        raise DomainError(_l("The price must be between %(low)d and %(high)d €.",
                             low=cfg["MISSION_MIN_PRICE_CENTS"] // 100,
                             high=cfg["MISSION_MAX_PRICE_CENTS"] // 100))
    if draft.starts_at <= utcnow():
        raise DomainError(_l("The start must be in the future."))
    if draft.starts_at > utcnow() + timedelta(days=cfg["MISSION_MAX_AHEAD_DAYS"]):
        raise DomainError(_l("A mission can be posted at most %(days)d days ahead.",
                             days=cfg["MISSION_MAX_AHEAD_DAYS"]))
    if draft.ends_at <= draft.starts_at:
        raise DomainError(_l("The end must come after the start."))
    if draft.ends_at - draft.starts_at > timedelta(days=14):
        raise DomainError(_l("The time window can span 14 days at most."))






def can_view(user: User, mission: Mission) -> bool:
    """Client, assigned helper and operators see a mission; helpers see open ones."""
    if user.is_operator or mission.client_id == user.id or mission.helper_id == user.id:
        return True
    return user.is_helper and mission.status == MissionStatus.OPEN


def get_visible_mission(user: User, mission_id: int) -> Mission:
    """The mission with both people loaded (its pages show them), if `user` may see it."""
    mission = db.session.get(Mission, mission_id, options=[  # one statement: two joins
        joinedload(Mission.client), joinedload(Mission.helper)])
    return visible_to(user, mission)


def visible_to(user: User, mission: Mission | None) -> Mission:
    """The mission if `user` may see it (NotFound otherwise, or when there is none)."""
    if mission is None or not can_view(user, mission):
        raise NotFound(_l("No such mission."))
    return mission


MY_MISSIONS_PAGE = 25


def missions_of_client(client: User, start: int | None = None,
                       size: int = MY_MISSIONS_PAGE) -> pagination.Keyset[Mission]:
    """One page of the missions a client posted, newest first (a keyset: a client with
    years of missions loads one page, and any page costs what the first does)."""
    return pagination.by_id(db.select(Mission).where(Mission.client_id == client.id),
                            Mission.id, start=start, size=size)


def missions_of_helper(helper: User, start: int | None = None,
                       size: int = MY_MISSIONS_PAGE) -> pagination.Keyset[Mission]:
    """One page of the missions a helper took, newest first (keyset, as above)."""
    return pagination.by_id(db.select(Mission).where(Mission.helper_id == helper.id),
                            Mission.id, start=start, size=size)


def missions_page(user: User, *, as_helper: bool, status: MissionStatus | None,
                  before_id: int | None, limit: int) -> list[Mission]:
    """One page of the user's missions as client (or as assigned helper), newest first,
    those older than `before_id` (a keyset: pages stay right while missions are added)."""
    owner = Mission.helper_id if as_helper else Mission.client_id
    query = db.select(Mission).where(owner == user.id).options(
        selectinload(Mission.client), selectinload(Mission.helper))
    if status is not None:
        query = query.where(Mission.status == status)
    if before_id is not None:
        query = query.where(Mission.id < before_id)
    return list(db.session.execute(query.order_by(Mission.id.desc()).limit(limit)).scalars())






def assignments_of(mission: Mission) -> list[Assignment]:
    """Who took the mission and when, oldest first (its timeline)."""
    return list(db.session.execute(db.select(Assignment).where(
        Assignment.mission_id == mission.id).order_by(Assignment.id)).scalars())


def has_started(mission: Mission, now: datetime | None = None) -> bool:
    """Work is marked done only once it could have happened (the quiet period and the
    auto-confirmation date count from then)."""
    return (now or utcnow()) >= mission.starts_at


def not_started_reason(mission: Mission) -> str:
    return str(_("You can mark the work done once the mission has started (%(at)s).",
                 at=paris_time(mission.starts_at)))


def mark_done(mission_id: int, helper: User) -> Mission:
    mission = get_visible_mission(helper, mission_id)
    if mission.helper_id != helper.id:
        raise NotFound(_l("No such mission."))
    if not has_started(mission):
        raise MissionNotStartedError(not_started_reason(mission))
    move_mission(mission, MissionStatus.DONE, done_at=utcnow())
    missions_signals.mission_done.send(mission)
    db.session.commit()
    return mission

