"""Who may take a mission, written twice on purpose: as SQL filters for searching many
helpers at once (`helper_filters`) and as readable reasons for one helper
(`reasons_not_eligible`); tests hold the two to the same rules, one by one.

Rules: an active helper (helper role, not suspended), onboarded for payouts unless the
mission is free help, holding the mission's skill, whose radius covers the mission, not
on time off during it, and available when it starts (a weekly slot, or no slot at all).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, String, bindparam, exists, or_, select

from marketplace.accounts.availability import local_weekday_minute
from marketplace.accounts.models import AvailabilitySlot, HelperProfile, HelperSkill, TimeOff, User
from marketplace.core.base import UTCDateTime
from marketplace.core.db import db
from marketplace.core.geo import haversine_km
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.matching import geo
from marketplace.missions.models import Mission


@dataclass(frozen=True)
class Needs:
    """What a mission asks of its helper."""

    category: str
    client_id: int
    lat: float
    lng: float
    starts_at: datetime
    ends_at: datetime
    free: bool


def needs_of(mission: Mission) -> Needs:
    return Needs(mission.category, mission.client_id, mission.lat, mission.lng,
                 mission.starts_at, mission.ends_at, mission.price_cents == 0)


@functools.cache
def helper_filters(free: bool, within: bool = False) -> geo.Filters:
    """SQL conditions on HelperProfile joined with User, with bind parameters filled by
    `helper_params`; built once per variant. The helper's own radius is geo's job."""
    profile_id = HelperProfile.id
    p = {name: bindparam(f"el_{name}", type_=kind) for name, kind in (
        ("client_id", Integer), ("category", String), ("starts", UTCDateTime()),
        ("ends", UTCDateTime()), ("weekday", Integer), ("minute", Integer),
        ("within_km", Float))}
    filters: list[ColumnElement[bool]] = [
        User.is_helper.is_(True), User.is_suspended.is_(False), User.id != p["client_id"],
        exists().where(HelperSkill.helper_profile_id == profile_id,
                       HelperSkill.category == p["category"]),
        ~exists().where(TimeOff.helper_profile_id == profile_id,
                        TimeOff.starts_at < p["ends"], TimeOff.ends_at > p["starts"]),
        or_(~exists().where(AvailabilitySlot.helper_profile_id == profile_id),
            exists().where(AvailabilitySlot.helper_profile_id == profile_id,
                           AvailabilitySlot.weekday == p["weekday"],
                           AvailabilitySlot.start_minute <= p["minute"],
                           AvailabilitySlot.end_minute > p["minute"])),
    ]
    if not free:
        filters.append(HelperProfile.payouts_enabled.is_(True))
    if within:
        filters.append(geo.distance_to(HelperProfile) <= p["within_km"])
    return tuple(filters)


def helper_params(needs: Needs, within_km: float | None = None) -> dict[str, Any]:
    weekday, minute = local_weekday_minute(needs.starts_at)
    return {"el_client_id": needs.client_id, "el_category": needs.category,
            "el_starts": needs.starts_at, "el_ends": needs.ends_at, "el_weekday": weekday,
            "el_minute": minute, "el_within_km": within_km}


def eligible_helpers(mission: Mission, limit: int = 20,
                     within_km: float | None = None) -> list[geo.Row]:
    """(helper profile id, km) of eligible helpers, nearest first, optionally within a wave."""
    needs = needs_of(mission)
    within = within_km is not None
    return geo.helpers_covering(needs.lat, needs.lng, helper_filters(needs.free, within), limit,
                                helper_params(needs, within_km),
                                key=f"eligible:{needs.free}:{within}")


def reasons_not_eligible(helper: User, mission: Mission) -> list[str]:
    """Why this helper cannot take this mission (lazy strings: the reader's language);
    empty when they can."""
    profile = helper.helper_profile
    if profile is None or not helper.is_helper:
        return [_l("Only helpers with a profile can take missions.")]
    needs = needs_of(mission)
    checks = [
        (helper.is_suspended, _l("Your account is suspended.")),
        (helper.id == needs.client_id, _l("You cannot take your own mission.")),
        (not needs.free and not profile.payouts_enabled,
         _l("Finish your payout setup with Stripe before taking paid missions.")),
        (needs.category not in profile.skill_slugs,
         _l("This mission needs a skill you have not listed.")),
        (haversine_km(profile.lat, profile.lng, needs.lat, needs.lng) > profile.radius_km,
         _l("This mission is outside your area.")),
        (_on_time_off(profile, needs), _l("You are on time off at that time.")),
        (not _available(profile, needs), _l("You are not available when it starts.")),
    ]
    return [reason for failed, reason in checks if failed]


def _on_time_off(profile: HelperProfile, needs: Needs) -> bool:
    return bool(db.session.execute(select(exists().where(
        TimeOff.helper_profile_id == profile.id, TimeOff.starts_at < needs.ends_at,
        TimeOff.ends_at > needs.starts_at))).scalar())


def _available(profile: HelperProfile, needs: Needs) -> bool:
    weekday, minute = local_weekday_minute(needs.starts_at)
    slots: list[Any] = list(db.session.execute(select(
        AvailabilitySlot.weekday, AvailabilitySlot.start_minute, AvailabilitySlot.end_minute
    ).where(AvailabilitySlot.helper_profile_id == profile.id)).all())
    return not slots or any(d == weekday and s <= minute < e
                            for d, s, e in slots)
