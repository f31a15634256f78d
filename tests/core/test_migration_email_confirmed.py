"""Migration confirm01: every account that existed before email confirmation counts as
confirmed (run on a scratch SQLite database, like `flask db upgrade` on a deployed one)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


def test_existing_users_are_confirmed_by_the_migration(tmp_path: Path) -> None:
    db_file = tmp_path / "before.sqlite"
    env = {**os.environ, "ENTRAIDE_ENV": "development", "ENTRAIDE_INSTANCE_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{db_file}",
           "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"}
    _flask(env, "upgrade", "webhook02")
    with sqlite3.connect(db_file) as conn:
        conn.execute("INSERT INTO users (email, password_hash, full_name, is_client, "
                     "is_helper, is_operator, is_suspended, created_at) VALUES "
                     "('old@example.com', 'x', 'Old', 1, 0, 0, 0, '2026-01-01 00:00:00')")
    _flask(env, "upgrade", "confirm01")
    with sqlite3.connect(db_file) as conn:
        [(confirmed_at,)] = conn.execute("SELECT email_confirmed_at FROM users").fetchall()
    assert confirmed_at is not None
    _flask(env, "downgrade", "webhook02")  # and back, cleanly
