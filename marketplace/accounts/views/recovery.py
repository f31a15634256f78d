"""Forgot password: the request form and the page an emailed reset link opens."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from marketplace.accounts import recovery, services, tokens
from marketplace.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from marketplace.core.routing import Routes
from marketplace.extensions import limiter

routes = Routes()


def _reset_limit() -> str:
    return str(current_app.config["PASSWORD_RESET_RATE_LIMIT"])


def link_problem(exc: tokens.InvalidLink) -> str:
    """What a person reads about a link that does not work (translated here, in a request)."""
    if exc.reason == "expired":
        return _("This link has expired. Ask for a new one.")
    if exc.reason == "used":
        return _("This link was used already or is no longer valid. Ask for a new one.")
    return _("This link is not valid. Ask for a new one.")


@routes.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password() -> str | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset(services.find_user_by_email(form.email.data or ""))
        # the same page whether or not the address has an account
        return render_template("accounts/forgot_sent.html")
    page = render_template("accounts/forgot_password.html", form=form)
    return (page, 400) if request.method == "POST" else page


@routes.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    # GET only shows the form (mail scanners open links); the POST sets the password.
    form = ResetPasswordForm()
    try:
        if not form.validate_on_submit():
            recovery.user_for_token(token)
            page = render_template("accounts/reset_password.html", form=form, token=token)
            return (page, 400) if request.method == "POST" else page
        user = recovery.reset_password(token, form.password.data or "")
    except tokens.InvalidLink as exc:
        return render_template("accounts/link_invalid.html", message=link_problem(exc),
                               again=url_for("accounts.forgot_password")), 400
    login_user(user)
    flash(_("Your new password is set; every other session is signed out."), "success")
    return redirect(url_for("missions.home"))
