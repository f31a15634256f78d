"""Hotline pages: book for a caller, then assign, send the payment link, log calls."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.missions.forms import ConfirmForm
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.models import Mission
from marketplace.missions.services.missions import MissionDraft, place_fields
from marketplace.operators.forms import CallLogForm, HotlineForm
from marketplace.operators.services import hotline
from marketplace.payments.services import checkout

routes = Routes()


@routes.route("/hotline", methods=["GET", "POST"])
@role_required("operator")
def hotline_new() -> str | Response | tuple[str, int]:
    form = HotlineForm()
    if not form.is_submitted():
        form.matching_mode.data = "operator"  # the operator on the phone picks the helper
    if form.validate_on_submit() and form.chosen_place is not None:
        try:
            mission = hotline.book_for_caller(
                current_user, form.full_name.data or "", form.phone.data or "",
                form.email.data or None, _draft(form), form.note.data or "")
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            return redirect(url_for("operators.hotline_mission", mission_id=mission.id))
    page = render_template("operators/hotline_new.html", form=form)
    return (page, 400) if form.errors else page


def _draft(form: HotlineForm) -> MissionDraft:
    assert form.chosen_place is not None  # validated: the geocoder gave the position
    return MissionDraft(
        category=form.category.data or "", title=form.title.data or "",
        description=form.description.data or "", **place_fields(form.chosen_place),
        starts_at=form.starts_at_utc(),
        ends_at=form.ends_at_utc(), price_cents=form.price_cents,
        matching_mode=MatchingMode(form.matching_mode.data or "operator"))


@routes.route("/hotline/<int:mission_id>", methods=["GET", "POST"])
@role_required("operator")
def hotline_mission(mission_id: int) -> str | Response | tuple[str, int]:
    mission = db.get_or_404(Mission, mission_id)
    form = CallLogForm()
    if form.validate_on_submit():
        try:
            hotline.log_call(current_user, mission.id, form.note.data or "", form.follow_up.data)
        except DomainError as exc:
            form.note.errors = [*form.note.errors, str(exc)]
        else:
            return redirect(url_for("operators.hotline_mission", mission_id=mission.id))
    payment = checkout.latest_payment(mission)
    page = render_template("operators/hotline_mission.html", mission=mission, form=form,
                           calls=hotline.call_log(mission.id), confirm=ConfirmForm(),
                           payment=payment)
    return (page, 400) if form.errors else page


@routes.route("/hotline/<int:mission_id>/payment-link", methods=["POST"])
@role_required("operator")
def payment_link(mission_id: int) -> Response:
    """Create (or reuse) the hosted checkout page; the operator reads or sends its URL."""
    mission = db.get_or_404(Mission, mission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = url_for("missions.detail", mission_id=mission.id, _external=True)
    checkout.checkout_url(mission, success_url=done + "?session_id={CHECKOUT_SESSION_ID}",
                          cancel_url=done)
    flash(_("Payment link ready: give it to the caller."), "success")
    return redirect(url_for("operators.hotline_mission", mission_id=mission.id))
