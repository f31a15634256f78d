"""Sign-up, sign-in, sign-out and the helper profile."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from marketplace.accounts import services, sessions
from marketplace.accounts.forms import (
    HelperProfileForm,
    LoginForm,
    SignOutEverywhereForm,
    SignupForm,
)
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.core.safety import is_safe_next
from marketplace.extensions import limiter

routes = Routes()


def _signup_limit() -> str:
    return str(current_app.config["SIGNUP_RATE_LIMIT"])


@routes.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> str | Response:
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.email.data or "", form.password.data or "", form.full_name.data or "",
                client=form.as_client.data, helper=form.as_helper.data, phone=form.phone.data)
        except DomainError as exc:
            form.email.errors.append(str(exc))
        else:
            login_user(user)
            flash("Welcome to Entraide!", "success")
            if user.is_helper:
                return redirect(url_for("accounts.helper_profile"))
            return redirect(url_for("missions.new_mission"))
    return render_template("accounts/signup.html", form=form)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@routes.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except DomainError as exc:  # the account is locked for a while
            form.password.errors.append(str(exc))
            return render_template("accounts/login.html", form=form)
        if user is None or not user.is_active:
            form.password.errors.append("Wrong email or password.")
        else:
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("missions.home"))
    return render_template("accounts/login.html", form=form)


@routes.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    sessions.end_all_sessions(current_user)  # a copied cookie must not outlive the sign-out
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("missions.home"))


@routes.route("/account")
@login_required
def account() -> str:
    return render_template("accounts/account.html", form=SignOutEverywhereForm())


@routes.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> Response:
    # CSRFProtect has refused the POST (400) unless it carried the form's token.
    sessions.end_all_sessions(current_user)
    logout_user()
    flash("You are signed out on every browser and device.", "info")
    return redirect(url_for("accounts.login"))


@routes.route("/helper/profile", methods=["GET", "POST"])
@login_required
def helper_profile() -> str | Response:
    profile = current_user.helper_profile
    form = HelperProfileForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.skills.data = profile.skill_slugs
    if form.validate_on_submit():
        try:
            services.save_helper_profile(
                current_user, lat=float(form.lat.data), lng=float(form.lng.data),
                radius_km=float(form.radius_km.data), skills=form.skills.data or [],
                bio=form.bio.data or None)
        except DomainError as exc:
            form.skills.errors.append(str(exc))
        else:
            flash("Your helper profile is saved.", "success")
            return redirect(url_for("payments.payout_settings"))
    return render_template("accounts/helper_profile.html", form=form, profile=profile)

