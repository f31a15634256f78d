"""Public profiles: what one person may see of another before working together.

A helper's profile (for clients choosing, and anyone signed in) and a client's (for
helpers deciding to take their mission). Nothing private: no email, phone or street
address; the area is the commune at most. Deleted and suspended accounts have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission, Review
from marketplace.missions.services import reviews

COMPLETED = (MissionStatus.COMPLETED,)


@dataclass(frozen=True)
class PublicProfile:
    user_id: int
    name: str
    initials: str
    rating: tuple[float, int] | None  # (average stars, number of reviews)
    reviews: list[Review]
    completed: int  # missions completed (as helper, or as client)
    posted: int  # missions posted (clients; 0 for helpers)
    skills: list[str]
    area: str | None  # the commune, when the profile names one
    radius_km: float | None
    payouts_verified: bool


def initials(name: str) -> str:
    """'Marie-Claire Dupont' -> 'MD': the first letters of the first and last words."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    picked = words[:1] + words[1:][-1:]
    return "".join(w[0].upper() for w in picked)


def _listed(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or user.is_suspended:
        raise NotFound(_l("No such person."))
    return user


def _count(*where: ColumnElement[bool]) -> int:
    return int(db.session.execute(db.select(func.count(Mission.id)).where(*where)).scalar_one())


def helper_profile(user_id: int) -> PublicProfile:
    user = _listed(user_id)
    profile = user.helper_profile
    if profile is None or not user.is_helper:
        raise NotFound(_l("No such helper."))
    area = profile.home_city  # the commune only, never the street
    return PublicProfile(
        user.id, user.full_name, initials(user.full_name),
        reviews.ratings_of([user.id], as_role="helper").get(user.id),
        reviews.reviews_of(user.id, as_role="helper")[:10],
        completed=_count(Mission.helper_id == user.id, Mission.status.in_(COMPLETED)),
        posted=0, skills=profile.skill_slugs, area=area, radius_km=profile.radius_km,
        payouts_verified=bool(profile.payouts_enabled and profile.stripe_account_id))


def client_profile(viewer: User, user_id: int) -> PublicProfile:
    """Visible to helpers and operators (and the client themself)."""
    user = _listed(user_id)
    if not (viewer.is_helper or viewer.is_operator or viewer.id == user.id):
        raise NotFound(_l("No such client."))
    posted = _count(Mission.client_id == user.id)
    if not posted and not user.is_client:
        raise NotFound(_l("No such client."))
    return PublicProfile(
        user.id, user.full_name, initials(user.full_name),
        reviews.ratings_of([user.id], as_role="client").get(user.id),
        reviews.reviews_of(user.id, as_role="client")[:10],
        completed=_count(Mission.client_id == user.id, Mission.status.in_(COMPLETED)),
        posted=posted, skills=[], area=None, radius_km=None, payouts_verified=False)
