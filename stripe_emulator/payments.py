"""PaymentIntent state machine: confirm (success / decline / 3DS), capture, cancel.

Shared by the REST API and the hosted Checkout page so both paths produce identical
objects and events.
"""

from __future__ import annotations

import copy
from typing import Any

from . import disputes, objects
from .cards import AUTHENTICATE, DECLINE, TEST_PAYMENT_METHODS, TestCard, lookup
from .errors import StripeError, invalid_param, no_such, unexpected_state
from .ledger import balance, balance_transaction, card_fee
from .store import Ctx

CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action", "processing")
AUTH_FAILED = TestCard(
    "0000000000000000", code="payment_intent_authentication_failure",
    message="We are unable to authenticate your payment method. Please choose a different "
    "payment method and try again.",
)


def card_of(ctx: Ctx, pm: dict[str, Any]) -> TestCard:
    """The test card behind a stored PaymentMethod."""
    card = lookup(ctx.store.meta[pm["id"]].get("number", ""))
    assert card is not None
    return card


def create_payment_method(
    ctx: Ctx, card: TestCard, exp_month: int = 12, exp_year: int = 2034,
    customer: str | None = None, name: str | None = None,
) -> dict[str, Any]:
    """Store a card PaymentMethod (the emulator keeps the number to replay its behaviour)."""
    store = ctx.store
    pm = objects.payment_method(
        store.new_id("pm"), store.now(), card, exp_month, exp_year, customer, name
    )
    return store.add(pm, scope=ctx.account, number=card.number)


def resolve_payment_method(ctx: Ctx, pm_id: str, customer: str | None) -> dict[str, Any]:
    """Accept Stripe's ``pm_card_*`` test ids or an existing ``pm_...`` id."""
    if pm_id in TEST_PAYMENT_METHODS:
        card = lookup(TEST_PAYMENT_METHODS[pm_id])
        assert card is not None
        return create_payment_method(ctx, card, customer=customer)
    pm = ctx.store.get(pm_id, "payment_method")
    if pm is None:
        raise no_such("PaymentMethod", pm_id, param="payment_method", status=400)
    return pm


def _error_object(
    card: TestCard, pm: dict[str, Any], charge_id: str | None
) -> dict[str, Any]:
    return {
        "advice_code": None, "charge": charge_id, "code": card.code,
        "decline_code": card.decline_code,
        "doc_url": f"https://stripe.com/docs/error-codes/{(card.code or '').replace('_', '-')}",
        "message": card.message, "network_advice_code": None, "network_decline_code": None,
        "param": None, "payment_method": copy.deepcopy(pm), "payment_method_type": "card",
        "type": "card_error",
    }


def confirm(ctx: Ctx, pi: dict[str, Any], pm: dict[str, Any], off_session: bool) -> None:
    """Attempt the payment; raises a 402 ``StripeError`` on decline (PI already updated)."""
    card = card_of(ctx, pm)
    pi["payment_method"] = pm["id"]
    pi["last_payment_error"] = None
    if card.outcome == AUTHENTICATE and off_session:
        card = TestCard(card.number, outcome=DECLINE, code="authentication_required",
                        decline_code="authentication_required",
                        message="Your card was declined. This transaction requires "
                        "authentication.")
    if card.outcome == AUTHENTICATE:
        pi["status"] = "requires_action"
        pi["next_action"] = {
            "type": "redirect_to_url",
            "redirect_to_url": {
                "return_url": None,
                "url": f"{ctx.base_url}/hosted/authenticate/{pi['id']}",
            },
        }
        ctx.emit("payment_intent.requires_action", pi)
        return
    charge = _new_charge(ctx, pi, pm, card)
    if card.outcome == DECLINE:
        fail(ctx, pi, pm, card, charge)
    _authorized(ctx, pi, charge)


def _new_charge(
    ctx: Ctx, pi: dict[str, Any], pm: dict[str, Any], card: TestCard
) -> dict[str, Any]:
    store = ctx.store
    charge = objects.charge(store.new_id("ch"), store.now(), pi, pm, card, ctx.base_url)
    store.add(charge, scope=ctx.account, transferred=0)
    pi["latest_charge"] = charge["id"]
    return charge


def fail(
    ctx: Ctx, pi: dict[str, Any], pm: dict[str, Any], card: TestCard,
    charge: dict[str, Any] | None,
) -> None:
    """Record a failed attempt and raise the 402 the SDK turns into ``CardError``."""
    charge_id = charge["id"] if charge is not None else None
    if charge is not None:
        objects.decline_charge(charge, card)
        ctx.emit("charge.failed", charge)
    pi.update(status="requires_payment_method", payment_method=None, next_action=None,
              last_payment_error=_error_object(card, pm, charge_id))
    ctx.emit("payment_intent.payment_failed", pi)
    raise StripeError(
        card.message or "Your card was declined.", status=402, type="card_error",
        code=card.code, decline_code=card.decline_code, charge=charge_id,
        payment_intent=copy.deepcopy(pi), payment_method=copy.deepcopy(pm),
    )


