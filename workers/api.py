"""API schedules: forget Idempotency-Keys older than a day."""

from __future__ import annotations

from celery import shared_task

from marketplace.api.idempotency import sweep
from marketplace.core.db import db


@shared_task(name="api.sweep_idempotency_keys")
def sweep_idempotency_keys() -> int:
    try:
        return sweep()
    finally:
        db.session.remove()
