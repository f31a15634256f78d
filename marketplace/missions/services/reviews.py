"""Reviews after a confirmed mission: both sides rate each other (1-5 stars, a comment).

Blind: a review is published when the other side has reviewed too, or when the window
(REVIEW_WINDOW_DAYS after confirmation) closes, so nobody answers what they read. Only
the client and the helper of a completed mission review, once each. Operators may hide
an abusive review; the row keeps who hid it, when and why (the audit trail).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import MAX_COMMENT, Mission, Review

REVIEW_WINDOW_DAYS = 7
Role = Literal["helper", "client"]


def submit_review(author: User, mission_id: int, stars: int, comment: str,
                  now: datetime | None = None) -> Review:
    """Rate the other party of a completed mission, once, within the window."""
    now = now or utcnow()
    mission = db.session.get(Mission, mission_id)
    if mission is None or author.id not in (mission.client_id, mission.helper_id):
        raise NotFound(_l("No such mission."))
    if mission.status != MissionStatus.COMPLETED or mission.completed_at is None:
        raise Forbidden(_l("You can review once the client has confirmed the work."))
    if now > mission.completed_at + timedelta(days=REVIEW_WINDOW_DAYS):
        raise Forbidden(_l("The review window has closed."))
    if not 1 <= stars <= 5 or len(comment) > MAX_COMMENT:
        raise DomainError(_l("Give 1 to 5 stars and at most %(max)d characters.", max=MAX_COMMENT))
    subject = mission.helper_id if author.id == mission.client_id else mission.client_id
    review = Review(mission_id=mission.id, author_id=author.id, subject_id=subject,
                    stars=stars, comment=comment.strip())
    db.session.add(review)
    try:
        db.session.flush()  # the unique (mission, author) index refuses a second review
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_l("You have already reviewed this mission.")) from exc
    _publish_if_both(mission.id, review, now)
    db.session.commit()
    return review


def review_by(author_id: int, mission_id: int) -> Review | None:
    """The review this person wrote of this mission, if any (the page shows it instead of
    the form)."""
    return db.session.execute(db.select(Review).where(
        Review.mission_id == mission_id, Review.author_id == author_id)).scalar_one_or_none()


def _publish_if_both(mission_id: int, review: Review, now: datetime) -> None:
    other = db.session.execute(db.select(Review).where(
        Review.mission_id == mission_id, Review.author_id != review.author_id)
    ).scalar_one_or_none()
    if other is not None:
        review.published_at = other.published_at = now


def _visible(now: datetime) -> list[ColumnElement[bool]]:
    """Published (both sides in, or the window closed) and not hidden."""
    closed = Mission.completed_at <= now - timedelta(days=REVIEW_WINDOW_DAYS)
    return [Review.hidden_at.is_(None), or_(Review.published_at.is_not(None), closed)]


def _received_as(role: Role | None) -> list[ColumnElement[bool]]:
    """Only the reviews a person received in one role: a helper's rating says how they
    work, not how they behave when they book help themselves."""
    if role == "helper":
        return [Review.subject_id == Mission.helper_id]
    if role == "client":
        return [Review.subject_id == Mission.client_id]
    return []


def reviews_of(user_id: int, now: datetime | None = None, *,
               as_role: Role | None = None) -> list[Review]:
    """Reviews about a user that anyone may read (received in `as_role`, or all), newest
    first."""
    return list(db.session.execute(
        db.select(Review).join(Mission, Mission.id == Review.mission_id)
        .where(Review.subject_id == user_id, *_visible(now or utcnow()), *_received_as(as_role))
        .order_by(Review.id.desc())).scalars())


def ratings_of(user_ids: list[int], now: datetime | None = None, *,
               as_role: Role | None = None) -> dict[int, tuple[float, int]]:
    """(average stars, count) of visible reviews per user (received in `as_role`, or all),
    in one statement."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        db.select(Review.subject_id, func.avg(Review.stars), func.count())
        .join(Mission, Mission.id == Review.mission_id)
        .where(Review.subject_id.in_(user_ids), *_visible(now or utcnow()),
               *_received_as(as_role))
        .group_by(Review.subject_id)).all()
    return {uid: (float(avg), int(count)) for uid, avg, count in rows}


def hide_review(operator: User, review_id: int, note: str) -> Review:
    """Hide an abusive review; the note, the operator and the time stay on the row."""
    if not operator.is_operator:
        raise NotFound(_l("No such review."))
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(_l("No such review."))
    if not note.strip():
        raise DomainError(_l("Say why the review is hidden."))
    review.hidden_at, review.hidden_by_id, review.hidden_note = utcnow(), operator.id, note[:500]
    db.session.commit()
    return review
