"""REST handlers for accounts, account links, customers, Checkout, PaymentIntents, charges.

Each handler takes the request :class:`Ctx` (plus URL variables) and returns the object to
serialize; errors are raised as :class:`StripeError`. The server adds auth, idempotency,
``expand`` and persistence around them.
"""

from __future__ import annotations

from typing import Any

from . import checkout, objects, payments
from .cards import TEST_TOKENS, lookup
from .errors import StripeError, invalid_param, unexpected_state
from .fixtures import fill, template
from .params import get_bool, get_dict, get_int, get_list, get_metadata, get_str, list_limit
from .store import Ctx, random_token

Handler = Any
ACCOUNT_LINK_TTL = 300


def paginate(ctx: Ctx, items: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """Stripe list object over ``items`` (already newest first)."""
    limit = list_limit(ctx.params)
    after = get_str(ctx.params, "starting_after")
    before = get_str(ctx.params, "ending_before")
    ids = [it["id"] for it in items]
    if after:
        if after not in ids:
            raise invalid_param("starting_after", f"No such object: '{after}'")
        items = items[ids.index(after) + 1:]
    elif before:
        if before not in ids:
            raise invalid_param("ending_before", f"No such object: '{before}'")
        items = items[: ids.index(before)][-limit:]
    return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}


def _filtered(ctx: Ctx, kind: str, *fields: str) -> list[dict[str, Any]]:
    items = ctx.store.all(kind, scope=ctx.account)
    for name in fields:
        value = get_str(ctx.params, name)
        if value is not None:
            items = [it for it in items if it.get(name) == value]
    return items


# -- accounts ------------------------------------------------------------------------
def create_account(ctx: Ctx) -> dict[str, Any]:
    """Connected account awaiting onboarding (requirements due, nothing enabled)."""
    p = ctx.params
    type_ = get_str(p, "type") or "standard"  # Stripe's default without type/controller
    if type_ not in ("express", "standard", "custom"):
        raise invalid_param("type", "Invalid type: must be one of express, standard, custom")
    requested = [
        name for name, cap in get_dict(p, "capabilities").items()
        if isinstance(cap, dict) and get_bool(cap, "requested")
    ]
    store = ctx.store
    acct = objects.account(
        store.new_id("acct", 16), store.now(), type_=type_,
        country=(get_str(p, "country") or "FR").upper(), email=get_str(p, "email"),
        business_type=get_str(p, "business_type"), metadata=get_metadata(p),
        capabilities=requested,
    )
    return store.add(acct)


