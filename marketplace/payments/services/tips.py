"""Tips: the client of a completed mission adds an amount that goes 100 % to its helper.

The tip is its own charge: with the card the mission saved (off-session, when there is one)
or through a new hosted checkout. Both place a manual-capture hold that is captured at
once, the same two steps as a mission, so the webhook handlers and the return page share
`apply_payment_intent`. On capture the ledger owes the whole tip to the helper; Stripe's
fee on that charge is the platform's expense (no commission, nothing withheld). Then one
Transfer, keyed by the tip row (`mkt:tip-transfer:<id>`), pays the helper; a transfer that
fails transiently is retried by the `tips.transfer` task.
"""

from __future__ import annotations

import contextlib
import logging

from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.money import format_cents
from marketplace.core.state import transition
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.gateway import (
    CardDeclined,
    CheckoutRequest,
    GatewayError,
    PaymentIntentInfo,
)
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Payment, Tip
from marketplace.payments.services.capture import record_stripe_fee
from marketplace.payments.status import TIP_TRANSITIONS, TipStatus

log = logging.getLogger(__name__)


def tip_of(mission_id: int) -> Tip | None:
    return db.session.execute(db.select(Tip).where(Tip.mission_id == mission_id)
                              ).scalar_one_or_none()


def check_amount(amount_cents: int) -> None:
    low, high = current_app.config["TIP_MIN_CENTS"], current_app.config["TIP_MAX_CENTS"]
    if not low <= amount_cents <= high:
        raise DomainError(_("A tip is between %(low)s and %(high)s.",
                            low=format_cents(low), high=format_cents(high)))


def open_tip(mission: Mission, client: User, amount_cents: int) -> Tip:
    """The mission's tip row, new or a refused one tried again (caller checked the mission)."""
    check_amount(amount_cents)
    assert mission.helper_id is not None
    tip = tip_of(mission.id)
    if tip is not None and tip.status != TipStatus.FAILED and not (
            tip.status == TipStatus.PENDING and tip.amount_cents == amount_cents):
        raise Conflict(_("You have already tipped for this mission."))
    if tip is None:
        tip = Tip(mission_id=mission.id, client_id=client.id, helper_id=mission.helper_id,
                  amount_cents=amount_cents, currency=mission.currency, method="checkout",
                  attempts=0)
        db.session.add(tip)
    elif tip.status == TipStatus.FAILED:
        transition(db.session, tip, TIP_TRANSITIONS, TipStatus.PENDING,
                   amount_cents=amount_cents, failure_message=None)
    tip.attempts += 1
    db.session.commit()
    return tip


def saved_card(mission: Mission) -> str | None:
    """The card the mission's customer saved with us (far missions save it), if any."""
    return db.session.execute(
        db.select(Payment.payment_method_id).where(Payment.mission_id == mission.id,
                                                   Payment.payment_method_id.is_not(None))
        .order_by(Payment.id.desc()).limit(1)).scalar_one_or_none()


def charge_saved_card(tip: Tip, customer_id: str, payment_method_id: str) -> Tip:
    """Charge the tip off-session on the saved card; a refusal marks it failed."""
    tip.method = "card_on_file"
    db.session.commit()
    try:
        pi = gateway().authorize_off_session(
            tip.amount_cents, tip.currency, customer_id, payment_method_id,
            transfer_group=f"mission-{tip.mission_id}", metadata=_metadata(tip),
            idempotency_key=f"mkt:tip:{tip.id}:{tip.attempts}")
    except CardDeclined as exc:
        transition(db.session, tip, TIP_TRANSITIONS, TipStatus.FAILED,
                   failure_message=str(exc)[:255])
        db.session.commit()
        return tip
    apply_payment_intent(tip, pi)
    return tip


def checkout_url(tip: Tip, customer_id: str, success_url: str, cancel_url: str) -> str:
    """A hosted checkout page for the tip (the site's checkout, its own line)."""
    tip.method = "checkout"
    if tip.checkout_session_id and tip.checkout_url and tip.status == TipStatus.PENDING:
        session = gateway().retrieve_checkout_session(tip.checkout_session_id)
        if session.status == "open":
            return tip.checkout_url
    session = gateway().create_checkout_session(CheckoutRequest(
        amount_cents=tip.amount_cents, currency=tip.currency,
        product_name=f"Entraide: tip for mission #{tip.mission_id} (100 % to the helper)",
        customer_id=customer_id, transfer_group=f"mission-{tip.mission_id}",
        success_url=success_url, cancel_url=cancel_url, metadata=_metadata(tip),
        idempotency_key=f"mkt:tip-checkout:{tip.id}:{tip.attempts}"))
    tip.checkout_session_id, tip.checkout_url = session.id, session.url
    db.session.commit()
    if not session.url:
        raise DomainError(_("The payment page is unavailable; try again in a moment."))
    return session.url


def _metadata(tip: Tip) -> dict[str, str]:
    return {"tip_id": str(tip.id), "mission_id": str(tip.mission_id)}


