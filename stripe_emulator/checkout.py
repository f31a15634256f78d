"""Checkout Sessions (mode=payment): creation and the payment done on the hosted page."""

from __future__ import annotations

from typing import Any

from . import objects, payments
from .cards import TestCard
from .errors import StripeError, invalid_param, missing_param
from .fixtures import fill, template
from .params import get_bool, get_dict, get_int, get_metadata, get_str
from .store import Ctx

SESSION_TTL = 24 * 3600


def _line_items(params: dict[str, Any]) -> list[dict[str, Any]]:
    raw = params.get("line_items")
    if not raw:
        raise missing_param("line_items")
    if not isinstance(raw, list):
        raise invalid_param("line_items", "Invalid array")
    items = []
    for i, item in enumerate(raw):
        prefix = f"line_items[{i}]"
        price = get_dict(item, "price_data")
        if not price:
            raise invalid_param(f"{prefix}[price]", "The emulator only supports price_data.")
        name = get_str(get_dict(price, "product_data"), "name")
        if not name:
            raise missing_param(f"{prefix}[price_data][product_data][name]")
        items.append({
            "name": name,
            "currency": (get_str(price, "currency") or "").lower() or None,
            "unit_amount": get_int(price, "unit_amount", required=True, minimum=0),
            "quantity": get_int(item, "quantity") or 1,
        })
    currencies = {it["currency"] for it in items}
    if None in currencies or len(currencies) != 1:
        raise invalid_param("line_items[0][price_data][currency]",
                            "All line items must share one currency.")
    return items


