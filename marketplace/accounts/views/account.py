"""The /account page's actions: email and password, the confirmation link, RGPD."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from marketplace.accounts import confirmation, credentials, services, tokens
from marketplace.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    ResendConfirmationForm,
    SignOutEverywhereForm,
)
from marketplace.accounts.views.recovery import link_problem
from marketplace.core.base import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows import account_erasure, account_export

routes = Routes()


def _page(status: int = 200, **forms: object) -> tuple[str, int]:
    context = {"form": SignOutEverywhereForm(), "email_form": ChangeEmailForm(),
               "password_form": ChangePasswordForm(), "delete_form": DeleteAccountForm(),
               "resend_form": ResendConfirmationForm(), "still_open": [],
               "confirmed": confirmation.is_confirmed(current_user), **forms}
    return render_template("accounts/account.html", **context), status


@routes.route("/account")
@login_required
def account() -> tuple[str, int]:
    return _page()


@routes.route("/account/password", methods=["POST"])
@login_required
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            credentials.change_password(current_user, form.current.data or "",
                                        form.password.data or "")
        except DomainError as exc:
            form.current.errors = [str(exc)]
        else:
            login_user(current_user._get_current_object())  # this session: the new version
            flash(_("Your password is changed; your other sessions are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _page(400, password_form=form)


@routes.route("/account/email", methods=["POST"])
@login_required
def change_email() -> Response | tuple[str, int]:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            credentials.request_email_change(current_user, form.current.data or "",
                                             form.email.data or "")
        except credentials.WrongPassword as exc:
            form.current.errors = [str(exc)]
        except DomainError as exc:
            form.email.errors = [str(exc)]
        else:
            flash(_("We sent a link to %(email)s: your address changes when you open it.",
                    email=(form.email.data or "").strip().lower()), "info")
            return redirect(url_for("accounts.account"))
    return _page(400, email_form=form)


@routes.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str) -> str | Response | tuple[str, int]:
    # GET shows a button (mail scanners open links); the POST, CSRF-checked, applies it.
    form = ResendConfirmationForm()  # no field: the CSRF token alone
    try:
        if not form.validate_on_submit():
            _user, email = credentials.pending_change(token)
            page = render_template("accounts/email_change.html", form=form, email=email)
            return (page, 400) if request.method == "POST" else page
        credentials.apply_email_change(token)
    except tokens.InvalidLink as exc:
        return render_template("accounts/link_invalid.html", message=link_problem(exc),
                               again=url_for("accounts.account")), 400
    flash(_("Your email address is changed."), "success")
    return redirect(url_for("accounts.account"))


@routes.route("/account/confirm-email", methods=["POST"])
@login_required
def resend_own_confirmation() -> Response:
    services.resend_confirmation(current_user.id)
    flash(_("If your email still needs confirming, we have sent you a new link."), "info")
    return redirect(url_for("accounts.account"))


@routes.route("/account/export", methods=["POST"])
@login_required
def export_data() -> Response:
    form = SignOutEverywhereForm()  # no field: the CSRF token alone
    if not form.validate_on_submit():
        return redirect(url_for("accounts.account"))
    body = json.dumps(account_export.export_user_data(current_user), ensure_ascii=False,
                      indent=2, default=str)
    name = f"entraide-data-{current_user.id}-{utcnow():%Y%m%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@routes.route("/account/delete", methods=["POST"])
@login_required
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            account_erasure.delete_account(current_user, form.current.data or "")
        except credentials.WrongPassword as exc:
            form.current.errors = [str(exc)]
        except account_erasure.AccountStillInUse as exc:
            return _page(409, delete_form=form, still_open=[str(r) for r in exc.reasons])
        else:
            logout_user()
            flash(_("Your account is deleted. Thank you for having helped around you."), "info")
            return redirect(url_for("missions.home"))
    return _page(400, delete_form=form)
