"""Keyset pagination by id: a page is `size` rows past the last id seen, so page 1,000
costs what page 1 does (an OFFSET would read and drop every row before it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import abort, request

from marketplace.core.converters import parse_id
from marketplace.core.db import db

T = TypeVar("T")
PAGE_SIZE = 100


@dataclass(frozen=True)
class Keyset(Generic[T]):
    items: list[T]
    next_start: int | None  # the id the next page starts after, None on the last page


def start_arg(name: str = "start") -> int | None:
    """The page's `start` query argument: absent is the first page; anything but an id is
    a 400 (a link we did not write)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    start = parse_id(raw)
    if start is None:
        abort(400)
    return start


def by_id(query: Any, column: Any, *, start: int | None = None, size: int = PAGE_SIZE,
          newest_first: bool = True) -> Keyset[Any]:
    """One page of `query` (a select of one entity) ordered by `column` (its id)."""
    if start is not None:
        query = query.where(column < start if newest_first else column > start)
    query = query.order_by(column.desc() if newest_first else column).limit(size + 1)
    rows = list(db.session.execute(query).scalars())
    more = len(rows) > size
    rows = rows[:size]
    return Keyset(rows, rows[-1].id if more and rows else None)
