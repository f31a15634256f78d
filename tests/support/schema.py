"""Build the schema with the real migrations, and empty it between tests."""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from marketplace.core.db import db
from marketplace.places import ban

# Reference data the migrations seed (and the BAN fixture files imported once per run,
# tests/fixtures/ban): kept between tests.
SEEDED_TABLES = frozenset({"categories", "ban_addresses"})
BAN_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ban"


def reset_schema() -> None:
    """Drop whatever a previous run left, then `flask db upgrade` from empty."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    import_ban_fixtures()


def import_ban_fixtures() -> None:
    """Street-level addresses for the offline geocoder (Asnières, Colombes, Marseille, Paris)."""
    for path in sorted(BAN_FIXTURES.glob("adresses-*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            ban.import_file(stream)


def empty_tables() -> None:
    """Empty every table but seeded reference data, and drop queued jobs with the rows.

    On PostgreSQL retry when the session's worker, still finishing a job from the test,
    deadlocks with the TRUNCATE (its locks go away a moment later).
    """
    db.session.remove()
    current_app.extensions["celery"].control.purge()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)
              if t.name not in SEEDED_TABLES]
    for attempt in range(5):
        try:
            _empty(tables)
            return
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty(tables: list[str]) -> None:
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            _empty_postgresql(conn, tables)
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)


def _empty_postgresql(conn: Connection, tables: list[str]) -> None:
    """DELETE the few tables a test wrote to, not TRUNCATE all of them.

    TRUNCATE swaps every table's files and syncs them at commit: 0.8-1.5 s for the ~40
    tables on this shared 2-core machine, after each of ~2,000 tests. A test writes to a
    handful of small tables, which DELETE empties in 40-60 ms (measured the same way).
    The ledger's append-only triggers (and the foreign keys' triggers, so the order does
    not matter) are off for this one transaction (`session_replication_role`, superuser
    only: the suite's `postgres` role); without that right, TRUNCATE as before.
    """
    which = " UNION ALL ".join(  # one round trip asks every table whether it has a row
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables)  # noqa: S608
    written = list(conn.execute(text(which)).scalars())
    if not written:
        return
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        return
    for name in written:
        conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)
