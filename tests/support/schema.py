"""Build the schema with the real migrations, and empty it between tests."""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

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
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)
