"""Mission rules: what a posting must satisfy, who may see what, status changes, finishing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.categories import get_category
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.missions import signals as missions_signals
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.models import Mission
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
    mission = db.session.get(Mission, mission_id, options=[
        selectinload(Mission.client), selectinload(Mission.helper)])
    if mission is None or not can_view(user, mission):
        raise NotFound(_l("No such mission."))
    return mission


def missions_of_client(client: User) -> list[Mission]:
    return list(db.session.execute(
        db.select(Mission).where(Mission.client_id == client.id).order_by(Mission.id.desc())
    ).scalars())


def missions_of_helper(helper: User) -> list[Mission]:
    return list(db.session.execute(
        db.select(Mission).where(Mission.helper_id == helper.id).order_by(Mission.id.desc())
    ).scalars())






def mark_done(mission_id: int, helper: User) -> Mission:
    mission = get_visible_mission(helper, mission_id)
    if mission.helper_id != helper.id:
        raise NotFound(_l("No such mission."))
    move_mission(mission, MissionStatus.DONE, done_at=utcnow())
    missions_signals.mission_done.send(mission)
    db.session.commit()
    return mission

