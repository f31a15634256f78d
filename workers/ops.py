"""Operational schedules: the worker heartbeat."""

from __future__ import annotations

import socket

from celery import shared_task

from marketplace.core.db import db
from marketplace.core.health import beat


@shared_task(name="ops.heartbeat")
def heartbeat() -> str:
    hostname = socket.gethostname()
    try:
        beat(hostname)
        return hostname
    finally:
        db.session.remove()


@shared_task(name="ops.noop")
def noop() -> None:
    """Does nothing: the benchmark's yardstick for the broker and worker overhead."""
