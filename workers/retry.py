"""Retry policy shared by tasks: exponential backoff with jitter, transient errors only."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from celery import Task

from marketplace.core.db import db

T = TypeVar("T")

MAX_RETRIES = 8
BASE_DELAY_S = 2
MAX_DELAY_S = 600


def backoff(retries: int) -> float:
    """Delay before attempt `retries + 1`: 2, 4, 8 ... seconds, capped, with full jitter."""
    ceiling: float = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** retries)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _never(exc: Exception) -> bool:
    return False


def not_transient(exc: Exception) -> bool:
    """A gateway refusal (a 4xx, a decline) that a retry would only repeat."""
    return not getattr(exc, "transient", False)


def run_retrying(task: Task, work: Callable[[], T], *, errors: tuple[type[Exception], ...],
                 permanent: Callable[[Exception], bool] = _never) -> T:
    """Run a task's service call: on one of `errors` roll back and retry later with backoff,
    unless `permanent` says retrying cannot help; the session is released either way.
    The attempt counts that matter to people are kept in our rows by the services."""
    try:
        return work()
    except errors as exc:
        db.session.rollback()
        if permanent(exc):
            raise
        raise task.retry(exc=exc, countdown=backoff(task.request.retries)) from exc
    finally:
        db.session.remove()
