"""'Missions near me': the one place that knows how positions are queried.

A bounding box on the (status, lat, lng) index narrows the rows, then the exact
great-circle distance decides; results come back nearest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from marketplace.accounts.models import HelperProfile
from marketplace.core.geo import bounding_box, haversine_km
from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.missions.status import MissionStatus


@dataclass(frozen=True)
class NearbyMission:
    mission: Mission
    distance_km: float


def open_missions_near(profile: HelperProfile, limit: int = 50) -> list[NearbyMission]:
    """Open missions within the helper's radius that match one of their skills."""
    skills = profile.skill_slugs
    if not skills:
        return []
    min_lat, max_lat, min_lng, max_lng = bounding_box(profile.lat, profile.lng,
                                                      profile.radius_km)
    candidates = db.session.execute(
        db.select(Mission)
        .where(Mission.status == MissionStatus.OPEN,
               Mission.lat.between(min_lat, max_lat), Mission.lng.between(min_lng, max_lng),
               Mission.category.in_(skills), Mission.client_id != profile.user_id)
        .options(selectinload(Mission.client))
    ).scalars().all()
    found = [NearbyMission(m, haversine_km(profile.lat, profile.lng, m.lat, m.lng))
             for m in candidates]
    found = [n for n in found if n.distance_km <= profile.radius_km]
    found.sort(key=lambda n: (n.distance_km, n.mission.id))
    return found[:limit]
