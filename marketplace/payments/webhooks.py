"""Stripe webhooks: verify, store once by event id, process later in a worker.

Handlers only move state forward, so events arriving twice or out of order are harmless.
Unknown types are stored and acknowledged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.failpoints import WEBHOOK_AFTER_HANDLER, failpoint
from marketplace.payments.gateway import account_from_dict, payment_intent_from_dict
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import StripeEvent
from marketplace.payments.services import bank_payouts, checkout, disputes, onboarding

log = logging.getLogger(__name__)


class BadSignature(ValueError):
    """The webhook was not signed by Stripe with our secret (or is too old)."""


def receive(payload: bytes, signature: str | None) -> tuple[StripeEvent | None, bool]:
    """Verify and store an event; return (event, created). Nothing is stored if unverified."""
    if not signature:
        raise BadSignature("missing Stripe-Signature header")
    try:
        event = gateway().parse_webhook(payload, signature)
    except ValueError as exc:
        raise BadSignature(str(exc)) from exc
    existing = _stored(event["id"])
    if existing is not None:
        return existing, False
    stored = StripeEvent(event_id=event["id"], type=event["type"],
                         payload=json.dumps(event), received_at=utcnow())
    db.session.add(stored)
    try:
        db.session.flush()
    except IntegrityError:  # the same event, delivered concurrently
        db.session.rollback()
        return _stored(event["id"]), False
    outbox.enqueue("webhooks.process", stored.id)
    db.session.commit()
    return stored, True


def backfill(since_ts: int) -> int:
    """Store events Stripe has but we never received (a lost delivery); return how many.

    They come from the API with our secret key, so they need no signature.
    """
    added = 0
    for event in reversed(gateway().list_events_since(since_ts)):
        if _stored(event["id"]) is not None:
            continue
        stored = StripeEvent(event_id=event["id"], type=event["type"],
                             payload=json.dumps(event), received_at=utcnow())
        db.session.add(stored)
        db.session.flush()  # a concurrent delivery of the same event fails this run; the next
        outbox.enqueue("webhooks.process", stored.id)  # backfill finds it stored
        added += 1
    db.session.commit()
    return added


def unprocessed(grace_seconds: int = 60, limit: int = 200) -> list[int]:
    """Stored events still unprocessed after a grace period (their job was lost)."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    return list(db.session.execute(
        db.select(StripeEvent.id).where(StripeEvent.processed_at.is_(None),
                                        StripeEvent.received_at <= cutoff)
        .order_by(StripeEvent.id).limit(limit)).scalars())


def _stored(event_id: str) -> StripeEvent | None:
    return db.session.execute(
        db.select(StripeEvent).where(StripeEvent.event_id == event_id)
    ).scalar_one_or_none()


def process(stored_id: int) -> bool:
    """Apply a stored event once; return False if it had been processed already."""
    stored = db.session.get(StripeEvent, stored_id, with_for_update=True)
    if stored is None or stored.processed_at is not None:
        db.session.rollback()
        return False
    stored.attempts += 1
    event = json.loads(stored.payload)
    obj = event["data"]["object"]
    handler = HANDLERS.get(stored.type)
    if handler is not None:
        handler(obj)
    connect_handler = CONNECT_HANDLERS.get(stored.type)
    if connect_handler is not None:
        connect_handler(obj, event.get("account"))
    failpoint(WEBHOOK_AFTER_HANDLER)
    stored = db.session.get(StripeEvent, stored_id)
    assert stored is not None
    stored.processed_at = utcnow()
    db.session.commit()
    return True


def _account_updated(obj: dict[str, Any]) -> None:
    onboarding.apply_account_state(account_from_dict(obj))


def _checkout_completed(obj: dict[str, Any]) -> None:
    checkout.sync_checkout_session(obj["id"])


def _payment_intent_changed(obj: dict[str, Any]) -> None:
    payment = checkout.payment_for(obj["id"], obj.get("metadata") or {})
    if payment is None:
        log.info("webhook: PaymentIntent %s is not ours", obj["id"])
        return
    checkout.apply_payment_intent(payment, payment_intent_from_dict(obj))


def _dispute_created(obj: dict[str, Any]) -> None:
    disputes.open_from_stripe(obj)


def _dispute_closed(obj: dict[str, Any]) -> None:
    disputes.closed_from_stripe(obj)


def _acknowledge(obj: dict[str, Any]) -> None:
    """Events whose effect our own call already recorded (refunds, transfers, captures):
    stored for the record; nothing moves backwards."""


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "charge.dispute.created": _dispute_created,
    "charge.dispute.closed": _dispute_closed,
    "charge.refunded": _acknowledge,
    "payment_intent.succeeded": _acknowledge,
    "payment_intent.canceled": _payment_intent_changed,
    "transfer.created": _acknowledge,
    "transfer.reversed": _acknowledge,
    "account.updated": _account_updated,
    "checkout.session.completed": _checkout_completed,
    "payment_intent.amount_capturable_updated": _payment_intent_changed,
    "payment_intent.payment_failed": _payment_intent_changed,
}


def _bank_payout_changed(obj: dict[str, Any], account: str | None) -> None:
    bank_payouts.apply_stripe_payout(obj, account)


# Events that happen on a connected account: the handler also needs `event.account`.
CONNECT_HANDLERS: dict[str, Callable[[dict[str, Any], str | None], None]] = {
    "payout.created": _bank_payout_changed,
    "payout.updated": _bank_payout_changed,
    "payout.paid": _bank_payout_changed,
    "payout.failed": _bank_payout_changed,
    "payout.canceled": _bank_payout_changed,
}
