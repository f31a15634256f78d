"""Every status change goes through one table; anything not in it is refused."""

from __future__ import annotations

import itertools

import pytest

from marketplace.core.errors import InvalidTransition
from marketplace.missions.lifecycle import MISSION_TRANSITIONS, MissionStatus, mission_transition
from marketplace.payments.status import (
    PAYMENT_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    PaymentStatus,
    PayoutStatus,
    payment_transition,
    payout_transition,
)

TABLES = [
    (MissionStatus, MISSION_TRANSITIONS, mission_transition),
    (PaymentStatus, PAYMENT_TRANSITIONS, payment_transition),
    (PayoutStatus, PAYOUT_TRANSITIONS, payout_transition),
]


@pytest.mark.parametrize(("enum", "table", "move"), TABLES)
def test_table_decides_every_pair(enum, table, move) -> None:  # type: ignore[no-untyped-def]
    assert set(table) == set(enum), "every state has a row"
    for current, target in itertools.product(enum, enum):
        if target in table[current]:
            assert move(current, target) is target
        else:
            with pytest.raises(InvalidTransition):
                move(current, target)


def test_the_happy_path_is_allowed() -> None:
    path = [MissionStatus.PENDING_PAYMENT, MissionStatus.OPEN, MissionStatus.ASSIGNED,
            MissionStatus.DONE, MissionStatus.COMPLETED]
    for current, target in itertools.pairwise(path):
        mission_transition(current, target)


def test_terminal_states_go_nowhere() -> None:
    assert MISSION_TRANSITIONS[MissionStatus.CANCELLED] == frozenset()
    # a completed mission moves again only if the bank reports a dispute (chargeback)
    assert MISSION_TRANSITIONS[MissionStatus.COMPLETED] == frozenset({MissionStatus.DISPUTED})
    assert PAYOUT_TRANSITIONS[PayoutStatus.PAID] == frozenset()
    with pytest.raises(InvalidTransition):
        payout_transition(PayoutStatus.PAID, PayoutStatus.SCHEDULED)
