"""Races on PostgreSQL (row locks, real concurrency; skipped on SQLite, the PG pass runs them).

- 20 neighbours racing for the last units of stock get exactly the stock.
- Two closing workers at once: one claims the campaign, every order is captured once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows.group_purchases import closing, joining
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.models import GroupPayment, LedgerTransaction
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import CANCEL, OK, campaign, joined, make_due
from tests.support.factories import Factories

pytestmark = pytest.mark.postgres

NEIGHBOURS = 20


def _at_once(ctx: Flask, actions: list[Callable[[], object]]) -> list[str]:
    """Run each action in its own thread, app context and session, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [""] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        with ctx.app_context():
            try:
                barrier.wait(20)
                action()
                outcomes[i] = "won"
            except DomainError as exc:
                outcomes[i] = type(exc).__name__
            except Exception as exc:
                outcomes[i] = f"crashed: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_twenty_neighbours_race_for_the_last_units(ctx: Flask, make: Factories,
                                                  emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=1, maximum=10)
    joined(emu, c, make.client(), 3)  # 7 units left
    campaign_id = c.id
    user_ids = [make.client().id for _ in range(NEIGHBOURS)]
    db.session.commit()

    def join_as(user_id: int) -> Callable[[], object]:
        def action() -> object:
            user = db.session.get(User, user_id)
            assert user is not None
            return joining.join(campaign_id, user, 1, OK, CANCEL)
        return action

    outcomes = _at_once(ctx, [join_as(u) for u in user_ids])
    assert sorted(set(outcomes)) == ["SoldOutError", "won"], outcomes
    assert outcomes.count("won") == 7
    db.session.expire_all()
    c = db.session.get(Campaign, campaign_id)
    assert c is not None and c.reserved_quantity == 10
    live = db.session.execute(db.select(func.sum(Order.quantity)).where(
        Order.campaign_id == campaign_id, Order.status == OrderStatus.PENDING)).scalar_one()
    assert live == 7


def test_two_closing_workers_capture_each_order_once(ctx: Flask, make: Factories,
                                                    emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=3)
    for quantity in (1, 2, 3):
        joined(emu, c, make.client(), quantity)
    make_due(c)
    campaign_id = c.id
    statuses: list[CampaignStatus] = []

    def close_and_settle() -> object:
        statuses.append(closing.close_campaign(campaign_id))
        return closing.settle_campaign(campaign_id)

    outcomes = _at_once(ctx, [close_and_settle, close_and_settle])
    assert outcomes == ["won", "won"], outcomes
    assert set(statuses) == {CampaignStatus.CONFIRMED}
    db.session.expire_all()
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    assert {p.status for p in payments} == {PaymentStatus.CAPTURED}
    captures = db.session.execute(db.select(func.count(LedgerTransaction.id)).where(
        LedgerTransaction.kind == "group_capture")).scalar_one()
    assert captures == 3
    assert run_check().ok
