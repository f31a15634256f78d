"""Cancelling a mission: the client (under the policy) or the assigned helper (reopens it)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.core.errors import DomainError, NotFound
from marketplace.core.money import format_cents
from marketplace.missions import cancellation

bp = Blueprint("cancellations", __name__)


class CancelForm(FlaskForm):
    reason = TextAreaField("Why do you cancel?", validators=[
        DataRequired("Please tell us why you cancel."), Length(min=3, max=500)])


def _reason_or_error(mission_id: int) -> str | None:
    form = CancelForm()
    if form.validate_on_submit():
        return form.reason.data or ""
    errors = [e for errs in form.errors.values() for e in errs]
    flash(errors[0] if errors else "The form expired; please try again.", "error")
    return None


@bp.route("/missions/<int:mission_id>/cancel", methods=["POST"])
@login_required
def cancel(mission_id: int) -> Response:
    reason = _reason_or_error(mission_id)
    if reason is not None:
        try:
            terms = cancellation.cancel_by_client(mission_id, current_user, reason)
        except NotFound:
            raise
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash("Mission cancelled. " + ("Nothing is charged; the card hold is released."
                  if terms.free else f"A late-cancellation fee of "
                  f"{format_cents(terms.late_fee_cents)} is charged."), "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))


@bp.route("/missions/<int:mission_id>/withdraw", methods=["POST"])
@login_required
def withdraw(mission_id: int) -> Response:
    reason = _reason_or_error(mission_id)
    if reason is not None:
        try:
            cancellation.cancel_by_helper(mission_id, current_user, reason)
        except NotFound:
            raise
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash("You gave the mission back; it is open to other helpers again.", "success")
            return redirect(url_for("missions.my_missions"))
    return redirect(url_for("missions.detail", mission_id=mission_id))


class DisputeForm(FlaskForm):
    problem = TextAreaField("What went wrong?", validators=[
        DataRequired("Please describe the problem."), Length(min=3, max=500)])


@bp.route("/missions/<int:mission_id>/dispute", methods=["POST"])
@login_required
def dispute(mission_id: int) -> Response:
    """The client contests the work instead of confirming it; the payment stays on hold."""
    from marketplace.payments import disputes

    form = DisputeForm()
    if not form.validate_on_submit():
        flash("Please describe the problem.", "error")
        return redirect(url_for("missions.detail", mission_id=mission_id))
    try:
        disputes.open_by_client(mission_id, current_user, form.problem.data or "")
    except NotFound:
        raise
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash("Dispute opened: nothing is charged until our team resolves it.", "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))
