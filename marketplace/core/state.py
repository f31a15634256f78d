"""One idiom for every state machine: an enum, an allowed-transition table, and one way to
change a status.

A status changes either by the conditional UPDATE of `transition` (`... WHERE id = :id AND
status IN (:sources)`: of two concurrent changes exactly one wins), or by a locked
assignment (`row.status = check_transition(TABLE, row.status, target)` on a row read
`with_for_update`). Neither commits nor rolls back: the caller owns the transaction, and
whoever catches the error (the use case's caller, an error handler) rolls it back. Claim the
local state first, call Stripe after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql.elements import ColumnElement

from marketplace.core.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


def check_transition(table: Mapping[S, frozenset[S]], current: S, target: S) -> S:
    """Return target if the table allows current -> target, else raise InvalidTransition."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(f"cannot go from {current} to {target}")
    return target


def transition(session: Session | scoped_session[Any], row: Any,
               table: Mapping[S, frozenset[S]], target: S, *, sources: Iterable[S] | None = None,
               where: Iterable[ColumnElement[bool]] = (), **values: Any) -> bool:
    """Move `row` to `target` with one conditional UPDATE; True if this call won.

    `sources` are the states the change may start from (default: the status the caller
    read); each source -> target must be in the table, else InvalidTransition (a bug, not a
    race). The UPDATE applies only while the row is still in one of them (and matches any
    extra `where`); `values` are set with the status. False means the row moved meanwhile:
    nothing was written.
    """
    froms = tuple(sources) if sources is not None else (row.status,)
    if not froms:
        raise ValueError("a transition needs at least one source state")
    for source in froms:
        check_transition(table, source, target)
    model = type(row)
    result = cast("CursorResult[Any]", session.execute(
        update(model).where(model.id == row.id, model.status.in_(froms), *where)
        .values(status=target, **values)
        .execution_options(synchronize_session="fetch")))
    return bool(result.rowcount == 1)


def require_transition(session: Session | scoped_session[Any], row: Any,
                       table: Mapping[S, frozenset[S]], target: S, *,
                       sources: Iterable[S] | None = None,
                       where: Iterable[ColumnElement[bool]] = (),
                       error: InvalidTransition | None = None, **values: Any) -> None:
    """`transition`, raising `error` (an InvalidTransition) if the row moved meanwhile."""
    if not transition(session, row, table, target, sources=sources, where=where, **values):
        raise error or InvalidTransition(
            f"{type(row).__name__} {row.id} changed meanwhile; please reload.")
