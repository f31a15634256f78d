"""Operators' system pages: worker health, the matching queue, hiding a review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.core.db import db
from marketplace.core.models import OutboxMessage, WorkerHeartbeat
from marketplace.core.routing import Routes
from marketplace.missions.forms import HideReviewForm
from marketplace.missions.matching import engine as matching_engine
from marketplace.missions.services import reviews

routes = Routes()


@routes.route("/health")
@role_required("operator")
def ops_health() -> str:
    workers = db.session.execute(
        db.select(WorkerHeartbeat).order_by(WorkerHeartbeat.hostname)).scalars().all()
    backlog = db.session.execute(
        db.select(func.count(OutboxMessage.id)).where(OutboxMessage.published_at.is_(None))
    ).scalar_one()
    return render_template("health/ops_health.html", workers=workers, backlog=backlog)


@routes.route("/matching")
@role_required("operator")
def queue() -> str:
    return render_template("missions/queue.html", queue=matching_engine.operator_queue())


@routes.route("/reviews/<int:review_id>/hide", methods=["POST"])
@role_required("operator")
def hide_review(review_id: int) -> Response:
    form = HideReviewForm()
    if not form.validate_on_submit():
        abort(400)
    hidden = reviews.hide_review(current_user, review_id, form.note.data or "")
    flash(_("Review hidden; the note is kept with it."), "info")
    return redirect(url_for("missions.user_reviews", user_id=hidden.subject_id))
