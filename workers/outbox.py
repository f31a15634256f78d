"""The outbox relay: publish rows whose transaction committed but never reached the broker."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.db import db
from marketplace.core.outbox import relay_pending


@shared_task(name="outbox.relay")
def relay() -> int:
    try:
        return relay_pending()
    finally:
        db.session.remove()
