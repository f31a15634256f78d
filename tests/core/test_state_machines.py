"""Every status change goes through one table; anything not in it is refused."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask

from marketplace.core.db import db
from marketplace.core.errors import InvalidTransition
from marketplace.core.state import require_transition, transition
from marketplace.missions.lifecycle import (
    MISSION_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    MissionStatus,
    ProposalStatus,
    mission_transition,
    proposal_transition,
)
from marketplace.missions.models import Mission
from marketplace.notifications.models import (
    DELIVERY_TRANSITIONS,
    DeliveryStatus,
    delivery_transition,
)
from marketplace.payments.status import (
    BANK_PAYOUT_TRANSITIONS,
    DISPUTE_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    RECEIVABLE_TRANSITIONS,
    BankPayoutStatus,
    DisputeStatus,
    PaymentStatus,
    PayoutStatus,
    ReceivableStatus,
    bank_payout_transition,
    dispute_transition,
    payment_transition,
    payout_transition,
    receivable_transition,
)
from tests.support.factories import Factories

TABLES = [
    (MissionStatus, MISSION_TRANSITIONS, mission_transition),
    (PaymentStatus, PAYMENT_TRANSITIONS, payment_transition),
    (PayoutStatus, PAYOUT_TRANSITIONS, payout_transition),
    (ReceivableStatus, RECEIVABLE_TRANSITIONS, receivable_transition),
    (DisputeStatus, DISPUTE_TRANSITIONS, dispute_transition),
    (BankPayoutStatus, BANK_PAYOUT_TRANSITIONS, bank_payout_transition),
    (DeliveryStatus, DELIVERY_TRANSITIONS, delivery_transition),
    (ProposalStatus, PROPOSAL_TRANSITIONS, proposal_transition),
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


def test_bank_payouts_follow_stripe() -> None:
    B = BankPayoutStatus
    assert BANK_PAYOUT_TRANSITIONS[B.PAID] == frozenset({B.FAILED})  # the bank returned it
    assert BANK_PAYOUT_TRANSITIONS[B.FAILED] == BANK_PAYOUT_TRANSITIONS[B.CANCELED] == frozenset()


def test_the_helper_moves_a_row_once_and_never_rolls_back(ctx: Flask, make: Factories) -> None:
    mission = make.mission()
    assert mission.status == MissionStatus.OPEN
    stale = Mission(id=mission.id, status=MissionStatus.OPEN)  # what a racing reader saw
    assert transition(db.session, mission, MISSION_TRANSITIONS, MissionStatus.CANCELLED)
    assert mission.status == MissionStatus.CANCELLED  # the session's copy follows the UPDATE
    assert not transition(db.session, stale, MISSION_TRANSITIONS, MissionStatus.ASSIGNED)
    with pytest.raises(InvalidTransition):
        require_transition(db.session, stale, MISSION_TRANSITIONS, MissionStatus.ASSIGNED)
    with pytest.raises(InvalidTransition):  # the table refuses before any UPDATE
        transition(db.session, mission, MISSION_TRANSITIONS, MissionStatus.OPEN)
    assert db.session().in_transaction()  # the caller's transaction is intact: it decides
    db.session.commit()
    db.session.expire_all()
    assert mission.status == MissionStatus.CANCELLED
