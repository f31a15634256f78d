"""Money-related mission actions: cancel (client under the policy, or helper: reopens it),
dispute after "done", and a lower final price proposed by the helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.forms import MoneyField, TextBlock
from marketplace.core.i18n import format_money
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.routing import Routes
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows.cancellation import CancellationTerms
from marketplace.missions.services import completion
from marketplace.payments.services import disputes

routes = Routes()
T = TypeVar("T")


class CancelForm(FlaskForm):
    reason = TextBlock(_l("Why do you cancel?"), validators=[
        DataRequired(_l("Please tell us why you cancel.")), Length(min=3, max=500)])


def _attempt(action: Callable[[], T], success: str | Callable[[T], str]) -> T | None:
    """Run a service call and flash what it did (`success`, or built from its result); its
    refusal becomes a flash message instead (missing objects stay 404)."""
    try:
        result = action()
    except NotFound:
        raise
    except DomainError as exc:
        db.session.rollback()  # a lost race leaves the transaction to us
        flash(str(exc), "error")
        return None
    flash(success(result) if callable(success) else success, "success")
    return result


def _reason_or_error(mission_id: int) -> str | None:
    form = CancelForm()
    if form.validate_on_submit():
        return form.reason.data or ""
    errors = [e for errs in form.errors.values() for e in errs]
    flash(errors[0] if errors else _("The form expired; please try again."), "error")
    return None


@routes.route("/missions/<int:mission_id>/cancel", methods=["POST"])
@login_required
def cancel(mission_id: int) -> Response:
    reason = _reason_or_error(mission_id)
    if reason is not None:
        _attempt(lambda: cancellation_flow.cancel_by_client(mission_id, current_user, reason),
                 _cancelled_message)
    return redirect(url_for("missions.detail", mission_id=mission_id))


def _cancelled_message(terms: CancellationTerms) -> str:
    if terms.free:
        return _("Mission cancelled. Nothing is charged; the card hold is released.")
    return _("Mission cancelled. A late-cancellation fee of %(fee)s is charged.",
             fee=format_money(terms.late_fee_cents))


@routes.route("/missions/<int:mission_id>/withdraw", methods=["POST"])
@login_required
def withdraw(mission_id: int) -> Response:
    reason = _reason_or_error(mission_id)
    if reason is not None and _attempt(
            lambda: cancellation_flow.cancel_by_helper(mission_id, current_user, reason),
            _("You gave the mission back; it is open to other helpers again.")) is not None:
        return redirect(url_for("missions.my_missions"))
    return redirect(url_for("missions.detail", mission_id=mission_id))


class DisputeForm(FlaskForm):
    problem = TextBlock(_l("What went wrong?"), validators=[
        DataRequired(_l("Please describe the problem.")), Length(min=3, max=500)])


@routes.route("/missions/<int:mission_id>/dispute", methods=["POST"])
@login_required
def dispute(mission_id: int) -> Response:
    """The client contests the work instead of confirming it; the payment stays on hold."""
    form = DisputeForm()
    if not form.validate_on_submit():
        flash(_("Please describe the problem."), "error")
    else:
        _attempt(lambda: disputes.open_by_client(mission_id, current_user,
                                                 form.problem.data or ""),
                 _("Dispute opened: nothing is charged until our team resolves it."))
    return redirect(url_for("missions.detail", mission_id=mission_id))


class FinalPriceForm(FlaskForm):
    final_price = MoneyField(_l("Final price (€)"), validators=[InputRequired(), Length(max=20)])

    final_cents: int = 0

    def validate_final_price(self, field: MoneyField) -> None:
        """The project's one money parser ran in the field: exact cents, sub-cent refused."""
        self.final_cents = field.cents or 0
        if self.final_cents <= 0:
            raise ValidationError(_l("The final price must be positive."))


@routes.route("/missions/<int:mission_id>/final-price", methods=["POST"])
@login_required
def propose_final_price(mission_id: int) -> Response:
    """The helper proposes a lower final price (a shorter job)."""
    form = FinalPriceForm()
    if not form.validate_on_submit():
        errors = form.final_price.errors or [_("Enter the final price in euros.")]
        flash(str(errors[0]), "error")
    else:
        _attempt(lambda: completion.propose_final_price(mission_id, current_user,
                                                        form.final_cents),
                 _("Proposal sent: the client will accept or decline it."))
    return redirect(url_for("missions.detail", mission_id=mission_id))


@routes.route("/missions/<int:mission_id>/final-price/<answer>", methods=["POST"])
@login_required
def answer_final_price(mission_id: int, answer: str) -> Response:
    if answer not in ("accept", "decline") or not FlaskForm().validate_on_submit():
        abort(400)
    _attempt(lambda: completion.answer_final_price(mission_id, current_user,
                                                   answer == "accept"),
             _("Final price accepted: only the new total will be charged.") if answer == "accept"
             else _("Proposal declined: the booked price stands."))
    return redirect(url_for("missions.detail", mission_id=mission_id))