def _custom_text(params: dict[str, Any]) -> dict[str, Any]:
    """``custom_text[submit][message]`` etc.: text the merchant shows on the hosted page."""
    raw = get_dict(params, "custom_text")
    text: dict[str, Any] = dict.fromkeys(
        ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance"))
    for key in text:
        message = get_str(get_dict(raw, key), "message")
        if message:
            if len(message) > 1200:
                raise invalid_param(f"custom_text[{key}][message]",
                                    "Messages are limited to 1200 characters.")
            text[key] = {"message": message}
    return text


def create_session(ctx: Ctx, params: dict[str, Any]) -> dict[str, Any]:
    """Validate params and build an ``open`` session whose URL is the hosted page."""
    store = ctx.store
    mode = get_str(params, "mode", required=True)
    if mode not in ("payment", "setup"):
        raise invalid_param("mode", "The emulator supports mode=payment and mode=setup.")
    success_url = get_str(params, "success_url", required=True)
    customer = get_str(params, "customer")
    if customer:
        store.require(customer, "customer", param="customer", status=400)
    if mode == "setup":
        return _setup_session(ctx, params, customer, success_url)
    items = _line_items(params)
    total = sum(it["unit_amount"] * it["quantity"] for it in items)
    pi_data = get_dict(params, "payment_intent_data")
    capture_method = get_str(pi_data, "capture_method") or "automatic"
    if capture_method not in ("automatic", "automatic_async", "manual"):
        raise invalid_param("payment_intent_data[capture_method]", "Invalid capture_method.")
    get_metadata(pi_data)
    cs_id = store.new_id("cs_test", 58)
    now = store.now()
    obj = template("checkout.session")
    obj["custom_text"] = _custom_text(params)
    obj["total_details"] = {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
    obj["invoice_creation"]["enabled"] = False
    fill(
        obj, id=cs_id, created=now, expires_at=now + SESSION_TTL, after_expiration=None,
        amount_subtotal=total, amount_total=total, currency=items[0]["currency"],
        automatic_tax={"enabled": False, "liability": None, "status": None, "provider": None},
        cancel_url=get_str(params, "cancel_url"), success_url=success_url,
        client_reference_id=get_str(params, "client_reference_id"), consent=None,
        consent_collection=None, customer=customer, customer_details=None,
        customer_creation=None if customer else "if_required",
        customer_email=get_str(params, "customer_email"), locale=get_str(params, "locale"),
        metadata=get_metadata(params), mode=mode, payment_intent=None,
        payment_method_configuration_details=None, payment_method_collection=None,
        payment_status="unpaid", shipping_address_collection=None, shipping_cost=None,
        status="open", ui_mode="hosted", url=f"{ctx.base_url}/hosted/checkout/{cs_id}",
        adaptive_pricing={"enabled": False}, collected_information=None, permissions=None,
        wallet_options=None, currency_conversion=None, managed_payments=None,
        saved_payment_method_options=None,
    )
    get_bool(params, "allow_promotion_codes")
    return store.add(obj, scope=ctx.account, line_items=items, pi_data=pi_data)


def _setup_session(ctx: Ctx, params: dict[str, Any], customer: str | None,
                   success_url: str | None) -> dict[str, Any]:
    """mode=setup: save a card for later off-session payments (no amount, no line items)."""
    if not customer:
        raise invalid_param("customer", "mode=setup needs a customer to attach the card to.")
    store = ctx.store
    cs_id = store.new_id("cs_test", 58)
    now = store.now()
    obj = template("checkout.session")
    obj["custom_text"] = _custom_text(params)
    obj["total_details"] = None
    obj["invoice_creation"] = None
    fill(obj, id=cs_id, created=now, expires_at=now + SESSION_TTL, after_expiration=None,
         amount_subtotal=None, amount_total=None,
         currency=(get_str(params, "currency") or "eur").lower(), cancel_url=get_str(
             params, "cancel_url"), success_url=success_url,
         client_reference_id=get_str(params, "client_reference_id"), customer=customer,
         customer_details=None, customer_creation=None, metadata=get_metadata(params),
         mode="setup", payment_intent=None, setup_intent=None, payment_status="no_payment_required",
         status="open", ui_mode="hosted", url=f"{ctx.base_url}/hosted/checkout/{cs_id}",
         automatic_tax={"enabled": False, "liability": None, "status": None, "provider": None},
         consent=None, consent_collection=None, customer_email=None,
         locale=get_str(params, "locale"), payment_method_configuration_details=None,
         payment_method_collection=None, shipping_address_collection=None,
         shipping_cost=None, adaptive_pricing={"enabled": False},
         collected_information=None, permissions=None, wallet_options=None,
         currency_conversion=None, managed_payments=None,
         saved_payment_method_options=None)
    return store.add(obj, scope=ctx.account, line_items=[], pi_data={},
                     si_metadata=get_metadata(get_dict(params, "setup_intent_data")))


def _save_card(ctx: Ctx, session: dict[str, Any], pm: dict[str, Any]) -> dict[str, Any]:
    """Complete a setup session: a succeeded SetupIntent holding the customer's card."""
    store = ctx.store
    si_id = store.new_id("seti")
    si = fill(template("setup_intent"), id=si_id, created=store.now(),
              customer=session["customer"], payment_method=pm["id"], status="succeeded",
              usage="off_session", client_secret=f"{si_id}_secret_{si_id[-12:]}",
              metadata=store.meta[session["id"]].get("si_metadata") or {},
              last_setup_error=None, next_action=None, latest_attempt=None, mandate=None,
              single_use_mandate=None, cancellation_reason=None, description=None,
              application=None, on_behalf_of=None, flow_directions=None,
              payment_method_configuration_details=None, automatic_payment_methods=None)
    store.add(si, scope=store.meta[session["id"]]["scope"])
    ctx.emit("setup_intent.succeeded", si)
    session.update(status="complete", setup_intent=si_id, customer_details={
        "address": None, "email": None, "name": None, "phone": None, "tax_exempt": "none",
        "tax_ids": [], "business_name": None, "individual_name": None})
    ctx.emit("checkout.session.completed", session)
    return si


def _payment_intent(ctx: Ctx, session: dict[str, Any]) -> dict[str, Any]:
    """The session's PaymentIntent, created on the first payment attempt."""
    store = ctx.store
    meta = store.meta[session["id"]]
    if meta.get("pi"):
        return store.require(meta["pi"], "payment_intent")
    data = meta["pi_data"]
    pi = objects.payment_intent(
        store.new_id("pi"), store.now(), amount=session["amount_total"],
        currency=session["currency"], customer=session["customer"],
        capture_method=get_str(data, "capture_method") or "automatic",
        metadata=get_metadata(data), transfer_group=get_str(data, "transfer_group"),
        description=get_str(data, "description"),
    )
    store.add(pi, scope=meta["scope"], session=session["id"])
    meta["pi"] = pi["id"]
    ctx.emit("payment_intent.created", pi)
    return pi


def check_open(session: dict[str, Any]) -> None:
    """Only open sessions can be paid."""
    if session["status"] != "open":
        raise StripeError(f"This Checkout Session is {session['status']}.",
                          code="checkout_session_unexpected_state")


def pay(
    ctx: Ctx, session: dict[str, Any], card: TestCard, exp_month: int, exp_year: int,
    name: str | None, email: str | None,
) -> dict[str, Any]:
    """Pay with a test card. Returns the PI (maybe ``requires_action``); raises on decline."""
    check_open(session)
    if session["mode"] == "setup":
        pm = payments.create_payment_method(
            ctx, card, exp_month, exp_year, customer=session["customer"], name=name)
        return _save_card(ctx, session, pm)
    pi = _payment_intent(ctx, session)
    pm = payments.create_payment_method(
        ctx, card, exp_month, exp_year, customer=session["customer"], name=name
    )
    ctx.store.meta[session["id"]]["details"] = {"name": name, "email": email}
    payments.confirm(ctx, pi, pm, off_session=False)
    if pi["status"] in ("succeeded", "requires_capture"):
        complete(ctx, session, pi)
    return pi


def complete(ctx: Ctx, session: dict[str, Any], pi: dict[str, Any]) -> None:
    """Mark the session complete once its PaymentIntent is authorized or paid."""
    details = ctx.store.meta[session["id"]].get("details") or {}
    address = dict.fromkeys(("city", "line1", "line2", "postal_code", "state"))
    session.update(
        status="complete", payment_intent=pi["id"],
        payment_status="paid" if pi["status"] == "succeeded" else "unpaid",
        customer_details={
            "address": {**address, "country": "FR"},
            "email": details.get("email") or session["customer_email"],
            "name": details.get("name"), "phone": None, "tax_exempt": "none",
            "tax_ids": [], "business_name": None, "individual_name": None,
        },
    )
    ctx.emit("checkout.session.completed", session)


def expire(ctx: Ctx, session: dict[str, Any]) -> None:
    """Expire an open session (API ``/expire`` or cancelled by time)."""
    check_open(session)
    session.update(status="expired", url=None)
    ctx.emit("checkout.session.expired", session)
