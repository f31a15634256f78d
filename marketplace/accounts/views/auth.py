"""Sign-up, sign-in, sign-out and the helper profile."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from marketplace.accounts import confirmation, services, sessions
from marketplace.accounts.forms import (
    ConfirmEmailForm,
    HelperProfileForm,
    LoginForm,
    ResendConfirmationForm,
    SignOutEverywhereForm,
    SignupForm,
)
from marketplace.accounts.models import HelperProfile, User
from marketplace.core.errors import DomainError
from marketplace.core.i18n import current_locale
from marketplace.core.routing import Routes
from marketplace.core.safety import is_safe_next
from marketplace.extensions import limiter
from marketplace.places import Place
from marketplace.places import services as places

routes = Routes()


def _signup_limit() -> str:
    return str(current_app.config["SIGNUP_RATE_LIMIT"])


@routes.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup() -> str | Response:
    form = SignupForm()
    if form.validate_on_submit():
        try:
            services.sign_up(
                form.email.data or "", form.password.data or "", form.full_name.data or "",
                client=form.as_client.data, helper=form.as_helper.data, phone=form.phone.data,
                locale=current_locale())
        except DomainError as exc:
            form.email.errors.append(str(exc))
        else:  # the same page whether or not the email had an account: it tells nothing
            return render_template("accounts/check_email.html",
                                   message=services.CHECK_YOUR_EMAIL)
    return render_template("accounts/signup.html", form=form)


def _invalid_link(exc: confirmation.InvalidConfirmationLink) -> tuple[str, int]:
    return render_template("accounts/confirm_invalid.html", message=str(exc)), 400


def _after_signup(user: User) -> Response:
    """Where a new account goes first: its helper profile, or its first mission."""
    if user.is_helper:
        return redirect(url_for("accounts.helper_profile"))
    return redirect(url_for("missions.new_mission"))


@routes.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str) -> str | Response | tuple[str, int]:
    # GET only shows the form (mail scanners open links); the POST, CSRF-checked, with the
    # password chosen at sign-up, confirms.
    form = ConfirmEmailForm()
    try:
        if not form.validate_on_submit():
            confirmation.user_for_token(token)
            page = render_template("accounts/confirm_email.html", form=form, token=token)
            return (page, 400) if request.method == "POST" else page
        user = confirmation.confirm_email(token, form.password.data or "")
    except confirmation.InvalidConfirmationLink as exc:
        if exc.args and exc.args[0] == confirmation.MISMATCH:
            form.password.errors = [str(exc)]
            return render_template("accounts/confirm_email.html", form=form, token=token), 400
        return _invalid_link(exc)
    session.pop(_PENDING, None)
    login_user(user)
    flash(_("Your email is confirmed. Welcome to Entraide!"), "success")
    return _after_signup(user)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _resend_limit() -> str:
    return str(current_app.config["CONFIRM_RESEND_RATE_LIMIT"])


# The account whose right password was given while its email is unconfirmed: "send it
# again" sends the link to that account only (the session cookie is signed).
_PENDING = "confirm_pending_user"


@routes.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data or "", form.password.data or "")
        except confirmation.EmailNotConfirmed as exc:  # not signed in until confirmed
            session[_PENDING] = exc.user_id
            return render_template("accounts/login.html", form=form, unconfirmed=str(exc),
                                   resend_form=ResendConfirmationForm())
        except DomainError as exc:  # the account is locked for a while
            form.password.errors.append(str(exc))
            return render_template("accounts/login.html", form=form)
        if user is None or not user.is_active:
            form.password.errors.append(_("Wrong email or password."))
        else:
            session.pop(_PENDING, None)
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("missions.home"))
    return render_template("accounts/login.html", form=form)


@routes.route("/login/confirm-again", methods=["POST"])
@limiter.limit(_resend_limit)
def resend_confirmation() -> Response:
    user_id = session.get(_PENDING)
    if type(user_id) is int:
        services.resend_confirmation(user_id)
    flash(_("If your email still needs confirming, we have sent you a new link."), "info")
    return redirect(url_for("accounts.login"))


@routes.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    sessions.end_all_sessions(current_user)  # a copied cookie must not outlive the sign-out
    logout_user()
    flash(_("You are signed out."), "info")
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
    flash(_("You are signed out on every browser and device."), "info")
    return redirect(url_for("missions.home"))


@routes.route("/helper/profile", methods=["GET", "POST"])
@login_required
def helper_profile() -> str | Response:
    profile = current_user.helper_profile
    form = HelperProfileForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.skills.data = profile.skill_slugs
        form.address.data, form.place.data = _home_of(profile)
    if form.validate_on_submit() and form.chosen_place is not None:
        try:
            services.save_helper_profile(
                current_user, home=form.chosen_place,
                radius_km=float(form.radius_km.data), skills=form.skills.data or [],
                bio=form.bio.data or None)
        except DomainError as exc:
            form.skills.errors.append(str(exc))
        else:
            flash(_("Your helper profile is saved."), "success")
            return redirect(url_for("payments.payout_settings"))
    return render_template("accounts/helper_profile.html", form=form, profile=profile)



def _home_of(profile: HelperProfile) -> tuple[str, str]:
    """The saved home as the form shows it: its label and a token for the same place."""
    if not profile.home_label:
        return "", ""  # a profile saved with a bare position: the helper types the address
    home = Place(id=f"home:{profile.id}", label=profile.home_label, housenumber=None,
                 street=None, postcode=profile.home_postcode, citycode=profile.home_citycode,
                 city=profile.home_city, context=None, kind="housenumber", lat=profile.lat,
                 lon=profile.lng)
    return profile.home_label, places.sign(home)
