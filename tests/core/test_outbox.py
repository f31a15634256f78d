"""The outbox: jobs exist only if their transaction commits, and the relay re-sends strays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import OutboxMessage


def messages() -> list[OutboxMessage]:
    return list(db.session.execute(db.select(OutboxMessage)).scalars())


def test_a_rolled_back_change_queues_nothing(ctx: Flask) -> None:
    outbox.enqueue("payouts.release", 1)
    db.session.rollback()
    assert messages() == []


def test_a_committed_job_is_published_after_commit(ctx: Flask) -> None:
    outbox.enqueue("payouts.release", 1)
    db.session.commit()
    [message] = messages()
    assert message.published_at is not None and message.attempts == 1


def test_a_broker_failure_leaves_the_job_for_the_relay(ctx: Flask,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    celery = ctx.extensions["celery"]

    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(celery, "send_task", broker_down)
    outbox.enqueue("payouts.release", 2)
    db.session.commit()  # the user's change is saved all the same
    [message] = messages()
    assert message.published_at is None
    monkeypatch.undo()
    message.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert outbox.relay_pending() == 1
    db.session.refresh(message)
    assert message.published_at is not None


def test_the_relay_waits_out_the_grace_period(ctx: Flask) -> None:
    db.session.add(OutboxMessage(task_name="payouts.release", args_json="[3]"))
    db.session.commit()  # as if the process died between commit and publish
    assert outbox.relay_pending() == 0
    assert outbox.relay_pending(grace_seconds=0) == 1
    assert outbox.relay_pending(grace_seconds=0) == 0