def retrieve_account(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/accounts/{id}."""
    return ctx.store.require(obj_id, "account")


def update_account(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """Update email / metadata / business_type; emits ``account.updated``."""
    acct = ctx.store.require(obj_id, "account")
    for name in ("email", "business_type"):
        value = get_str(ctx.params, name)
        if value is not None:
            acct[name] = value
    acct["metadata"].update(get_metadata(ctx.params))
    ctx.emit("account.updated", acct)
    return acct


def list_accounts(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/accounts."""
    return paginate(ctx, ctx.store.all("account"), "/v1/accounts")


def create_account_link(ctx: Ctx) -> dict[str, Any]:
    """Single-use hosted onboarding link valid 5 minutes."""
    p = ctx.params
    account = get_str(p, "account", required=True)
    ctx.store.require(account, "account", param="account", status=400)
    refresh_url = get_str(p, "refresh_url", required=True)
    return_url = get_str(p, "return_url", required=True)
    link_type = get_str(p, "type", required=True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid_param("type", f"Invalid type: {link_type}")
    token = random_token(32)
    link = objects.account_link(
        f"{ctx.base_url}/hosted/onboarding/{token}", ctx.store.now(), ACCOUNT_LINK_TTL
    )
    ctx.store.links[token] = {
        "account": account, "refresh_url": refresh_url, "return_url": return_url,
        "expires_at": link["expires_at"], "state": "new",
    }
    return link


def create_login_link(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/accounts/{id}/login_links: a single-use link into the Express Dashboard,
    for Express accounts that finished onboarding (Stripe refuses the others)."""
    account = ctx.store.require(obj_id, "account")
    if account.get("type") != "express" or not account.get("details_submitted"):
        raise StripeError("Cannot create a login link for an account that has not completed "
                          "onboarding.", status=400)
    token = random_token(32)
    now = ctx.store.now()
    ctx.store.links[token] = {"account": account["id"], "kind": "express_dashboard",
                              "expires_at": now + ACCOUNT_LINK_TTL, "state": "new"}
    return fill(template("login_link"), created=now,
                url=f"{ctx.base_url}/hosted/express/{token}")


# -- customers -----------------------------------------------------------------------
def create_customer(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/customers; emits ``customer.created``."""
    p = ctx.params
    values = {k: get_str(p, k) for k in ("email", "name", "phone", "description")}
    store = ctx.store
    cus = objects.customer(store.new_id("cus", 14), store.now(),
                           {**values, "metadata": get_metadata(p)})
    store.add(cus, scope=ctx.account)
    ctx.emit("customer.created", cus)
    return cus


def retrieve_customer(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/customers/{id} (a deleted customer answers its deleted stub, as Stripe)."""
    cus = ctx.store.require(obj_id, "customer")
    if ctx.store.meta[obj_id].get("deleted"):
        return {"id": obj_id, "object": "customer", "deleted": True}
    return cus


def list_customers(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/customers (``email`` filter; deleted customers are left out)."""
    items = [c for c in _filtered(ctx, "customer", "email")
             if not ctx.store.meta[c["id"]].get("deleted")]
    return paginate(ctx, items, "/v1/customers")


# -- checkout ------------------------------------------------------------------------
def create_session(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/checkout/sessions."""
    return checkout.create_session(ctx, ctx.params)


def retrieve_session(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/checkout/sessions/{id}."""
    return ctx.store.require(obj_id, "checkout.session", "checkout.session")


def list_sessions(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/checkout/sessions (``payment_intent``, ``customer``, ``status`` filters)."""
    items = _filtered(ctx, "checkout.session", "payment_intent", "customer", "status")
    return paginate(ctx, items, "/v1/checkout/sessions")


def expire_session(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/checkout/sessions/{id}/expire."""
    session = retrieve_session(ctx, obj_id)
    checkout.expire(ctx, session)
    return session


# -- payment intents -----------------------------------------------------------------
def create_payment_intent(ctx: Ctx) -> dict[str, Any]:
    """POST /v1/payment_intents (optionally ``confirm=true`` with a test pm id)."""
    p = ctx.params
    store = ctx.store
    amount = get_int(p, "amount", required=True)
    assert amount is not None
    currency = (get_str(p, "currency", required=True) or "").lower()
    capture_method = get_str(p, "capture_method") or "automatic"
    if capture_method not in ("automatic", "automatic_async", "manual"):
        raise invalid_param("capture_method", f"Invalid capture_method: {capture_method}")
    customer = get_str(p, "customer")
    if customer:
        store.require(customer, "customer", param="customer", status=400)
    pm_id = get_str(p, "payment_method")
    pm = payments.resolve_payment_method(ctx, pm_id, customer) if pm_id else None
    if pm is None and get_dict(p, "payment_method_data"):
        pm = _payment_method_from_data(ctx, get_dict(p, "payment_method_data"), customer)
    confirm = get_bool(p, "confirm")
    off_session = get_bool(p, "off_session")
    pi = objects.payment_intent(
        store.new_id("pi"), store.now(), amount=amount, currency=currency,
        capture_method=capture_method, customer=customer, metadata=get_metadata(p),
        transfer_group=get_str(p, "transfer_group"), description=get_str(p, "description"),
    )
    pi["receipt_email"] = get_str(p, "receipt_email")
    types = [str(t) for t in get_list(p, "allowed_payment_method_types")]
    if types:
        pi["payment_method_types"] = types
    store.add(pi, scope=ctx.account)
    ctx.emit("payment_intent.created", pi)
    if pm is not None:
        pi.update(payment_method=pm["id"], status="requires_confirmation")
        if confirm:
            payments.confirm(ctx, pi, pm, off_session)
    return pi


def _payment_method_from_data(ctx: Ctx, data: dict[str, Any],
                              customer: str | None) -> dict[str, Any]:
    """``payment_method_data[type]=card&payment_method_data[card][token]=tok_visa``."""
    token = get_str(get_dict(data, "card"), "token")
    number = TEST_TOKENS.get(token or "")
    card = lookup(number) if number else None
    if get_str(data, "type") != "card" or card is None:
        raise invalid_param("payment_method_data[card][token]",
                            "The emulator accepts card test tokens (tok_visa...) only.")
    return payments.create_payment_method(ctx, card, customer=customer)


def retrieve_payment_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/payment_intents/{id}."""
    return ctx.store.require(obj_id, "payment_intent")


def update_payment_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}: metadata / description / transfer_group."""
    pi = retrieve_payment_intent(ctx, obj_id)
    pi["metadata"].update(get_metadata(ctx.params))
    for name in ("description", "transfer_group", "receipt_email"):
        value = get_str(ctx.params, name)
        if value is not None:
            pi[name] = value
    return pi


def confirm_payment_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}/confirm."""
    pi = retrieve_payment_intent(ctx, obj_id)
    if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise unexpected_state(
            "payment_intent", f"This PaymentIntent's status is {pi['status']}.", pi)
    pm_id = get_str(ctx.params, "payment_method") or pi["payment_method"]
    if not pm_id:
        raise invalid_param("payment_method", "You must provide a payment_method.")
    pm = payments.resolve_payment_method(ctx, pm_id, pi["customer"])
    payments.confirm(ctx, pi, pm, get_bool(ctx.params, "off_session"))
    return pi


def capture_payment_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}/capture (``amount_to_capture`` optional)."""
    pi = retrieve_payment_intent(ctx, obj_id)
    payments.capture(ctx, pi, get_int(ctx.params, "amount_to_capture"))
    return pi


def cancel_payment_intent(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """POST /v1/payment_intents/{id}/cancel."""
    pi = retrieve_payment_intent(ctx, obj_id)
    payments.cancel(ctx, pi, get_str(ctx.params, "cancellation_reason"))
    return pi


def list_payment_intents(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/payment_intents (``customer`` filter)."""
    return paginate(ctx, _filtered(ctx, "payment_intent", "customer"), "/v1/payment_intents")


def retrieve_charge(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/charges/{id}."""
    return ctx.store.require(obj_id, "charge")


def list_charges(ctx: Ctx) -> dict[str, Any]:
    """GET /v1/charges (``payment_intent``, ``customer``, ``transfer_group`` filters)."""
    items = _filtered(ctx, "charge", "payment_intent", "customer", "transfer_group")
    return paginate(ctx, items, "/v1/charges")


def retrieve_payment_method(ctx: Ctx, obj_id: str) -> dict[str, Any]:
    """GET /v1/payment_methods/{id}."""
    return ctx.store.require(obj_id, "payment_method", "PaymentMethod")
