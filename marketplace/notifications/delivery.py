"""Deliver one notification on one channel, at most once per successful send.

A delivery is claimed (status `sending`, committed) before the send and marked `sent`
after; a claim older than CLAIM_TIMEOUT is considered lost with its worker and retried.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.state import transition
from marketplace.notifications.models import (
    DELIVERY_TRANSITIONS,
    Channel,
    DeliveryStatus,
    NotificationDelivery,
    delivery_transition,
)
from marketplace.notifications.senders import (
    PermanentSendError,
    TransientSendError,
    send_email,
    sms_provider,
)

CLAIM_TIMEOUT = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def deliver(delivery_id: int) -> DeliveryStatus | None:
    """Send if still due; raise TransientSendError for the task to retry later."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    try:
        _send(delivery)
    except PermanentSendError as exc:
        return _finish(delivery, DeliveryStatus.FAILED, str(exc))
    except TransientSendError as exc:
        final = delivery.attempts >= MAX_ATTEMPTS
        _finish(delivery, DeliveryStatus.FAILED if final else DeliveryStatus.PENDING, str(exc))
        if not final:
            raise
        return DeliveryStatus.FAILED
    return _finish(delivery, DeliveryStatus.SENT, None)


def _claim(delivery_id: int) -> NotificationDelivery | None:
    """Take the delivery with one conditional UPDATE, so two workers never both send it:
    a pending one, or one whose claim is older than CLAIM_TIMEOUT."""
    now = utcnow()
    delivery = db.session.get(NotificationDelivery, delivery_id)
    won = delivery is not None and transition(
        db.session, delivery, DELIVERY_TRANSITIONS, DeliveryStatus.SENDING,
        sources=(DeliveryStatus.PENDING, DeliveryStatus.SENDING),
        where=[(NotificationDelivery.status == DeliveryStatus.PENDING)
               | (NotificationDelivery.claimed_at <= now - CLAIM_TIMEOUT)],
        claimed_at=now, attempts=NotificationDelivery.attempts + 1)
    db.session.commit()
    return delivery if won else None


def _send(delivery: NotificationDelivery) -> None:
    note = delivery.notification
    user = db.session.get(User, note.user_id)
    assert user is not None
    locale = json.loads(note.context_json).get("locale", "fr")
    if delivery.channel == Channel.EMAIL:
        page = {"title": note.title, "body": note.body, "link": note.link, "locale": locale}
        with force_locale(locale):  # the email's frame speaks the notification's language
            text = render_template("notifications/email/message.txt", **page)
            html = render_template("notifications/email/message.html", **page)
        send_email(user.email, note.title, text, html,
                   message_id=f"<notification-{note.id}-email@entraide>")
    elif user.phone:
        text = f"{note.title}. {note.link}" if note.link else note.title
        sms_provider().send(user.phone, text[:300])
    else:
        raise PermanentSendError("no phone number")


def _finish(delivery: NotificationDelivery, status: DeliveryStatus,
            error: str | None) -> DeliveryStatus:
    delivery.status = delivery_transition(delivery.status, status)  # ours: claimed
    delivery.last_error = (error or "")[:500] or None
    if status == DeliveryStatus.SENT:
        delivery.sent_at = utcnow()
    db.session.commit()
    return status


def due_deliveries(limit: int = 200) -> list[int]:
    """Pending deliveries whose message may have been lost, and stale claims."""
    cutoff = utcnow() - timedelta(minutes=1)
    stale = utcnow() - CLAIM_TIMEOUT
    rows = db.session.execute(
        db.select(NotificationDelivery.id).where(
            ((NotificationDelivery.status == DeliveryStatus.PENDING)
             & (NotificationDelivery.created_at <= cutoff))
            | ((NotificationDelivery.status == DeliveryStatus.SENDING)
               & (NotificationDelivery.claimed_at <= stale)))
        .limit(limit)).scalars().all()
    return list(rows)
