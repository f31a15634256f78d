"""Card holds for group-purchase orders, through Stripe-hosted pages.

An order's card is authorized for its quantity x the highest tier price (manual capture,
like missions). A campaign closing more than HOLD_WINDOW_DAYS away gets the card saved
instead (Checkout in setup mode) and a worker authorizes it off-session AUTHORIZE_BEFORE_HOURS
before closing (`group_holds.py`). The return URL and the webhook both call
`apply_payment_intent`, which only moves state forward; every hold and release is booked
on the memo accounts of the ledger in the same commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.converters import parse_id
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.money import format_cents
from marketplace.core.state import transition
from marketplace.groupbuy import orders, tiers
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments import ledger
from marketplace.payments.gateway import CheckoutRequest, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import GroupPayment
from marketplace.payments.services import group_capture
from marketplace.payments.services.checkout import ensure_customer
from marketplace.payments.status import PAYMENT_TRANSITIONS, PaymentStatus

# Payments that hold no money at Stripe yet: changing the quantity just changes the amount.
UNHELD = (PaymentStatus.CREATED, PaymentStatus.SAVED, PaymentStatus.FAILED)
LIVE = (*UNHELD, PaymentStatus.AUTHORIZED)
UNAVAILABLE = _l("The payment page is unavailable; try again in a moment.")


def transfer_group(campaign_id: int) -> str:
    return f"campaign-{campaign_id}"


def metadata(payment: GroupPayment) -> dict[str, str]:
    return {"group_payment_id": str(payment.id), "order_id": str(payment.order_id),
            "campaign_id": str(payment.campaign_id)}


def defers_hold(campaign: Campaign, now: datetime | None = None) -> bool:
    """True when closing is too far for a card hold to last until the capture."""
    window = timedelta(days=current_app.config["HOLD_WINDOW_DAYS"])
    return campaign.closes_at - (now or utcnow()) > window


def hold_date(campaign: Campaign) -> datetime:
    """When the worker places the hold on a saved card."""
    return campaign.closes_at - timedelta(hours=current_app.config["AUTHORIZE_BEFORE_HOURS"])


def open_payment(order: Order, quantity: int) -> GroupPayment:
    """A new payment for `quantity` units of the order, at the highest tier price."""
    campaign = order.campaign
    payment = GroupPayment(order_id=order.id, campaign_id=campaign.id, quantity=quantity,
                           amount_cents=tiers.hold_amount(campaign.tiers, quantity),
                           currency=campaign.currency)
    db.session.add(payment)
    db.session.flush()
    return payment


def payments_of(order: Order, statuses: tuple[PaymentStatus, ...] = LIVE) -> list[GroupPayment]:
    return list(db.session.execute(
        db.select(GroupPayment).where(GroupPayment.order_id == order.id,
                                      GroupPayment.status.in_(statuses))
        .order_by(GroupPayment.id)).scalars())


def resize(payment: GroupPayment, quantity: int) -> None:
    """Change the units of a payment that holds nothing yet (caller commits)."""
    if payment.status not in UNHELD:
        raise DomainError("only a payment without a hold can be resized")
    payment.quantity = quantity
    payment.amount_cents = tiers.hold_amount(payment.campaign.tiers, quantity)


def payment_url(payment: GroupPayment, user: User, success_url: str, cancel_url: str) -> str:
    """The hosted page for this payment: authorize now, or save the card for later.

    Commits the attempt counter before calling Stripe, so the idempotency key of a retry
    after a crash is the same one (`mkt:group-checkout:<payment>:<attempt>`)."""
    customer_id = ensure_customer(user)
    if payment.checkout_session_id:
        session = gateway().retrieve_checkout_session(payment.checkout_session_id)
        if session.status == "open" and session.url:
            return session.url
    payment.checkout_attempts += 1
    db.session.commit()
    campaign = payment.campaign
    if payment.status == PaymentStatus.CREATED and defers_hold(campaign):
        session = gateway().create_setup_session(
            customer_id, success_url, cancel_url, metadata(payment),
            idempotency_key=f"mkt:group-setup:{payment.id}:{payment.checkout_attempts}",
            submit_message=saved_card_terms(payment))
    else:
        session = gateway().create_checkout_session(CheckoutRequest(
            amount_cents=payment.amount_cents, currency=payment.currency,
            product_name=product_name(payment), customer_id=customer_id,
            transfer_group=transfer_group(campaign.id), success_url=success_url,
            cancel_url=cancel_url, metadata=metadata(payment),
            idempotency_key=f"mkt:group-checkout:{payment.id}:{payment.checkout_attempts}"))
    payment.checkout_session_id, payment.checkout_url = session.id, session.url
    db.session.commit()
    if not session.url:
        raise DomainError(UNAVAILABLE)
    return session.url


def product_name(payment: GroupPayment) -> str:
    """The line the participant reads on the hosted page: the most they can pay."""
    campaign, cur = payment.campaign, payment.currency
    return (f"Entraide group purchase #{campaign.id}: {campaign.title[:60]} — "
            f"{payment.quantity} x {format_cents(campaign.highest_price_cents, cur)} at most "
            f"(the final price is fixed at closing; the rest is released)")


def saved_card_terms(payment: GroupPayment) -> str:
    """What saving the card means, above the hosted page's button."""
    campaign, cur = payment.campaign, payment.currency
    return (f"Nothing is charged now. On {hold_date(campaign):%Y-%m-%d %H:%M} UTC we place a "
            f"hold of at most {format_cents(payment.amount_cents, cur)} on this card; at "
            f"closing you pay the final tier price and the rest is released.")


