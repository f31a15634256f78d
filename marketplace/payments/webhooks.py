"""Stripe webhooks: verify, store once by event id, process later in a worker.

Handlers only move state forward, so events arriving twice or out of order are harmless.
Unknown types are stored and acknowledged. A verified event without the shape the handlers
read (an object with string `id` and `type`, `data.object` an object, the ids its handler
looks up as strings) is refused before it is stored. A stored event whose handler keeps
failing is dead-lettered after MAX_ATTEMPTS: the sweeper leaves it and operators see it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace.accounts.models import User
from marketplace.core import audit, outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.failpoints import WEBHOOK_AFTER_HANDLER, failpoint
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.payments.gateway import GatewayError, account_from_dict, payment_intent_from_dict
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import StripeEvent
from marketplace.payments.services import (
    bank_payouts,
    checkout,
    disputes,
    group_bank_disputes,
    group_checkout,
    onboarding,
    tips,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # failures of a handler before its event is dead-lettered
_EVENT_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,80}")  # event ids and types (String(80) columns)
_OBJECT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")  # the Stripe ids handlers look up


class BadSignature(ValueError):
    """The webhook was not signed by Stripe with our secret (or is too old)."""


class MalformedEvent(ValueError):
    """A verified event without the shape its handler reads: refused, never stored."""


def receive(payload: bytes, signature: str | None) -> tuple[StripeEvent | None, bool]:
    """Verify and store an event; return (event, created). Nothing is stored if unverified."""
    if not signature:
        raise BadSignature("missing Stripe-Signature header")
    try:
        event = gateway().parse_webhook(payload, signature)
    except ValueError as exc:
        raise BadSignature(str(exc)) from exc
    except Exception as exc:  # the SDK chokes on a signed body that is not an event object
        raise MalformedEvent(f"not an event: {exc}") from exc
    check_shape(event)
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
        try:
            check_shape(event)
        except MalformedEvent as exc:
            log.warning("webhook backfill: skipping a malformed event: %s", exc)
            continue
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


def check_shape(event: Any) -> dict[str, Any]:
    """Refuse what no handler can read: every key and id they index, with its type."""
    if not isinstance(event, dict):
        raise MalformedEvent("an event is a JSON object")
    for key in ("id", "type"):
        if not isinstance(event.get(key), str) or not _EVENT_KEY.fullmatch(event[key]):
            raise MalformedEvent(f"`{key}` must be a Stripe identifier")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("`data.object` must be an object")
    account = event.get("account")
    if account is not None and not (isinstance(account, str) and _OBJECT_ID.fullmatch(account)):
        raise MalformedEvent("`account` must be a Stripe account id")
    obj = data["object"]
    for key in ID_FIELDS.get(event["type"], ()):
        if not isinstance(obj.get(key), str) or not _OBJECT_ID.fullmatch(obj[key]):
            raise MalformedEvent(f"`data.object.{key}` must be a Stripe id")
    if event["type"] in ID_FIELDS and not isinstance(obj.get("metadata") or {}, dict):
        raise MalformedEvent("`data.object.metadata` must be an object")
    return event


def unprocessed(grace_seconds: int = 60, limit: int = 200) -> list[int]:
    """Stored events still unprocessed after a grace period (their job was lost); the
    dead-lettered ones are left for an operator."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    return list(db.session.execute(
        db.select(StripeEvent.id).where(StripeEvent.processed_at.is_(None),
                                        StripeEvent.dead_lettered_at.is_(None),
                                        StripeEvent.received_at <= cutoff)
        .order_by(StripeEvent.id).limit(limit)).scalars())


def dead_letters(limit: int = 100) -> list[StripeEvent]:
    """Events the worker gave up on, newest first (the operators' queue)."""
    return list(db.session.execute(
        db.select(StripeEvent).where(StripeEvent.dead_lettered_at.is_not(None))
        .order_by(StripeEvent.dead_lettered_at.desc(), StripeEvent.id.desc())
        .limit(limit)).scalars())


def replay(operator: User, stored_id: int) -> StripeEvent:
    """An operator's retry of a dead-lettered event, once its cause is fixed: a full set of
    attempts again (Stripe resending it would only be a duplicate of the stored event)."""
    stored = db.session.get(StripeEvent, stored_id, with_for_update=True)
    if stored is None:
        raise NotFound(_l("No such event."))
    if stored.dead_lettered_at is None:
        raise Conflict(_l("Only an event the worker gave up on can be retried."))
    audit.record(operator, "webhook.replay", "stripe_event", stored.id,
                 before={"attempts": stored.attempts, "last_error": stored.last_error})
    stored.dead_lettered_at, stored.attempts = None, 0
    outbox.enqueue("webhooks.process", stored.id)
    db.session.commit()
    return stored


def _stored(event_id: str) -> StripeEvent | None:
    return db.session.execute(
        db.select(StripeEvent).where(StripeEvent.event_id == event_id)
    ).scalar_one_or_none()


def process(stored_id: int) -> bool:
    """Apply a stored event once; return False if it had been processed already, or if this
    failure dead-lettered it. Other failures are recorded on the row and raised again."""
    stored = db.session.get(StripeEvent, stored_id, with_for_update=True)
    if stored is None or stored.processed_at is not None or stored.dead_lettered_at is not None:
        db.session.rollback()
        return False
    stored.attempts += 1
    attempt = stored.attempts
    try:
        _dispatch(check_shape(_parsed(stored.payload)))
    except Exception as exc:
        db.session.rollback()
        if _record_failure(stored_id, attempt, exc):
            return False
        raise
    failpoint(WEBHOOK_AFTER_HANDLER)
    stored = db.session.get(StripeEvent, stored_id)
    assert stored is not None
    stored.processed_at = utcnow()
    db.session.commit()
    return True


