"""Mission thread and reviews pages (thin: validate, one service, render/redirect)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.missions.forms import HideReviewForm, MessageForm, ReviewForm
from marketplace.missions.services import messaging, reviews

routes = Routes()


@routes.route("/missions/<int:mission_id>/messages", methods=["GET", "POST"])
@login_required
def messages(mission_id: int) -> str | Response | tuple[str, int]:
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messaging.post_message(current_user, mission_id, form.body.data or "")
        except DomainError as exc:
            form.body.errors = [str(exc)]
        else:
            return redirect(url_for("missions.messages", mission_id=mission_id))
    mission, thread = messaging.thread(current_user, mission_id)
    page = render_template("missions/messages.html", mission=mission, thread=thread, form=form)
    return (page, 400) if form.errors else page


@routes.route("/missions/<int:mission_id>/review", methods=["POST"])
@login_required
def review(mission_id: int) -> Response:
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    reviews.submit_review(current_user, mission_id, int(form.stars.data or 0),
                          form.comment.data or "")
    flash(_("Thank you! Your review is published when the other side has reviewed too, "
            "or %(days)d days after confirmation.", days=reviews.REVIEW_WINDOW_DAYS), "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))


@routes.route("/users/<int:user_id>/reviews")
@login_required
def user_reviews(user_id: int) -> str:
    user = db.get_or_404(User, user_id)
    found = reviews.reviews_of(user.id)
    rating = reviews.ratings_of([user.id]).get(user.id)
    return render_template("missions/reviews.html", subject=user, reviews=found, rating=rating,
                           hide_form=HideReviewForm())
