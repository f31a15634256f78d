"""Card authorization through a Stripe-hosted Checkout page (our pages never see a card).

The client comes back through the success URL and the webhook arrives on its own; both
call `apply_payment_intent`, which only moves state forward, so either may come first.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.converters import parse_id
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.money import format_cents
from marketplace.core.state import transition
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments import signals as payments_signals
from marketplace.payments.gateway import CheckoutRequest, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import Payment
from marketplace.payments.services import holds
from marketplace.payments.status import PAYMENT_TRANSITIONS, PaymentStatus


def ensure_customer(user: User) -> str:
    """The client's Stripe customer, created once (keyed by our user id)."""
    if user.stripe_customer_id is None:
        user.stripe_customer_id = gateway().create_customer(
            email=user.email, name=user.full_name, metadata={"user_id": str(user.id)},
            idempotency_key=f"mkt:customer:{user.id}")
        db.session.commit()
    return user.stripe_customer_id


def _open_payment(mission: Mission) -> Payment:
    payment = db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id)
        .order_by(Payment.id.desc()).limit(1)
    ).scalar_one_or_none()
    if payment is None or payment.status == PaymentStatus.CANCELED:
        payment = Payment(mission_id=mission.id, amount_cents=mission.total_cents,
                          currency=mission.currency)
        db.session.add(payment)
        db.session.flush()
    return payment


def checkout_url(mission: Mission, success_url: str, cancel_url: str) -> str:
    """Return a hosted checkout page that authorizes price + service fee on the card.

    A mission far away saves the card instead (see holds.py); a mission whose hold failed
    ("action needed") comes back here to authorize on-session.
    """
    current = latest_payment(mission)
    if mission.status != MissionStatus.PENDING_PAYMENT and not holds.needs_action(
            mission, current):
        raise Conflict(_l("This mission's card is already authorized."))
    customer_id = ensure_customer(mission.client)
    payment = _open_payment(mission)
    if payment.status in (PaymentStatus.AUTHORIZED, PaymentStatus.SAVED):
        raise Conflict(_l("This mission's card is already authorized."))
    if payment.checkout_session_id:
        session = gateway().retrieve_checkout_session(payment.checkout_session_id)
        if session.status == "open" and session.url:
            return session.url
    if payment.status == PaymentStatus.CREATED and holds.defers_hold(mission):
        url = holds.setup_url(mission, payment, customer_id, success_url, cancel_url)
        if not url:
            raise DomainError(_l("The payment page is unavailable; try again in a moment."))
        return url
    payment.checkout_attempts += 1
    db.session.commit()
    session = gateway().create_checkout_session(CheckoutRequest(
        amount_cents=payment.amount_cents, currency=payment.currency,
        product_name=_product_name(mission),
        customer_id=customer_id, transfer_group=f"mission-{mission.id}",
        success_url=success_url, cancel_url=cancel_url,
        metadata={"mission_id": str(mission.id), "payment_id": str(payment.id)},
        idempotency_key=f"mkt:checkout:{payment.id}:{payment.checkout_attempts}",
    ))
    payment.checkout_session_id, payment.checkout_url = session.id, session.url
    db.session.commit()
    if not session.url:
        raise DomainError(_l("The payment page is unavailable; try again in a moment."))
    return session.url


def _product_name(mission: Mission) -> str:
    """The line the client reads on the hosted page: price, service fee and total."""
    cur = mission.currency
    return (f"Entraide mission #{mission.id}: {mission.title[:60]} (price "
            f"{format_cents(mission.price_cents, cur)} + service fee "
            f"{format_cents(mission.service_fee_cents, cur)} = "
            f"{format_cents(mission.total_cents, cur)})")


def sync_checkout_session(session_id: str) -> Payment | None:
    """Read a checkout session back from Stripe and apply its PaymentIntent."""
    payment = db.session.execute(
        db.select(Payment).where(Payment.checkout_session_id == session_id)
    ).scalar_one_or_none()
    if payment is None:
        return None
    session = gateway().retrieve_checkout_session(session_id)
    if session.mode == "setup" and session.saved_payment_method:
        holds.apply_saved_card(payment, session.saved_payment_method)
        db.session.commit()
    elif session.payment_intent is not None:
        apply_payment_intent(payment, session.payment_intent)
    return payment


def apply_payment_intent(payment: Payment, pi: PaymentIntentInfo) -> None:
    """Move payment and mission forward from what Stripe says about the PaymentIntent."""
    if pi.amount_cents != payment.amount_cents or pi.currency != payment.currency:
        raise DomainError(f"payment {payment.id}: PaymentIntent amount does not match")
    if payment.payment_intent_id not in (None, pi.id):
        return  # an older attempt's intent: the current one decides
    if pi.status == "canceled":
        holds.hold_lapsed(payment)
        db.session.commit()
        return
    if pi.status in ("requires_capture", "succeeded"):  # a failed attempt is never adopted
        payment.payment_intent_id = pi.id
        payment.charge_id = payment.charge_id or pi.charge_id
    # The return URL and the webhook may race: a conditional UPDATE lets exactly one win.
    if pi.status == "requires_capture" and _move_payment(
            payment, (PaymentStatus.CREATED, PaymentStatus.FAILED), PaymentStatus.AUTHORIZED,
            authorized_at=utcnow(), failure_message=None):
        holds.open_mission(payment.mission)
        payments_signals.payment_authorized.send(payment)
    elif pi.status == "requires_payment_method" and _move_payment(
            payment, (PaymentStatus.CREATED,), PaymentStatus.FAILED,
            failure_message=(pi.failure_message or "The card was declined.")[:255]):
        payments_signals.payment_failed.send(payment, payment_intent_id=pi.id)
    db.session.commit()


def _move_payment(payment: Payment, sources: tuple[PaymentStatus, ...],
                  target: PaymentStatus, **values: Any) -> bool:
    """Forward-only status change, applied only if the row is still in one of `sources`."""
    return transition(db.session, payment, PAYMENT_TRANSITIONS, target, sources=sources,
                      **values)




def payment_for(payment_intent_id: str, metadata: dict[str, str]) -> Payment | None:
    """Find our payment from a PaymentIntent id, or from the metadata we put on it."""
    payment = db.session.execute(
        db.select(Payment).where(Payment.payment_intent_id == payment_intent_id)
    ).scalar_one_or_none()
    payment_id = parse_id(str(metadata.get("payment_id", "")))
    if payment is None and payment_id is not None:
        payment = db.session.get(Payment, payment_id)
    return payment


def latest_payment(mission: Mission) -> Payment | None:
    return db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id)
        .order_by(Payment.id.desc()).limit(1)
    ).scalar_one_or_none()


def return_message(payment: Payment) -> str:
    """What the client reads back from the hosted page: a hold, or only a saved card."""
    if payment.status == PaymentStatus.SAVED:
        return str(_("Your card is saved: nearby helpers can now see your mission. %(terms)s",
                 terms=holds.saved_card_terms(payment.mission, payment)))
    return str(_("Your card is authorized: nearby helpers can now see your mission. "
             "You will be charged only when you confirm the work is done."))
