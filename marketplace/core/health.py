"""Liveness, readiness, and the worker heartbeat operators look at."""

from __future__ import annotations

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import WorkerHeartbeat


def beat(hostname: str) -> None:
    """Record that a worker on `hostname` is alive and running scheduled tasks."""
    row = db.session.execute(
        db.select(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname)
    ).scalar_one_or_none()
    if row is None:
        row = WorkerHeartbeat(hostname=hostname, last_seen=utcnow())
        db.session.add(row)
    row.last_seen = utcnow()
    db.session.commit()
