"""Hosted pages: Express onboarding, Checkout payment form, 3DS challenge.

They stand in for ``connect.stripe.com`` / ``checkout.stripe.com``: the app redirects the
browser here and gets the user back through ``return_url`` / ``success_url`` exactly as
with real Stripe, and the state changes emit the same webhooks.
"""

from __future__ import annotations

from typing import Any

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from . import checkout, objects, pages, payments, setup_intents
from .cards import lookup
from .errors import StripeError
from .store import Ctx

CHECKOUT_SESSION_ID = "{CHECKOUT_SESSION_ID}"


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/html")


def _see_other(url: str) -> Response:
    return redirect(url, code=303)


# -- onboarding ----------------------------------------------------------------------
def onboarding(ctx: Ctx, request: Request, token: str) -> Response:
    """GET renders the form (consuming the link); POST completes onboarding."""
    store = ctx.store
    link = store.links.get(token)
    if link is None or link.get("kind") == "express_dashboard":
        return _html(pages.message("Link not found", "This onboarding link is invalid."), 404)
    expired = store.now() >= link["expires_at"]
    if request.method == "GET":
        if expired or link["state"] != "new":
            return _see_other(link["refresh_url"])
        link["state"] = "visited"
        account = store.require(link["account"], "account")
        return _html(pages.onboarding(token, account))
    if link["state"] == "completed" or (expired and link["state"] == "new"):
        return _see_other(link["refresh_url"])
    account = store.require(link["account"], "account")
    if request.form.get("tos") != "accepted":
        link["state"] = "completed"
        return _see_other(link["refresh_url"])
    objects.complete_onboarding(account, store.now(), request.remote_addr or "127.0.0.1")
    if account["email"] is None and request.form.get("email"):
        account["email"] = request.form["email"]
    link["state"] = "completed"
    ctx.emit("account.updated", account)
    return _see_other(link["return_url"])


# -- Express Dashboard (login links) -------------------------------------------------
def express_dashboard(ctx: Ctx, request: Request, token: str) -> Response:
    """GET shows the account's bank account with a form (consuming the link); POST saves a
    new IBAN (the emulator keeps it privately: its accounts list no external accounts)."""
    store = ctx.store
    link = store.links.get(token)
    if link is None or link.get("kind") != "express_dashboard":
        return _html(pages.message("Link not found", "This login link is invalid."), 404)
    account = store.require(link["account"], "account")
    if request.method == "GET":
        if store.now() >= link["expires_at"] or link["state"] != "new":
            return _html(pages.message("Link expired", "This login link was already used or "
                                       "has expired: ask for a new one."), 410)
        link["state"] = "visited"
        return _html(pages.express_dashboard(token, account, _iban(store, account)))
    if link["state"] != "visited":
        return _html(pages.message("Link expired", "Ask for a new login link."), 410)
    iban = "".join((request.form.get("iban") or "").split()).upper()
    if len(iban) < 15 or not iban[:2].isalpha() or not iban[2:].isalnum():
        return _html(pages.express_dashboard(token, account, _iban(store, account),
                                             error="Enter a valid IBAN."), 400)
    store.meta[account["id"]]["iban"] = iban
    link["state"] = "completed"
    ctx.emit("account.updated", account)  # as the onboarding page does
    return _html(pages.message("Bank details updated",
                               f"Payouts now go to the account ending in {iban[-4:]}. "
                               "You can close this page."))


def _iban(store: Any, account: dict[str, Any]) -> str:
    return str(store.meta[account["id"]].get("iban") or "FR1420041010050500013M02606")


# -- checkout ------------------------------------------------------------------------
def _success_url(session: dict[str, Any]) -> str:
    return session["success_url"].replace(CHECKOUT_SESSION_ID, session["id"])


def _checkout_page(ctx: Ctx, session: dict[str, Any], error: str | None = None,
                   status: int = 200) -> Response:
    meta = ctx.store.meta[session["id"]]
    manual = (meta["pi_data"].get("capture_method") or "automatic") == "manual"
    return _html(pages.checkout(session, meta["line_items"], error, manual), status)


