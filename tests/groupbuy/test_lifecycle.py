"""The campaign and order state machines, through the one state helper."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.core.db import db
from marketplace.core.errors import InvalidTransition
from marketplace.core.state import check_transition, transition
from marketplace.groupbuy.lifecycle import (
    CAMPAIGN_TRANSITIONS,
    ORDER_TRANSITIONS,
    CampaignStatus,
    OrderStatus,
)
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign
from tests.support.factories import Factories

TERMINAL_CAMPAIGN = {CampaignStatus.CALLED_OFF, CampaignStatus.CANCELLED,
                     CampaignStatus.COMPLETED}
TERMINAL_ORDER = {OrderStatus.RESOLVED, OrderStatus.WITHDRAWN, OrderStatus.ABANDONED,
                  OrderStatus.DROPPED, OrderStatus.RELEASED}


def test_tables_cover_every_status_and_end_where_expected() -> None:
    assert set(CAMPAIGN_TRANSITIONS) == set(CampaignStatus)
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)
    assert {s for s, targets in CAMPAIGN_TRANSITIONS.items() if not targets} == TERMINAL_CAMPAIGN
    assert {s for s, targets in ORDER_TRANSITIONS.items() if not targets} == TERMINAL_ORDER


@pytest.mark.parametrize("current", list(CampaignStatus))
@pytest.mark.parametrize("target", list(CampaignStatus))
def test_every_campaign_pair_is_allowed_or_refused(current: CampaignStatus,
                                                   target: CampaignStatus) -> None:
    if target in CAMPAIGN_TRANSITIONS[current]:
        assert check_transition(CAMPAIGN_TRANSITIONS, current, target) == target
    else:
        with pytest.raises(InvalidTransition):
            check_transition(CAMPAIGN_TRANSITIONS, current, target)


def test_money_never_moves_back_to_open() -> None:
    """Once charged, an order never becomes live again; a closed campaign never reopens."""
    charged = {OrderStatus.CAPTURED, OrderStatus.HANDED_OVER, OrderStatus.DISPUTED}
    live = {OrderStatus.PENDING, OrderStatus.ACTIVE, OrderStatus.PAYMENT_NEEDED}
    assert all(not (ORDER_TRANSITIONS[s] & live) for s in charged)
    assert all(CampaignStatus.OPEN not in targets for targets in CAMPAIGN_TRANSITIONS.values())


def test_the_conditional_update_lets_one_claim_win(ctx: Flask, make: Factories,
                                                   emu: StripeEmulator) -> None:
    c = campaign(make, emu)
    sources = (CampaignStatus.OPEN,)
    assert transition(db.session, c, CAMPAIGN_TRANSITIONS, CampaignStatus.CLOSING,
                      sources=sources)
    assert not transition(db.session, c, CAMPAIGN_TRANSITIONS, CampaignStatus.CLOSING,
                          sources=sources)
    with pytest.raises(InvalidTransition):
        transition(db.session, c, CAMPAIGN_TRANSITIONS, CampaignStatus.OPEN)
    db.session.rollback()
