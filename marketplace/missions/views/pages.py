"""Mission pages: thin wrappers that validate, call one service and render."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts import services as accounts
from marketplace.core import pagination
from marketplace.core.auth import role_required
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows import booking, mission_page
from marketplace.flows import completion as completion_flow
from marketplace.missions.errors import MissionTakenError
from marketplace.missions.forms import ApplyForm, ConfirmForm, MissionForm
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import nearby
from marketplace.missions.services import missions as services
from marketplace.missions.services.missions import MissionDraft
from marketplace.missions.views.detail import detail_context
from marketplace.missions.views.near_rows import near_rows
from marketplace.payments.services import checkout, fee_rules
from marketplace.places import services as places

routes = Routes()
_SESSION_ID_RE = re.compile(r"cs_[A-Za-z0-9_]{1,250}")  # Stripe's shape: anything else is 404


@routes.route("/")
def home() -> str:
    return render_template("missions/home.html")


@routes.route("/missions")
@login_required
def my_missions() -> str:
    """Each list is paged on its own (?posted=, ?taken= the id its next page starts after)."""
    posted = services.missions_of_client(current_user, pagination.start_arg("posted"))
    taken = services.missions_of_helper(current_user, pagination.start_arg("taken"))
    return render_template("missions/mine.html", as_client=posted.items,
                           as_helper=taken.items, pages={"posted": posted, "taken": taken})


@routes.route("/missions/new", methods=["GET", "POST"])
@login_required
def new_mission() -> str | Response | tuple[str, int]:
    form = MissionForm()
    if form.validate_on_submit() and form.chosen_place is not None:
        draft = MissionDraft(
            category=form.category.data or "", title=form.title.data or "",
            description=form.description.data or "", **services.place_fields(form.chosen_place),
            starts_at=form.starts_at_utc(), ends_at=form.ends_at_utc(),
            price_cents=form.price_cents,
            matching_mode=MatchingMode(form.matching_mode.data or "instant"))
        try:
            mission = booking.post_mission(current_user, draft)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            if mission.price_cents == 0:  # free help: nothing to pay, already open
                return redirect(url_for("missions.detail", mission_id=mission.id))
            return redirect(url_for("missions.pay", mission_id=mission.id), code=307)
    return render_template("missions/new.html", form=form,
                           fee_schedule=fee_rules.service_fee_schedule("web")), (
        400 if form.errors else 200)


@routes.route("/missions/<int:mission_id>")
@login_required
def detail(mission_id: int) -> str:
    page = mission_page.load(current_user, mission_id)
    return render_template("missions/detail.html", mission=page.mission, form=ConfirmForm(),
                           **detail_context(page, current_user))


@routes.route("/missions/<int:mission_id>/pay", methods=["POST"])
@login_required
def pay(mission_id: int) -> Response:
    """Send the client to the hosted checkout page to authorize the card."""
    mission = services.get_visible_mission(current_user, mission_id)
    if mission.client_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    url = checkout.checkout_url(
        mission,
        success_url=url_for("missions.checkout_return", mission_id=mission.id, _external=True)
        + "?session_id={CHECKOUT_SESSION_ID}",
        cancel_url=url_for("missions.detail", mission_id=mission.id, _external=True))
    return redirect(url, code=303)


@routes.route("/missions/<int:mission_id>/checkout/return")
@login_required
def checkout_return(mission_id: int) -> Response:
    mission = services.get_visible_mission(current_user, mission_id)
    session_id = request.args.get("session_id", "")
    payment = (checkout.sync_checkout_session(session_id)
               if _SESSION_ID_RE.fullmatch(session_id) else None)
    if payment is None or payment.mission_id != mission.id or mission.client_id != current_user.id:
        abort(404)
    flash(checkout.return_message(payment), "success")
    return redirect(url_for("missions.detail", mission_id=mission.id))


@routes.route("/helper/missions")
@role_required("helper")
def near_me() -> str | Response:
    profile = accounts.helper_profile_of(current_user)
    if profile is None:
        flash(_("Tell us your skills and where you live first."), "info")
        return redirect(url_for("accounts.helper_profile"))
    cards = nearby.open_mission_cards(profile)
    # Open missions: helpers see the commune and a rounded distance, never the street.
    areas = {c.id: places.commune_of(c.city, c.lat, c.lng) for c in cards}
    rows = near_rows(cards, areas, payouts_enabled=profile.payouts_enabled)
    return render_template("missions/near_me.html", profile=profile, rows=rows,
                           form=ConfirmForm(), apply_form=ApplyForm())


def _action(service_call: Callable[..., object], mission_id: int, message: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service_call(mission_id, current_user)
    flash(message, "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))


@routes.route("/missions/<int:mission_id>/accept", methods=["POST"])
@role_required("helper")
def accept(mission_id: int) -> Response | tuple[str, int]:
    try:
        return _action(booking.accept_mission, mission_id,
                       _("The mission is yours. Contact the client."))
    except MissionTakenError:
        db.session.rollback()
        return render_template("missions/taken.html"), 409


@routes.route("/missions/<int:mission_id>/done", methods=["POST"])
@role_required("helper")
def done(mission_id: int) -> Response:
    return _action(services.mark_done, mission_id, _("Marked as done; the client will confirm."))


@routes.route("/missions/<int:mission_id>/confirm", methods=["POST"])
@login_required
def confirm(mission_id: int) -> Response:
    return _action(completion_flow.confirm_completion, mission_id,
                   _("Thank you! The payment is captured and the helper will be paid."))