def _parse_expiry(raw: str) -> tuple[int, int] | None:
    digits = [part.strip() for part in raw.replace("-", "/").split("/")]
    if len(digits) != 2 or not all(d.isdigit() for d in digits):
        return None
    month, year = int(digits[0]), int(digits[1])
    year = year + 2000 if year < 100 else year
    return (month, year) if 1 <= month <= 12 else None


def checkout_page(ctx: Ctx, request: Request, cs_id: str) -> Response:
    """GET shows the payment form; POST pays with the submitted test card."""
    session = ctx.store.get(cs_id, "checkout.session")
    if session is None:
        return _html(pages.message("Not found", "Unknown Checkout Session."), 404)
    if session["status"] == "complete":
        return _see_other(_success_url(session))
    if session["status"] != "open":
        return _html(pages.message("Session expired", "This Checkout Session has expired."),
                     410)
    if request.method == "GET":
        return _checkout_page(ctx, session)
    card = lookup(request.form.get("card_number", ""))
    expiry = _parse_expiry(request.form.get("exp", ""))
    cvc = request.form.get("cvc", "").strip()
    if card is None:
        return _checkout_page(ctx, session, "Your card number is incorrect.", 402)
    if expiry is None:
        return _checkout_page(ctx, session, "Your card's expiration date is invalid.", 400)
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        return _checkout_page(ctx, session, "Your card's security code is invalid.", 400)
    try:
        pi = checkout.pay(ctx, session, card, expiry[0], expiry[1],
                          request.form.get("name") or None, request.form.get("email") or None)
    except StripeError as exc:
        return _checkout_page(ctx, session, exc.message, exc.status)
    if pi["status"] == "requires_action":
        return _html(pages.authenticate(pi))
    return _see_other(_success_url(session))


# -- 3D Secure -----------------------------------------------------------------------
def authenticate_page(ctx: Ctx, request: Request, pi_id: str) -> Response:
    """3DS challenge for a PaymentIntent (or a SetupIntent) in ``requires_action``."""
    store = ctx.store
    if pi_id.startswith("seti_"):
        return _authenticate_setup(ctx, request, pi_id)
    pi = store.get(pi_id, "payment_intent")
    if pi is None:
        return _html(pages.message("Not found", "Unknown PaymentIntent."), 404)
    session_id = store.meta[pi_id].get("session")
    session = store.get(session_id, "checkout.session") if session_id else None
    if pi["status"] != "requires_action":
        return _html(pages.message("Nothing to authenticate",
                                   f"This payment's status is {pi['status']}."), 409)
    if request.method == "GET":
        return _html(pages.authenticate(pi))
    success = request.form.get("action") == "complete"
    return_url = ((pi["next_action"] or {}).get("redirect_to_url") or {}).get("return_url")
    try:
        payments.authenticate(ctx, pi, success)
    except StripeError as exc:
        if session is not None:
            return _checkout_page(ctx, session, exc.message, exc.status)
        return _html(pages.message("Authentication failed", exc.message), exc.status)
    if session is not None:
        checkout.complete(ctx, session, pi)
        return _see_other(_success_url(session))
    if return_url:
        return _see_other(return_url)
    return _html(pages.message("Authentication complete", "You can close this page."))


def _authenticate_setup(ctx: Ctx, request: Request, si_id: str) -> Response:
    si = ctx.store.get(si_id, "setup_intent")
    if si is None:
        return _html(pages.message("Not found", "Unknown SetupIntent."), 404)
    if si["status"] != "requires_action":
        return _html(pages.message("Nothing to authenticate",
                                   f"This SetupIntent's status is {si['status']}."), 409)
    if request.method == "GET":
        return _html(pages.authenticate(si))
    return_url = ((si["next_action"] or {}).get("redirect_to_url") or {}).get("return_url")
    try:
        setup_intents.authenticate(ctx, si, request.form.get("action") == "complete")
    except StripeError as exc:
        return _html(pages.message("Authentication failed", exc.message), exc.status)
    if return_url:
        return _see_other(return_url)
    return _html(pages.message("Authentication complete", "You can close this page."))
