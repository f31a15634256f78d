"""REST handlers for disputes, payouts, SetupIntents, PaymentMethods, external bank accounts,
and the updates of customers, transfers and refunds."""

from __future__ import annotations

from typing import Any

from . import bank_payouts, disputes, payments, setup_intents
from .api import _filtered, paginate
from .cards import TEST_TOKENS, lookup
from .errors import invalid_param, missing_param, no_such
from .fixtures import clone, fill, template
from .params import get_bool, get_currency, get_dict, get_int, get_list, get_metadata, get_str
from .store import Ctx


# -- customers -----------------------------------------------------------------------
def _live_customer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    cus = ctx.store.require(obj_id, "customer")
    if ctx.store.meta[obj_id].get("deleted"):
        raise no_such("customer", obj_id)
    return cus


def update_customer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/customers/{id}: the server echoes the fields; emits ``customer.updated``."""
    cus = _live_customer(ctx, obj_id)
    cus["metadata"].update(get_metadata(ctx.params))
    ctx.emit("customer.updated", cus)
    return cus


def delete_customer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """DELETE /v1/customers/{id}: emits ``customer.deleted``; answers the deleted stub."""
    cus = _live_customer(ctx, obj_id)
    ctx.store.meta[obj_id]["deleted"] = True
    ctx.emit("customer.deleted", cus)
    return {"id": obj_id, "object": "customer", "deleted": True}


# -- payment methods -----------------------------------------------------------------
def create_payment_method(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/payment_methods: a card from a test token (``card[token]=tok_visa``)."""
    p = ctx.params
    if get_str(p, "type", required=True) != "card":
        raise invalid_param("type", "The emulator creates card PaymentMethods only.")
    token = get_str(get_dict(p, "card"), "token")
    if token is None:
        raise missing_param("card[token]")
    number = TEST_TOKENS.get(token)
    card = lookup(number) if number else None
    if card is None:
        raise no_such("token", token, param="card[token]", status=400)
    details = get_dict(p, "billing_details")
    pm = payments.create_payment_method(ctx, card, name=get_str(details, "name"))
    pm["metadata"].update(get_metadata(p))
    return pm


