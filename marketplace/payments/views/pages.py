"""Helper payout setup and history, and the Stripe webhook endpoint."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import User
from marketplace.core.auth import role_required
from marketplace.core.routing import Routes
from marketplace.extensions import csrf
from marketplace.missions.forms import ConfirmForm
from marketplace.payments import webhooks
from marketplace.payments.services import bank_payouts, onboarding, reports

routes = Routes()


@routes.route("/helper/payouts/setup")
@role_required("helper")
def payout_settings() -> str:
    return render_template("payments/payout_settings.html",
                           profile=current_user.helper_profile, form=ConfirmForm())


@routes.route("/helper/payouts/setup/start", methods=["POST"])
@role_required("helper")
def start_onboarding() -> Response:
    """Our button (CSRF-checked): create the Express account once, then off to Stripe."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _to_stripe(onboarding.onboarding_link)


@routes.route("/helper/payouts/setup/refresh")
@role_required("helper")
def onboarding_refresh() -> Response:
    """Stripe's refresh_url, a browser redirect (so a GET, with no CSRF token): it only mints
    a new link for the account that exists; without one, the page with our POST button."""
    profile = current_user.helper_profile
    if profile is None or profile.stripe_account_id is None:
        return redirect(url_for("payments.payout_settings"))
    return _to_stripe(onboarding.onboarding_link)


@routes.route("/helper/payouts/bank", methods=["POST"])
@role_required("helper")
def bank_details() -> Response:
    """The helper's button next to a failed bank payout: off to Stripe to fix the account."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _to_stripe(onboarding.bank_details_link)


def _to_stripe(link_for: Callable[[User, str, str], str]) -> Response:
    """Send the helper to a Stripe-hosted page; Stripe sends them back to our two URLs."""
    if current_user.helper_profile is None:
        flash(_("Tell us your skills and where you live first."), "info")
        return redirect(url_for("accounts.helper_profile"))
    url = link_for(current_user,
                   url_for("payments.onboarding_refresh", _external=True),
                   url_for("payments.onboarding_return", _external=True))
    return redirect(url, code=303)


@routes.route("/helper/payouts/setup/return")
@role_required("helper")
def onboarding_return() -> Response:
    profile = onboarding.refresh_account(current_user)
    if profile is not None and profile.payouts_enabled:
        flash(_("Your payout account is ready: you can accept paid missions."), "success")
    else:
        flash(_("Stripe still needs some information before you can be paid."), "warning")
    return redirect(url_for("payments.payout_settings"))


@routes.route("/helper/payouts")
@role_required("helper")
def my_payouts() -> str:
    return render_template("payments/payouts.html",
                           rows=reports.payouts_of_helper(current_user.id),
                           bank_rows=bank_payouts.bank_payouts_of_helper(current_user.id),
                           form=ConfirmForm())


@routes.route("/stripe/webhook", methods=["POST"])
@csrf.exempt
def stripe_webhook() -> tuple[Response, int]:
    try:
        event, created = webhooks.receive(request.get_data(),
                                          request.headers.get("Stripe-Signature"))
    except webhooks.BadSignature as exc:
        return jsonify(error="invalid_signature", message=str(exc)), 400
    except webhooks.MalformedEvent as exc:  # signed, but no handler could read it
        return jsonify(error="malformed_event", message=str(exc)), 400
    return jsonify(received=True, duplicate=not created,
                   id=event.event_id if event else None), 200
