"""Ranking of eligible helpers for a mission: one formula, explained on the page.

score = 40% proximity + 30% rating + 20% experience + 10% reliability, each in [0, 1]:
- proximity: 1 at the mission's door, 0 at 10 km or more;
- rating: average stars smoothed towards 3 by two phantom reviews, mapped 1..5 -> 0..1
  (a new helper is neither punished nor favoured);
- experience: completed missions, capped at 20;
- reliability: completed / assignments taken (released ones count against), smoothed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching.nearby import NearbyHelper
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.services import reviews

EXPLANATION = __doc__.split("\n\n", 1)[1].strip() if __doc__ else ""


@dataclass(frozen=True)
class HelperStats:
    rating_avg: float | None = None
    rating_count: int = 0
    completed: int = 0
    assignments: int = 0


@dataclass(frozen=True)
class RankedHelper:
    nearby: NearbyHelper
    stats: HelperStats
    score: float


def score(distance_km: float, stats: HelperStats) -> float:
    """The ranking formula (see the module docstring)."""
    proximity = max(0.0, 1 - distance_km / 10)
    total = (stats.rating_avg or 0) * stats.rating_count + 3 * 2
    rating = (total / (stats.rating_count + 2) - 1) / 4
    experience = min(1.0, stats.completed / 20)
    reliability = (stats.completed + 1) / (stats.assignments + 1)
    return round(0.4 * proximity + 0.3 * rating + 0.2 * experience + 0.1 * reliability, 4)


def stats_for(user_ids: list[int]) -> dict[int, HelperStats]:
    """Ratings, completed missions and assignments per helper: three grouped statements."""
    if not user_ids:
        return {}
    completed: dict[int | None, int] = dict(db.session.execute(
        db.select(Mission.helper_id, func.count()).where(
            Mission.helper_id.in_(user_ids), Mission.status == MissionStatus.COMPLETED)
        .group_by(Mission.helper_id)).all())
    taken: dict[int, int] = dict(db.session.execute(
        db.select(Assignment.helper_id, func.count()).where(Assignment.helper_id.in_(user_ids))
        .group_by(Assignment.helper_id)).all())
    ratings = reviews.ratings_of(user_ids, as_role="helper")
    return {uid: HelperStats(rating_avg=ratings.get(uid, (None, 0))[0],
                             rating_count=ratings.get(uid, (None, 0))[1],
                             completed=completed.get(uid, 0), assignments=taken.get(uid, 0))
            for uid in user_ids}


def rank(helpers: list[NearbyHelper]) -> list[RankedHelper]:
    """Best first; ties go to the nearer helper."""
    stats = stats_for([h.profile.user_id for h in helpers])
    ranked = [RankedHelper(h, stats[h.profile.user_id], score(h.distance_km,
                                                               stats[h.profile.user_id]))
              for h in helpers]
    return sorted(ranked, key=lambda r: (-r.score, r.nearby.distance_km))