def apply_payment_intent(payment: GroupPayment, pi: PaymentIntentInfo) -> bool:
    """Record what Stripe says about the payment's intent; True if it became AUTHORIZED now.

    Forward only (the return URL and the webhook race; one conditional UPDATE wins). The
    caller (the flow) activates the order and commits."""
    if pi.amount_cents != payment.amount_cents or pi.currency != payment.currency:
        raise DomainError(f"group payment {payment.id}: PaymentIntent amount does not match")
    if payment.payment_intent_id not in (None, pi.id):
        return False
    if pi.status in ("requires_capture", "succeeded"):
        payment.payment_intent_id = pi.id
        payment.charge_id = payment.charge_id or pi.charge_id
    if pi.status == "requires_capture" and _move(
            payment, (PaymentStatus.CREATED, PaymentStatus.FAILED), PaymentStatus.AUTHORIZED,
            authorized_at=utcnow(), failure_message=None):
        record_hold(payment, pi.id)
        return True
    if pi.status == "requires_payment_method":
        _move(payment, (PaymentStatus.CREATED,), PaymentStatus.FAILED,
              failure_message=(pi.failure_message or "The card was declined.")[:255])
    return False


def apply_saved_card(payment: GroupPayment, payment_method_id: str) -> bool:
    """The card is saved for the off-session hold; True if this call saved it."""
    return _move(payment, (PaymentStatus.CREATED,), PaymentStatus.SAVED,
                 payment_method_id=payment_method_id)


def _move(payment: GroupPayment, sources: tuple[PaymentStatus, ...], target: PaymentStatus,
          **values: Any) -> bool:
    if payment.status not in sources:
        return False
    return transition(db.session, payment, PAYMENT_TRANSITIONS, target, sources=sources,
                      **values)


def record_hold(payment: GroupPayment, payment_intent_id: str) -> None:
    """Book the card hold on the memo accounts (no cash moves until the capture)."""
    ledger.record("group_hold", f"group-hold:{payment_intent_id}", [
        Line(ledger.CARD_HOLDS, payment.amount_cents),
        Line(ledger.campaign_holds(payment.campaign_id), -payment.amount_cents),
    ], currency=payment.currency, mission_id=None,
        description=f"Card hold for group purchase #{payment.campaign_id}, "
                    f"order #{payment.order_id}")


def read_session(session_id: str) -> tuple[GroupPayment | None, Any]:
    """Our payment for a checkout session, and the session as Stripe tells it now."""
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.checkout_session_id == session_id)).scalar_one_or_none()
    if payment is None:
        return None, None
    return payment, gateway().retrieve_checkout_session(session_id)


def payment_for(payment_intent_id: str, meta: dict[str, str]) -> GroupPayment | None:
    """Our group payment from a PaymentIntent id, or from the metadata we put on it."""
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.payment_intent_id == payment_intent_id)).scalar_one_or_none()
    payment_id = parse_id(str(meta.get("group_payment_id", "")))
    if payment is None and payment_id is not None:
        payment = db.session.get(GroupPayment, payment_id)
    return payment


def sync_checkout_session(session_id: str) -> GroupPayment | None:
    """The participant came back from the hosted page, or its webhook arrived: apply it."""
    payment, session = read_session(session_id)
    if payment is None:
        return None
    ready = False
    if session.mode == "setup" and session.saved_payment_method:
        ready = apply_saved_card(payment, session.saved_payment_method)
    elif session.payment_intent is not None:
        ready = apply_payment_intent(payment, session.payment_intent)
    if ready:
        card_ready(payment)
    db.session.commit()
    return payment


def apply_intent_event(payment: GroupPayment, pi: PaymentIntentInfo) -> None:
    """A PaymentIntent webhook for a group payment (authorized, failed, or released)."""
    if pi.status == "canceled":
        if payment.status == PaymentStatus.AUTHORIZED and payment.payment_intent_id == pi.id:
            group_capture.lapsed(payment)
            orders.lock_campaign(payment.campaign_id)
            if payment.order.status == OrderStatus.ACTIVE:
                orders.needs_payment(payment.order)
        db.session.commit()
        return
    if apply_payment_intent(payment, pi):
        card_ready(payment)
    db.session.commit()


def card_ready(payment: GroupPayment) -> None:
    """The order counts now; if it ended meanwhile, release what was just held."""
    orders.lock_campaign(payment.campaign_id)
    order = payment.order
    db.session.refresh(order)
    added = payment.quantity if order.status == OrderStatus.ACTIVE else 0
    if not orders.activate(order, added):
        group_capture.release(payment)