def _authorized(ctx: Ctx, pi: dict[str, Any], charge: dict[str, Any]) -> None:
    pi["next_action"] = None
    ctx.emit("charge.succeeded", charge)
    if pi["capture_method"] != "manual":
        _capture_charge(ctx, pi, charge, pi["amount"])
        pi.update(status="succeeded", amount_received=pi["amount"], amount_capturable=0)
        ctx.emit("payment_intent.succeeded", pi)
        _after_capture(ctx, charge)
    else:
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
        ctx.emit("payment_intent.amount_capturable_updated", pi)


def authenticate(ctx: Ctx, pi: dict[str, Any], success: bool) -> None:
    """Outcome of the hosted 3DS challenge page."""
    if pi["status"] != "requires_action":
        raise unexpected_state("payment_intent", "This PaymentIntent is not awaiting action.")
    pm = ctx.store.require(pi["payment_method"], "payment_method")
    card = card_of(ctx, pm)
    if not success:
        fail(ctx, pi, pm, AUTH_FAILED, None)
    charge = _new_charge(ctx, pi, pm, card)
    three_ds = {"authentication_flow": "challenge", "electronic_commerce_indicator": "05",
                "exemption_indicator": None, "result": "authenticated", "result_reason": None,
                "transaction_id": charge["id"][-20:], "version": "2.2.0"}
    charge["payment_method_details"]["card"]["three_d_secure"] = three_ds
    _authorized(ctx, pi, charge)


def _capture_charge(ctx: Ctx, pi: dict[str, Any], charge: dict[str, Any], amount: int) -> None:
    txn = balance_transaction(
        ctx, amount=amount, currency=charge["currency"], type_="charge",
        source=charge["id"], fee=card_fee(amount), description=charge["description"],
        scope=ctx.account,
    )
    released = charge["amount"] - amount
    ctx.store.meta[charge["id"]]["released"] = released
    charge.update(captured=True, amount_captured=amount, balance_transaction=txn["id"],
                  amount_refunded=released)


def capture(ctx: Ctx, pi: dict[str, Any], amount: int | None) -> None:
    """Capture an authorized PaymentIntent, possibly partially (the rest is released)."""
    if pi["status"] != "requires_capture":
        raise unexpected_state(
            "payment_intent",
            f"This PaymentIntent could not be captured because it has a status of "
            f"{pi['status']}. Only a PaymentIntent with one of the following statuses may "
            "be captured: requires_capture.", pi,
        )
    amount = pi["amount_capturable"] if amount is None else amount
    if amount > pi["amount_capturable"]:
        raise invalid_param(
            "amount_to_capture",
            "The amount to capture must be less than or equal to the amount capturable "
            f"({pi['amount_capturable']}).", code="amount_too_large",
        )
    charge = ctx.store.require(pi["latest_charge"], "charge")
    _capture_charge(ctx, pi, charge, amount)
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    ctx.emit("charge.captured", charge)
    ctx.emit("payment_intent.succeeded", pi)
    _after_capture(ctx, charge)


def _after_capture(ctx: Ctx, charge: dict[str, Any]) -> None:
    """The captured funds are available at once (the emulator has no pending period, as
    with ``pm_card_bypassPending``): ``balance.available``; a ``createDispute`` /
    ``createDisputeInquiry`` card then has its charge disputed."""
    ctx.emit("balance.available", balance(ctx.store, ctx.account))
    pm = ctx.store.get(charge["payment_method"] or "", "payment_method")
    card = lookup(ctx.store.meta[pm["id"]].get("number", "")) if pm else None
    if card is not None and card.dispute is not None:
        disputes.open_dispute(ctx, charge, "fraudulent", inquiry=card.dispute == "inquiry")


def cancel(ctx: Ctx, pi: dict[str, Any], reason: str | None) -> None:
    """Cancel a PaymentIntent that has not succeeded; an authorization is released."""
    if pi["status"] not in CANCELABLE:
        raise unexpected_state(
            "payment_intent",
            f"You cannot cancel this PaymentIntent because it has a status of "
            f"{pi['status']}. Only a PaymentIntent with one of the following statuses may "
            f"be canceled: {', '.join(CANCELABLE)}.", pi,
        )
    if pi["status"] == "requires_capture" and pi["latest_charge"]:
        charge = ctx.store.require(pi["latest_charge"], "charge")
        ctx.store.meta[charge["id"]]["released"] = charge["amount"]
        charge.update(amount_refunded=charge["amount"], refunded=True)
        ctx.emit("charge.refunded", charge)
    pi.update(status="canceled", canceled_at=ctx.store.now(), cancellation_reason=reason,
              amount_capturable=0, next_action=None)
    ctx.emit("payment_intent.canceled", pi)
