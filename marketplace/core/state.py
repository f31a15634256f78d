"""One helper for every state machine: an enum plus an allowed-transition table."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from marketplace.core.errors import InvalidTransition

S = TypeVar("S", bound=StrEnum)


def check_transition(table: Mapping[S, frozenset[S]], current: S, target: S) -> S:
    """Return target if the table allows current -> target, else raise InvalidTransition."""
    if target not in table.get(current, frozenset()):
        raise InvalidTransition(f"cannot go from {current.value} to {target.value}")
    return target
