"""SetupIntents: save a card for later (off-session) payments, with Stripe's test cards.

``pm_card_visa`` succeeds (``setup_intent.succeeded``, the card is attached to the customer),
``pm_card_authenticationRequired`` / ``..OnSetup`` need 3-D Secure
(``setup_intent.requires_action``), a declining card fails (``setup_intent.setup_failed``,
402 ``card_error`` like Stripe).
"""

from __future__ import annotations

import copy
from typing import Any

from . import payments
from .cards import AUTHENTICATE, DECLINE, TestCard
from .errors import StripeError, unexpected_state
from .fixtures import fill, template
from .store import Ctx

CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


def create(ctx: Ctx, *, customer: str | None, payment_method: str | None,
           usage: str | None, description: str | None, metadata: dict[str, str],
           types: list[str] | None) -> dict[str, Any]:
    """A new SetupIntent (``setup_intent.created``)."""
    store = ctx.store
    si_id = store.new_id("seti")
    si = fill(template("setup_intent"), id=si_id, created=store.now(), customer=customer,
              payment_method=payment_method, usage=usage or "off_session",
              status="requires_confirmation" if payment_method else "requires_payment_method",
              client_secret=f"{si_id}_secret_{si_id[-12:]}", metadata=metadata,
              description=description, last_setup_error=None, next_action=None,
              latest_attempt=None, mandate=None, single_use_mandate=None,
              cancellation_reason=None, application=None, on_behalf_of=None,
              flow_directions=None, payment_method_configuration_details=None,
              automatic_payment_methods=None, payment_method_types=types or ["card"],
              payment_method_options={"card": {"mandate_options": None, "network": None,
                                               "request_three_d_secure": "automatic"}},
              excluded_payment_method_types=None, livemode=False)
    store.add(si, scope=ctx.account)
    ctx.emit("setup_intent.created", si)
    return si


def confirm(ctx: Ctx, si: dict[str, Any], pm: dict[str, Any],
            return_url: str | None = None) -> None:
    """Try the card; raises a 402 on decline (the SetupIntent already records it)."""
    if si["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state("setup_intent",
                               f"This SetupIntent's status is {si['status']}.", si)
    card = payments.card_of(ctx, pm)
    si.update(payment_method=pm["id"], last_setup_error=None)
    if card.outcome == AUTHENTICATE:
        si.update(status="requires_action", next_action={
            "type": "redirect_to_url", "redirect_to_url": {
                "return_url": return_url,
                "url": f"{ctx.base_url}/hosted/authenticate/{si['id']}"}})
        ctx.emit("setup_intent.requires_action", si)
        return
    _attempt(ctx, si, pm, card if card.outcome == DECLINE else None)


def authenticate(ctx: Ctx, si: dict[str, Any], success: bool) -> None:
    """Outcome of the hosted 3DS page: succeeded, or failed (``setup_intent.setup_failed``)."""
    if si["status"] != "requires_action":
        raise unexpected_state("setup_intent", "This SetupIntent is not awaiting action.")
    pm = ctx.store.require(si["payment_method"], "payment_method")
    _attempt(ctx, si, pm, None if success else payments.AUTH_FAILED)


def _attempt(ctx: Ctx, si: dict[str, Any], pm: dict[str, Any], card: TestCard | None) -> None:
    """Succeed, or record the decline of ``card`` and raise the 402."""
    if card is not None:
        error = {"code": card.code, "decline_code": card.decline_code,
                 "doc_url": f"https://stripe.com/docs/error-codes/"
                            f"{(card.code or '').replace('_', '-')}",
                 "message": card.message, "param": None,
                 "payment_method": copy.deepcopy(pm), "payment_method_type": "card",
                 "type": "card_error"}
        si.update(status="requires_payment_method", payment_method=None,
                  last_setup_error=error)
        ctx.emit("setup_intent.setup_failed", si)
        raise StripeError(card.message or "Your card was declined.", status=402,
                          type="card_error", code=card.code, decline_code=card.decline_code,
                          setup_intent=copy.deepcopy(si), payment_method=copy.deepcopy(pm))
    if si["customer"] and not pm.get("customer"):
        pm["customer"] = si["customer"]
    si.update(status="succeeded", next_action=None)
    ctx.emit("setup_intent.succeeded", si)


def cancel(ctx: Ctx, si: dict[str, Any], reason: str | None) -> None:
    """Cancel a SetupIntent that has not succeeded (``setup_intent.canceled``)."""
    if si["status"] not in CANCELABLE:
        raise unexpected_state(
            "setup_intent", f"You cannot cancel this SetupIntent because it has a status of "
            f"{si['status']}.", si)
    si.update(status="canceled", cancellation_reason=reason, next_action=None)
    ctx.emit("setup_intent.canceled", si)
