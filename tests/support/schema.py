"""Build the schema with the real migrations, and empty it between tests."""

from __future__ import annotations

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import text

from marketplace.extensions import db

# Reference data the migrations seed: kept between tests.
SEEDED_TABLES = frozenset({"categories"})


def reset_schema() -> None:
    """Drop whatever a previous run left, then `flask db upgrade` from empty."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def empty_tables() -> None:
    """Delete every row (ids keep growing on PostgreSQL) and drop queued jobs with them."""
    db.session.remove()
    current_app.extensions["celery"].control.purge()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)
              if t.name not in SEEDED_TABLES]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))  # noqa: S608 (our table names)
