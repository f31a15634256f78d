"""Pages a phone caller opens from their payment link: no account, the token is the key."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user
from werkzeug.wrappers import Response

from marketplace.accounts import claim, confirmation
from marketplace.accounts.models import User
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.missions.forms import ConfirmForm
from marketplace.operators.hotline_forms import ClaimForm
from marketplace.payments.services import payment_links
from marketplace.payments.services.payment_links import LinkGone

routes = Routes()


def _gone(exc: LinkGone) -> tuple[str, int]:
    return render_template("payments/pay_gone.html", message=str(exc),
                           phone=payment_links.hotline_phone()), 410


@routes.route("/pay/<token>", methods=["GET", "POST"])
def guest_pay(token: str) -> str | Response | tuple[str, int]:
    """The mission, its date, its commune and its amount; the button goes to Stripe."""
    try:
        if request.method == "POST":
            if not ConfirmForm().validate_on_submit():
                abort(400)
            done = url_for("payments.guest_done", token=token, _external=True)
            url = payment_links.checkout_for(
                token, success_url=done + "?session_id={CHECKOUT_SESSION_ID}",
                cancel_url=url_for("payments.guest_pay", token=token, _external=True))
            return redirect(url, code=303)
        link = payment_links.usable(token)
    except LinkGone as exc:
        return _gone(exc)
    return render_template("payments/pay.html", link=link, mission=link.mission,
                           commune=payment_links.commune(link.mission), form=ConfirmForm(),
                           phone=payment_links.hotline_phone())


@routes.route("/pay/<token>/done")
def guest_done(token: str) -> str | tuple[str, int]:
    """Back from the hosted page: what our database says (the webhook may come later)."""
    try:
        link, payment = payment_links.come_back(token, request.args.get("session_id", ""))
    except LinkGone as exc:
        return _gone(exc)
    return render_template("payments/pay_done.html", link=link, mission=link.mission,
                           payment=payment, paid=link.status.value == "paid",
                           phone=payment_links.hotline_phone())


@routes.route("/pay/claim/<token>", methods=["GET", "POST"])
def guest_claim(token: str) -> str | Response | tuple[str, int]:
    """The caller chooses a password (and an email, if they booked without one)."""
    try:
        user = claim.user_for_token(token)
    except DomainError as exc:
        return _gone(LinkGone(str(exc)))
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            user = claim.claim(token, form.password.data or "", form.email.data or None)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            return _claimed(user)
    page = render_template("payments/claim.html", form=form, user=user,
                           needs_email=claim.needs_email(user))
    return (page, 400) if form.errors else page


def _claimed(user: User) -> Response:
    """Signed in at once when the link came to their mailbox; a new address confirms first."""
    if not confirmation.is_confirmed(user):
        flash(_("Almost done: we sent a link to %(email)s. Open it to confirm the address, "
                "then sign in with your new password.", email=user.email), "success")
        return redirect(url_for("accounts.login"))
    login_user(user)
    flash(_("Your account is ready: you can follow your missions here."), "success")
    return redirect(url_for("missions.my_missions"))
