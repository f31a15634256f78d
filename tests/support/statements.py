"""The SQL statements a block of code sends, as tests that pin statement counts read them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from marketplace.core.db import db


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every statement sent through the engine inside the block, in order."""
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
