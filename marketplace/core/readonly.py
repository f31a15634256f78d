"""On PostgreSQL a request that wrote nothing ends its transaction with COMMIT.

psycopg prepares a statement once it has run five times on a connection, so PostgreSQL
stops parsing and planning it; but psycopg discards every prepared statement of a
connection that rolls back. Flask-SQLAlchemy ends each request by closing its session,
which rolls back, so no page ever ran a prepared statement: each of its statements was
parsed and planned on every request (a third of PostgreSQL's time on the operators'
report). A transaction that wrote nothing ends the same whether it commits or rolls back,
so such a request commits instead, and the connection keeps its prepared statements.
(PostgreSQL then plans a prepared statement generically once that plan costs no more than
planning it each time; the two nearest-first searches whose generic plan it misjudges
choose theirs explicitly: missions/matching/geo.py.)

A request ends as before (rollback) when it raised, when its session holds changes not yet
written, or when its transaction ran any statement other than a SELECT (an INSERT, an
UPDATE, a DELETE, DDL, a lock...): nothing a request did not mean to keep is ever kept.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from marketplace.core import outbox
from marketplace.core.db import db

_WROTE = "entraide_wrote"  # on the connection's info while its transaction may have written


def install(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return  # SQLite has no prepared statements to keep
    _listen(engine)
    app.teardown_appcontext(_end_read_only)  # runs before Flask-SQLAlchemy closes the session


def _listen(engine: Engine) -> None:
    event.listen(engine, "before_cursor_execute", _note_writes)
    for name in ("commit", "rollback"):
        event.listen(engine, name, _transaction_ended)
    event.listen(engine.pool, "reset", _pool_reset)


def _note_writes(conn: Connection, cursor: object, statement: str, *_: Any) -> None:
    if not statement.lstrip()[:6].upper().startswith("SELECT"):
        conn.info[_WROTE] = True


def _transaction_ended(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


def _pool_reset(dbapi_connection: object, record: Any, reset_state: object) -> None:
    record.info.pop(_WROTE, None)


def _end_read_only(exc: BaseException | None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if outbox.has_unsent(session):
        return
    if session.connection().info.get(_WROTE):
        return
    try:
        session.commit()
    except SQLAlchemyError:  # the connection went away: closing the session rolls back
        session.rollback()