def _parsed(payload: str) -> Any:
    """The stored body as JSON; a body that is not (stored before checks existed) is as
    malformed as any other, so it is dead-lettered at once rather than retried."""
    try:
        return json.loads(payload)
    except ValueError as exc:
        raise MalformedEvent("the stored body is not JSON") from exc


def _dispatch(event: dict[str, Any]) -> None:
    obj = event["data"]["object"]
    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler(obj)
    connect_handler = CONNECT_HANDLERS.get(event["type"])
    if connect_handler is not None:
        connect_handler(obj, event.get("account"))


def _transient(exc: Exception) -> bool:
    """Stripe or the database briefly unavailable: worth retrying however often it happens."""
    return isinstance(exc, OperationalError) or (isinstance(exc, GatewayError)
                                                 and exc.transient)


def _record_failure(stored_id: int, attempt: int, exc: Exception) -> bool:
    """Keep the attempt and its error (the handler may have committed before failing, or
    not); dead-letter the event once a permanent failure reaches MAX_ATTEMPTS, or at once if
    it was stored before its shape was checked. Say whether it is dead now."""
    stored = db.session.get(StripeEvent, stored_id, with_for_update=True)
    if stored is None or stored.processed_at is not None:
        db.session.rollback()
        return False
    stored.attempts = max(stored.attempts, attempt)
    stored.last_error = f"{type(exc).__name__}: {exc}"[:500]
    dead = isinstance(exc, MalformedEvent) or (not _transient(exc)
                                               and stored.attempts >= MAX_ATTEMPTS)
    if dead:
        stored.dead_lettered_at = utcnow()
    db.session.commit()
    log.log(logging.ERROR if dead else logging.WARNING,
            "webhook %s (%s) failed, attempt %s%s: %s", stored.event_id, stored.type,
            stored.attempts, ", dead-lettered" if dead else "", stored.last_error)
    return dead


def _account_updated(obj: dict[str, Any]) -> None:
    onboarding.apply_account_state(account_from_dict(obj))


def _checkout_completed(obj: dict[str, Any]) -> None:
    metadata = obj.get("metadata") or {}
    for key, (on_session, _on_intent) in BY_METADATA.items():
        if metadata.get(key):
            on_session(obj)
            return
    checkout.sync_checkout_session(obj["id"])


def _payment_intent_changed(obj: dict[str, Any]) -> None:
    metadata = obj.get("metadata") or {}
    for key, (_on_session, on_intent) in BY_METADATA.items():
        if metadata.get(key):
            on_intent(obj)
            return
    payment = checkout.payment_for(obj["id"], metadata)
    if payment is None:
        log.info("webhook: PaymentIntent %s is not ours", obj["id"])
        return
    checkout.apply_payment_intent(payment, payment_intent_from_dict(obj))


def _dispute_created(obj: dict[str, Any]) -> None:
    """A mission's charge, else a group purchase's (each looks its payment up by charge)."""
    if disputes.open_from_stripe(obj) is None:
        group_bank_disputes.open_from_stripe(obj)


def _dispute_updated(obj: dict[str, Any]) -> None:
    group_bank_disputes.updated_from_stripe(obj)


def _dispute_closed(obj: dict[str, Any]) -> None:
    disputes.closed_from_stripe(obj)
    group_bank_disputes.closed_from_stripe(obj)


def _acknowledge(obj: dict[str, Any]) -> None:
    """Events whose effect our own call already recorded (refunds, transfers, captures):
    stored for the record; nothing moves backwards."""


def _tip_session(obj: dict[str, Any]) -> None:
    tips.sync_checkout_session(obj["id"])


def _tip_intent(obj: dict[str, Any]) -> None:
    tip = tips.tip_for(obj["id"], obj.get("metadata") or {})
    if tip is not None:
        tips.apply_payment_intent(tip, payment_intent_from_dict(obj))


def _group_session(obj: dict[str, Any]) -> None:
    group_checkout.sync_checkout_session(obj["id"])


def _group_intent(obj: dict[str, Any]) -> None:
    payment = group_checkout.payment_for(obj["id"], obj.get("metadata") or {})
    if payment is None:
        log.info("webhook: PaymentIntent %s is not ours", obj["id"])
        return
    group_checkout.apply_intent_event(payment, payment_intent_from_dict(obj))


Handler = Callable[[dict[str, Any]], None]
# Payments other than a mission's carry a metadata key naming their row: the checkout
# session's and the PaymentIntent's handlers of each kind (a mission's is the default).
BY_METADATA: dict[str, tuple[Handler, Handler]] = {
    "tip_id": (_tip_session, _tip_intent),
    "group_payment_id": (_group_session, _group_intent),
}


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "charge.dispute.created": _dispute_created,
    "charge.dispute.updated": _dispute_updated,
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

# The keys of `data.object` each handled type's handler looks our rows up by.
ID_FIELDS: dict[str, tuple[str, ...]] = {
    **{event_type: ("id",) for event_type in (*HANDLERS, *CONNECT_HANDLERS)},
    "charge.dispute.created": ("id", "charge"),
}
