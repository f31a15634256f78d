"""A request that only read ends with COMMIT on PostgreSQL (its connection keeps psycopg's
prepared statements); one that wrote anything, or raised, ends with ROLLBACK as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event, text

from marketplace.core.db import db
from marketplace.core.models import OutboxMessage

pytestmark = pytest.mark.postgres


@pytest.fixture
def endings(ctx: Flask) -> Iterator[list[str]]:
    seen: list[str] = []
    listeners = {"commit": lambda conn: seen.append("commit"),
                 "rollback": lambda conn: seen.append("rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(db.engine, name, listener)


def _outbox_rows(app: Flask) -> int:
    with app.app_context():
        return int(db.session.execute(text("SELECT count(*) FROM outbox_messages")).scalar_one())


def test_a_context_that_only_read_commits(ctx: Flask, endings: list[str]) -> None:
    with ctx.app_context():
        db.session.execute(db.select(OutboxMessage)).all()
    assert endings == ["commit"]


def test_a_flushed_change_left_uncommitted_is_rolled_back(ctx: Flask,
                                                          endings: list[str]) -> None:
    with ctx.app_context():
        db.session.add(OutboxMessage(task_name="payouts.release", args_json="[1]"))
        db.session.flush()
    assert endings[0] == "rollback" and _outbox_rows(ctx) == 0


def test_a_pending_change_is_neither_flushed_nor_kept(ctx: Flask, endings: list[str]) -> None:
    with ctx.app_context():
        db.session.execute(db.select(OutboxMessage)).all()
        db.session.add(OutboxMessage(task_name="payouts.release", args_json="[2]"))
    assert endings[0] == "rollback" and _outbox_rows(ctx) == 0


def test_a_raw_write_is_rolled_back(ctx: Flask, endings: list[str]) -> None:
    with ctx.app_context():
        db.session.execute(text("INSERT INTO outbox_messages (task_name, args_json, attempts,"
                                " created_at) VALUES ('payouts.release', '[3]', 0, now())"))
    assert endings[0] == "rollback" and _outbox_rows(ctx) == 0


def test_a_context_that_raised_is_rolled_back(ctx: Flask, endings: list[str]) -> None:
    with pytest.raises(RuntimeError), ctx.app_context():
        db.session.execute(db.select(OutboxMessage)).all()
        raise RuntimeError("the view failed")
    assert endings == ["rollback"]
