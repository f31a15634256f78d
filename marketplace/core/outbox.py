"""Transactional outbox: jobs are rows written with the state change that causes them.

A row is published to Celery after its transaction commits; anything left unpublished
(broker down, process killed) is re-sent by `relay_pending`, and every consumer is
idempotent, so a second delivery is harmless.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import OutboxMessage

log = logging.getLogger(__name__)
_PENDING_KEY = "outbox_pending"
_FLUSHED_KEY = "outbox_flushed"


def enqueue(task_name: str, *args: Any, eta: datetime | None = None) -> OutboxMessage:
    """Add a job to the current transaction; it is sent only if the transaction commits."""
    message = OutboxMessage(task_name=task_name, args_json=json.dumps(list(args)), eta=eta)
    db.session.add(message)
    db.session.info.setdefault(_PENDING_KEY, []).append(message)
    return message


def task_id_for(message_id: int) -> str:
    """A deterministic Celery task id, so a re-published row is recognisably the same job."""
    return f"outbox-{message_id}"


def _send(message_id: int, task_name: str, args: list[Any], eta: datetime | None) -> bool:
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(task_name, args=args, task_id=task_id_for(message_id), eta=eta)
    except Exception:  # the broker being down must not fail the user's request
        log.warning("outbox: could not publish message %s; the relay will retry", message_id,
                    exc_info=True)
        return False
    return True


def publish(message_id: int, task_name: str, args: list[Any], eta: datetime | None) -> bool:
    """Send one row to the broker and stamp it; a broker failure leaves it for the relay."""
    if not _send(message_id, task_name, args, eta):
        return False
    with db.engine.begin() as conn:
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(published_at=utcnow(), attempts=OutboxMessage.attempts + 1)
        )
    return True


def relay_pending(limit: int = 100, grace_seconds: int = 30) -> int:
    """Publish rows committed but never sent (after a grace period); return how many."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    rows = db.session.execute(
        db.select(OutboxMessage)
        .where(OutboxMessage.published_at.is_(None), OutboxMessage.created_at <= cutoff)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # two relays never send the same rows (PostgreSQL)
    ).scalars().all()
    sent = 0
    for message in rows:
        message.attempts += 1
        if _send(message.id, message.task_name, message.args, message.eta):
            message.published_at = utcnow()
            sent += 1
    db.session.commit()
    return sent


def has_unsent(session: Session) -> bool:
    """Whether the session holds messages for its transaction's commit to publish."""
    return bool(session.info.get(_PENDING_KEY) or session.info.get(_FLUSHED_KEY))


@event.listens_for(Session, "after_flush_postexec")
def _remember_flushed(session: Session, flush_context: object) -> None:
    pending = session.info.get(_PENDING_KEY, [])
    flushed = session.info.setdefault(_FLUSHED_KEY, [])
    for message in [m for m in pending if m.id is not None]:
        flushed.append((message.id, message.task_name, message.args, message.eta))
        pending.remove(message)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    for job in session.info.pop(_FLUSHED_KEY, []):
        publish(*job)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_FLUSHED_KEY, None)