# -- setup intents -------------------------------------------------------------------
def create_setup_intent(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/setup_intents (``confirm=true`` with a test card tries it at once)."""
    p = ctx.params
    customer = get_str(p, "customer")
    if customer:
        _live_customer(ctx, customer)
    pm_id = get_str(p, "payment_method")
    pm = payments.resolve_payment_method(ctx, pm_id, customer) if pm_id else None
    types = [str(t) for t in get_list(p, "allowed_payment_method_types")] or None
    si = setup_intents.create(
        ctx, customer=customer, payment_method=pm["id"] if pm else None,
        usage=get_str(p, "usage"), description=get_str(p, "description"),
        metadata=get_metadata(p), types=types)
    if pm is not None and get_bool(p, "confirm"):
        setup_intents.confirm(ctx, si, pm, get_str(p, "return_url"))
    return si


def retrieve_setup_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/setup_intents/{id}."""
    return ctx.store.require(obj_id, "setup_intent", "SetupIntent")


def list_setup_intents(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/setup_intents (``customer``, ``payment_method`` filters)."""
    items = _filtered(ctx, "setup_intent", "customer", "payment_method")
    return paginate(ctx, items, "/v1/setup_intents")


def update_setup_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/setup_intents/{id}: metadata, description (echoed)."""
    si = retrieve_setup_intent(ctx, obj_id)
    si["metadata"].update(get_metadata(ctx.params))
    pm_id = get_str(ctx.params, "payment_method")
    if pm_id:
        pm = payments.resolve_payment_method(ctx, pm_id, si["customer"])
        si.update(payment_method=pm["id"], status="requires_confirmation")
    return si


def confirm_setup_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/setup_intents/{id}/confirm."""
    si = retrieve_setup_intent(ctx, obj_id)
    pm_id = get_str(ctx.params, "payment_method") or si["payment_method"]
    if not pm_id:
        raise invalid_param("payment_method", "You must provide a payment_method.")
    pm = payments.resolve_payment_method(ctx, pm_id, si["customer"])
    setup_intents.confirm(ctx, si, pm, get_str(ctx.params, "return_url"))
    return si


def cancel_setup_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/setup_intents/{id}/cancel."""
    si = retrieve_setup_intent(ctx, obj_id)
    setup_intents.cancel(ctx, si, get_str(ctx.params, "cancellation_reason"))
    return si


# -- disputes ------------------------------------------------------------------------
def list_disputes(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/disputes (``charge``, ``payment_intent`` filters)."""
    items = _filtered(ctx, "dispute", "charge", "payment_intent")
    return paginate(ctx, items, "/v1/disputes")


def retrieve_dispute(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/disputes/{id}."""
    return ctx.store.require(obj_id, "dispute")


def update_dispute(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/disputes/{id}: ``evidence[...]``, ``metadata``, ``submit`` (default true)."""
    dispute = retrieve_dispute(ctx, obj_id)
    disputes.update(ctx, dispute, get_dict(ctx.params, "evidence"), get_metadata(ctx.params),
                    get_bool(ctx.params, "submit", default=True))
    return dispute


def close_dispute(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/disputes/{id}/close: accept the dispute (lost)."""
    dispute = retrieve_dispute(ctx, obj_id)
    disputes.accept(ctx, dispute)
    return dispute


# -- payouts -------------------------------------------------------------------------
def create_payout(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/payouts (``Stripe-Account`` for a connected account's balance)."""
    p = ctx.params
    amount = get_int(p, "amount", required=True)
    assert amount is not None
    if ctx.account is not None:
        ctx.store.require(ctx.account, "account", param="Stripe-Account", status=400)
    return bank_payouts.create_over_http(ctx, amount, get_currency(p),
                                         get_str(p, "description"), get_metadata(p))


def retrieve_payout(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/payouts/{id}."""
    return _scoped(ctx, obj_id, "payout")


def list_payouts(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/payouts (``status`` filter) of the platform or the ``Stripe-Account``."""
    return paginate(ctx, _filtered(ctx, "payout", "status"), "/v1/payouts")


def update_payout(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payouts/{id}: metadata; emits ``payout.updated``."""
    payout = retrieve_payout(ctx, obj_id)
    bank_payouts.update(ctx, payout, get_metadata(ctx.params))
    return payout


def cancel_payout(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payouts/{id}/cancel."""
    payout = retrieve_payout(ctx, obj_id)
    bank_payouts.cancel(ctx, payout)
    return payout


def _scoped(ctx: Ctx, obj_id: str, kind: str) -> dict[str, Any]:
    """An object of the requesting account only (a payout of another account is unknown)."""
    obj = ctx.store.require(obj_id, kind)
    if ctx.store.meta[obj_id].get("scope") != ctx.account:
        raise no_such(kind, obj_id)
    return obj


def create_external_account(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/accounts/{id}/external_accounts: the bank account payouts go to
    (``external_account[account_number]`` decides its test behaviour)."""
    account = ctx.store.require(obj_id, "account")
    raw = ctx.params.get("external_account")
    if raw is None or raw == "":
        raise missing_param("external_account")
    details = raw if isinstance(raw, dict) else {}
    number = get_str(details, "account_number") or "000123456789"
    country = (get_str(details, "country") or account["country"] or "FR").upper()
    currency = (get_str(details, "currency") or account["default_currency"] or "eur").lower()
    store = ctx.store
    store.meta[obj_id]["bank_number"] = number
    ba_id = store.new_id("ba")
    store.meta[obj_id]["bank_account"] = ba_id
    bank = fill(template("bank_account"), id=ba_id, country=country, currency=currency,
                last4=number[-4:], account_holder_name=get_str(details, "account_holder_name"),
                account_holder_type=get_str(details, "account_holder_type"),
                routing_number=get_str(details, "routing_number"), metadata={},
                fingerprint=number[-16:], customer=None, status="new")
    store.add(bank, scope=obj_id)
    account["external_accounts"]["data"] = [clone(bank)]
    ctx.emit("account.external_account.created", bank)
    return bank


# -- updates of money objects ----------------------------------------------------------
def update_transfer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/transfers/{id}: metadata, description; emits ``transfer.updated``."""
    tr = ctx.store.require(obj_id, "transfer")
    tr["metadata"].update(get_metadata(ctx.params))
    ctx.emit("transfer.updated", tr)
    return tr


def update_refund(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/refunds/{id}: metadata; emits ``refund.updated`` and
    ``charge.refund.updated``."""
    ref = ctx.store.require(obj_id, "refund")
    ref["metadata"].update(get_metadata(ctx.params))
    ctx.emit("charge.refund.updated", ref)
    ctx.emit("refund.updated", ref)
    charge = ctx.store.get(ref["charge"], "charge")
    if charge is not None:
        for item in charge["refunds"]["data"]:
            if item["id"] == ref["id"]:
                item["metadata"] = dict(ref["metadata"])
    return ref


