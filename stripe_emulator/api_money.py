"""REST handlers for transfers, reversals, refunds, balance, balance transactions, events."""

from __future__ import annotations

from typing import Any

from . import ledger
from .api import _filtered, paginate
from .errors import StripeError, invalid_param, missing_param
from .params import get_currency, get_int, get_metadata, get_str
from .store import Ctx

NOT_ONBOARDED = (
    "Your destination account needs to have at least one of the following capabilities "
    "enabled: transfers, crypto_transfers, legacy_payments"
)


# -- transfers -----------------------------------------------------------------------
def create_transfer(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/transfers: onboarded destination, bounded by the source charge."""
    p = ctx.params
    store = ctx.store
    amount = get_int(p, "amount", required=True)
    assert amount is not None
    currency = get_currency(p)
    destination = get_str(p, "destination", required=True)
    acct = store.require(destination, "account", param="destination", status=400)
    if acct["type"] != "standard" and not (acct["payouts_enabled"] or
                                           acct["capabilities"].get("transfers") == "active"):
        raise StripeError(NOT_ONBOARDED, code="insufficient_capabilities_for_transfer",
                          param="destination")
    source = get_str(p, "source_transaction")
    if source is not None:
        charge = store.require(source, "charge", param="source_transaction", status=400)
        if not charge["captured"]:
            raise invalid_param("source_transaction",
                                f"The charge {source} has not been captured.")
        if charge["currency"] != currency:
            raise invalid_param("currency", "The currency of source_transaction's balance "
                                f"transaction ({charge['currency']}) must match {currency}.")
        available = ledger.transferable(store, charge)
        if amount > available:
            raise invalid_param(
                "amount",
                f"Insufficient funds on charge {source}: the transfer amount ({amount}) "
                f"exceeds what remains transferable ({available}).",
                code="amount_too_large",
            )
    tr = ledger.transfer(
        ctx, amount=amount, currency=currency, destination=acct["id"],
        source_transaction=source, transfer_group=get_str(p, "transfer_group"),
        metadata=get_metadata(p), description=get_str(p, "description"),
    )
    ctx.emit("transfer.created", tr)
    return tr


def retrieve_transfer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/transfers/{id}."""
    return ctx.store.require(obj_id, "transfer")


def list_transfers(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/transfers (``transfer_group``, ``destination`` filters)."""
    items = _filtered(ctx, "transfer", "transfer_group", "destination")
    return paginate(ctx, items, "/v1/transfers")


def create_reversal(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/transfers/{id}/reversals (whole remaining amount by default)."""
    tr = retrieve_transfer(ctx, obj_id)
    remaining = tr["amount"] - tr["amount_reversed"]
    amount = get_int(ctx.params, "amount")
    amount = remaining if amount is None else amount
    if amount > remaining or remaining == 0:
        raise invalid_param(
            "amount", f"Amount {amount} exceeds the transfer's unreversed amount {remaining}.",
            code="amount_too_large")
    trr = ledger.reverse_transfer(ctx, tr, amount, get_metadata(ctx.params))
    ctx.emit("transfer.reversed", tr)
    return trr


def list_reversals(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/transfers/{id}/reversals."""
    tr = retrieve_transfer(ctx, obj_id)
    items = [r for r in ctx.store.all("transfer_reversal") if r["transfer"] == tr["id"]]
    return paginate(ctx, items, f"/v1/transfers/{obj_id}/reversals")


# -- refunds -------------------------------------------------------------------------
def create_refund(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/refunds by ``payment_intent`` or ``charge``."""
    p = ctx.params
    store = ctx.store
    pi_id = get_str(p, "payment_intent")
    ch_id = get_str(p, "charge")
    if pi_id:
        pi = store.require(pi_id, "payment_intent", param="payment_intent", status=400)
        ch_id = ch_id or pi["latest_charge"]
    elif not ch_id:
        raise missing_param("charge")
    charge = store.get(ch_id or "", "charge")
    if charge is None or not charge["paid"]:
        raise StripeError("This PaymentIntent does not have a successful charge to refund.",
                          code="charge_not_refundable", param="payment_intent")
    if not charge["captured"]:
        raise StripeError("This charge has not been captured; cancel the PaymentIntent "
                          "instead.", code="charge_not_refundable", param="charge")
    left = ledger.refundable(store, charge)
    amount = get_int(p, "amount")
    amount = left if amount is None else amount
    if left == 0:
        raise StripeError(f"Charge {charge['id']} has already been refunded.",
                          code="charge_already_refunded", param="charge")
    if amount > left:
        raise invalid_param("amount", f"Refund amount ({amount}) is greater than unrefunded "
                            f"amount on charge ({left})", code="amount_too_large")
    ref = ledger.refund(ctx, charge, amount, get_metadata(p), get_str(p, "reason"))
    ctx.emit("charge.refunded", charge)
    ctx.emit("refund.created", ref)
    return ref


def retrieve_refund(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/refunds/{id}."""
    return ctx.store.require(obj_id, "refund")


def list_refunds(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/refunds (``charge``, ``payment_intent`` filters)."""
    items = _filtered(ctx, "refund", "charge", "payment_intent")
    return paginate(ctx, items, "/v1/refunds")


# -- balance & events ----------------------------------------------------------------
def retrieve_balance(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/balance for the platform or the ``Stripe-Account``."""
    return ledger.balance(ctx.store, ctx.account)


def list_balance_transactions(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/balance_transactions (``type``, ``source``, ``currency`` filters)."""
    items = _filtered(ctx, "balance_transaction", "type", "source", "currency")
    return paginate(ctx, items, "/v1/balance_transactions")


def retrieve_balance_transaction(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/balance_transactions/{id}."""
    return ctx.store.require(obj_id, "balance_transaction")


def list_events(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/events (``type`` filter, ``*`` suffix wildcard like ``charge.*``)."""
    items = ctx.store.all("event")
    wanted = get_str(ctx.params, "type")
    if wanted:
        if wanted.endswith("*"):
            items = [e for e in items if e["type"].startswith(wanted[:-1])]
        else:
            items = [e for e in items if e["type"] == wanted]
    return paginate(ctx, items, "/v1/events")


def retrieve_event(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/events/{id}."""
    return ctx.store.require(obj_id, "event")