def tip_for(payment_intent_id: str, metadata: dict[str, str]) -> Tip | None:
    """Our tip from a PaymentIntent (its id, or the tip_id we put in its metadata)."""
    tip = db.session.execute(db.select(Tip).where(Tip.payment_intent_id == payment_intent_id)
                             ).scalar_one_or_none()
    raw = str(metadata.get("tip_id", ""))
    if tip is None and raw.isdigit() and len(raw) < 12:
        tip = db.session.get(Tip, int(raw))
    return tip


def sync_checkout_session(session_id: str) -> Tip | None:
    tip = db.session.execute(db.select(Tip).where(Tip.checkout_session_id == session_id)
                             ).scalar_one_or_none()
    if tip is None:
        return None
    session = gateway().retrieve_checkout_session(session_id)
    if session.payment_intent is not None:
        apply_payment_intent(tip, session.payment_intent)
    return tip


def apply_payment_intent(tip: Tip, pi: PaymentIntentInfo) -> None:
    """Move the tip forward from its PaymentIntent: a hold is captured at once (the card is
    charged now), a refusal marks it failed. Only moves forward; replays are no-ops."""
    if pi.amount_cents != tip.amount_cents or pi.currency != tip.currency:
        raise DomainError(f"tip {tip.id}: PaymentIntent amount does not match")
    if tip.status != TipStatus.PENDING or tip.payment_intent_id not in (None, pi.id):
        return
    if pi.status == "requires_payment_method":
        transition(db.session, tip, TIP_TRANSITIONS, TipStatus.FAILED,
                   failure_message=(pi.failure_message or "The card was declined.")[:255])
        db.session.commit()
        return
    if pi.status == "requires_capture":
        tip.payment_intent_id = pi.id
        db.session.commit()
        pi = gateway().capture_payment_intent(pi.id, tip.amount_cents,
                                              idempotency_key=f"mkt:tip-capture:{tip.id}")
    if pi.status == "succeeded":
        _record_capture(tip, pi)


def _record_capture(tip: Tip, pi: PaymentIntentInfo) -> None:
    """Owe the whole tip to the helper; Stripe's fee on it is the platform's expense."""
    if not transition(db.session, tip, TIP_TRANSITIONS, TipStatus.CAPTURED,
                      sources=(TipStatus.PENDING,), payment_intent_id=pi.id,
                      charge_id=pi.charge_id, stripe_fee_cents=pi.stripe_fee_cents or 0,
                      captured_at=utcnow()):
        return  # the webhook and the return page raced: the other one recorded it
    ledger.record("tip", f"tip:{pi.id}", [
        Line(ledger.STRIPE_BALANCE, pi.amount_received_cents),
        Line(ledger.helper_payable(tip.helper_id), -pi.amount_received_cents),
    ], currency=tip.currency, mission_id=tip.mission_id,
        description=f"Tip for mission #{tip.mission_id} (100 % to the helper)",
        stripe_source_id=pi.charge_id)
    record_stripe_fee(pi, tip.currency, tip.mission_id, pi.charge_id)
    outbox.enqueue("tips.transfer", tip.id)  # the retry path, should the one below fail
    db.session.commit()
    with contextlib.suppress(GatewayError):  # logged; the task retries it
        transfer_tip(tip.id)


def transfer_tip(tip_id: int) -> TipStatus:
    """Send a captured tip to the helper's connected account (idempotent; the task retries
    transient errors)."""
    tip = db.session.get(Tip, tip_id)
    if tip is None or tip.status != TipStatus.CAPTURED:
        return tip.status if tip else TipStatus.FAILED
    profile = tip.helper.helper_profile
    if profile is None or not profile.stripe_account_id:
        log.warning("tip %s: the helper has no payout account yet", tip.id)
        return tip.status
    try:
        transfer = gateway().create_transfer(
            amount_cents=tip.amount_cents, currency=tip.currency,
            destination=profile.stripe_account_id, source_transaction=tip.charge_id or "",
            transfer_group=f"mission-{tip.mission_id}",
            metadata={"tip_id": str(tip.id), "mission_id": str(tip.mission_id)},
            idempotency_key=f"mkt:tip-transfer:{tip.id}")
    except GatewayError as exc:
        db.session.rollback()
        log.warning("tip %s: transfer failed (%s); the task retries", tip.id, exc)
        if exc.transient:
            raise
        return tip.status
    if transition(db.session, tip, TIP_TRANSITIONS, TipStatus.PAID,
                  transfer_id=transfer.id, paid_at=utcnow()):
        ledger.record("tip_transfer", f"transfer:{transfer.id}", [
            Line(ledger.helper_payable(tip.helper_id), transfer.amount_cents),
            Line(ledger.STRIPE_BALANCE, -transfer.amount_cents),
        ], currency=tip.currency, mission_id=tip.mission_id,
            description=f"Tip transferred to the helper for mission #{tip.mission_id}",
            stripe_source_id=transfer.id)
    db.session.commit()
    return TipStatus.PAID


def tips_of_helper(helper_id: int, limit: int = 100) -> list[Tip]:
    return list(db.session.execute(
        db.select(Tip).where(Tip.helper_id == helper_id,
                             Tip.status.in_((TipStatus.CAPTURED, TipStatus.PAID)))
        .order_by(Tip.id.desc()).limit(limit)).scalars())
