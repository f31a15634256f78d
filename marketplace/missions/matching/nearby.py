"""'Missions near me' and 'helpers near this mission', built on the indexed geo search.

Each page costs a fixed number of statements whatever the number of rows: one search
returning ids and distances, then one query per kind of object shown (with selectinload).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, func, literal_column, select
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import HelperProfile
from marketplace.core.db import db
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import geo
from marketplace.missions.matching.models import MissionMatching
from marketplace.missions.models import Mission

# How far from an instant mission its current wave reaches (-1 before the first wave);
# other missions are not gated. A scalar subquery on purpose: PostgreSQL turns NOT EXISTS
# into an anti-join beside the KNN scan, this stays a primary-key probe per scanned row.
UNGATED_KM = 1e9
WAVE_REACH = func.coalesce(
    select(func.coalesce(MissionMatching.reach_km, -1.0))
    .where(MissionMatching.mission_id == Mission.id,
           MissionMatching.mode == MatchingMode.INSTANT).scalar_subquery(),
    UNGATED_KM)
# Open missions this helper may take: one of their skills, not their own, and an
# instant one only once its current wave reaches them (see matching_engine).
OPEN_FOR_HELPER: geo.Filters = (
    # a constant, not a parameter: the partial index of open missions then serves the
    # search's generic plan (missions/matching/geo.py)
    Mission.status == literal_column(f"'{MissionStatus.OPEN.value}'"),
    Mission.category.in_(bindparam("skills", expanding=True)),
    Mission.client_id != bindparam("user_id", type_=Integer),
    geo.distance_to(Mission) <= WAVE_REACH)


# What "Missions near me" shows of each mission, read by the search itself (one statement
# for the whole list): its matching mode is None for missions posted before matching.
CARD_COLUMNS = (
    Mission.title, Mission.status, Mission.category, Mission.starts_at, Mission.ends_at,
    Mission.price_cents, Mission.commission_cents, Mission.currency, Mission.city,
    Mission.lat, Mission.lng,
    select(MissionMatching.mode).where(MissionMatching.mission_id == Mission.id)
    .scalar_subquery())


@dataclass(frozen=True)
class MissionCard:
    """An open mission as a helper's list shows it (no client, no street address)."""

    id: int
    distance_km: float
    title: str
    status: MissionStatus
    category: str
    starts_at: datetime
    ends_at: datetime
    price_cents: int
    commission_cents: int
    currency: str
    city: str | None
    lat: float
    lng: float
    mode: MatchingMode

    @property
    def helper_share_cents(self) -> int:
        return self.price_cents - self.commission_cents


def open_mission_cards(profile: HelperProfile, limit: int = 50) -> list[MissionCard]:
    """The missions of open_missions_near as cards, nearest first, in one statement."""
    skills = profile.skill_slugs
    if not skills:
        return []
    rows = geo.missions_near_with(
        profile.lat, profile.lng, profile.radius_km, OPEN_FOR_HELPER, CARD_COLUMNS,
        "open-for-helper-cards", limit, {"skills": skills, "user_id": profile.user_id})
    return [MissionCard(int(i), float(km), title, status, category, starts_at, ends_at, price,
                        commission, currency, city, lat, lng,
                        MatchingMode(mode or MatchingMode.INSTANT))
            for (i, km, title, status, category, starts_at, ends_at, price, commission,
                 currency, city, lat, lng, mode) in rows]


@dataclass(frozen=True)
class NearbyMission:
    mission: Mission
    distance_km: float
    mode: MatchingMode = MatchingMode.INSTANT  # how it is matched (loaded with the mission)


@dataclass(frozen=True)
class NearbyHelper:
    profile: HelperProfile
    distance_km: float


def open_missions_near(profile: HelperProfile, limit: int = 50) -> list[NearbyMission]:
    """Open missions within the helper's radius that match one of their skills and that
    they may take (instant ones only once a wave reaches them), with their clients."""
    rows = open_mission_rows(profile, limit)
    found = load_missions_with_modes([mission_id for mission_id, _ in rows])
    return [NearbyMission(found[i][0], d, found[i][1]) for i, d in rows if i in found]


def open_mission_rows(profile: HelperProfile, limit: int = 50) -> list[geo.Row]:
    """(mission id, km) of those missions, nearest first: the search alone, for a caller
    that pages through them and loads only the page's missions (the API)."""
    skills = profile.skill_slugs
    if not skills:
        return []
    return geo.missions_near(profile.lat, profile.lng, profile.radius_km, OPEN_FOR_HELPER,
                             limit, {"skills": skills, "user_id": profile.user_id},
                             key="open-for-helper")


def load_missions(ids: list[int]) -> dict[int, Mission]:
    """Missions by id with their client, in one statement plus one for the clients."""
    return {i: mission for i, (mission, _) in load_missions_with_modes(ids).items()}


def load_missions_with_modes(ids: list[int]) -> dict[int, tuple[Mission, MatchingMode]]:
    """Missions by id with their matching mode (an outer join: missions posted before
    matching existed are instant), in one statement, plus one for the clients."""
    if not ids:
        return {}
    query = (db.select(Mission, MissionMatching.mode)
             .outerjoin(MissionMatching, MissionMatching.mission_id == Mission.id)
             .where(Mission.id.in_(ids)).options(selectinload(Mission.client)))
    return {m.id: (m, mode or MatchingMode.INSTANT) for m, mode in db.session.execute(query)}


def load_profiles(rows: list[geo.Row]) -> list[NearbyHelper]:
    """Helper profiles (with user and skills) for (profile id, km) rows, order kept."""
    if not rows:
        return []
    found = db.session.execute(
        db.select(HelperProfile).where(HelperProfile.id.in_([i for i, _ in rows]))
        .options(selectinload(HelperProfile.user), selectinload(HelperProfile.skills))
    ).scalars()
    by_id = {p.id: p for p in found}
    return [NearbyHelper(by_id[i], d) for i, d in rows if i in by_id]
