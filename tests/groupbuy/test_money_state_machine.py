"""A Hypothesis state machine of group purchases against the emulator.

Steps: neighbours join two campaigns (closing soon: a card hold; closing far: the card only
saved) with a good card or one the bank refuses later, finish the hosted page or not,
change their quantity (an increase on a held card opens a page for the extra), withdraw;
the worker places off-session holds (refusals: 24 h to pay), participants pay again, the
card steps left unfinished are given back; closing (before or after the 24 h), handovers,
a dispute refunded in part, the seller's payout.

After every step: every ledger transaction balances, the ledger check passes (the
reconciliation with Stripe's balance included), the stock counter equals what live orders
reserve and never exceeds the stock, no payment captures more than its hold, and a
confirmed campaign's captures are exactly the final price x the units of its charged orders.

MONEY_SM_EXAMPLES sets the number of examples (a few by default, CI's budget is tight).
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows.group_purchases import after, closing, joining
from marketplace.flows.group_purchases import disputes as group_disputes
from marketplace.groupbuy.lifecycle import CHARGED, RESERVING, CampaignStatus, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments import ledger
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import GroupPayment
from marketplace.payments.services import group_refunds
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from stripe_emulator.errors import StripeError
from tests.groupbuy.support import (
    CANCEL,
    DECLINES_LATER,
    GOOD_CARD,
    OK,
    campaign,
    latest_payment,
    make_due,
    pay,
    payout_due_now,
)
from tests.support.factories import PASSWORD, Factories
from tests.support.schema import empty_tables

EXAMPLES = int(os.environ.get("MONEY_SM_EXAMPLES", "3"))
EMU: StripeEmulator | None = None
NEIGHBOURS = 5
CARDS = st.sampled_from([GOOD_CARD, DECLINES_LATER])


def _emu() -> StripeEmulator:
    assert EMU is not None
    return EMU


class GroupMoneyMachine(RuleBasedStateMachine):
    @initialize(minimum=st.integers(2, 8), stock=st.sampled_from([None, 9, 14]))
    def setup(self, minimum: int, stock: int | None) -> None:
        db.session.remove()
        empty_tables()
        _emu().reset()
        self.make = Factories()
        from marketplace.accounts import services as accounts

        self.operator = accounts.make_operator("ops@example.com", PASSWORD)
        near = campaign(self.make, _emu(), minimum=minimum, maximum=stock)
        far = campaign(self.make, _emu(), minimum=minimum, maximum=stock,
                       closes_in=timedelta(days=9))
        self.campaign_ids = [near.id, far.id]
        self.user_ids = [self.make.client().id for _ in range(NEIGHBOURS)]

    def _attempt(self, fn, *args):  # type: ignore[no-untyped-def]
        """A rule saying no is part of the game (a refused card on the hosted page too);
        nothing may be half-written."""
        try:
            return fn(*args)
        except (DomainError, GatewayError, StripeError):
            db.session.rollback()
            return None

    def _user(self, i: int):  # type: ignore[no-untyped-def]
        from marketplace.accounts.models import User

        db.session.expire_all()
        return db.session.get(User, self.user_ids[i])

    def _order(self, c: int, u: int, statuses: frozenset[OrderStatus] = RESERVING) -> Order | None:
        db.session.expire_all()
        return db.session.execute(db.select(Order).where(
            Order.campaign_id == self.campaign_ids[c], Order.user_id == self.user_ids[u],
            Order.status.in_(statuses)).order_by(Order.id.desc()).limit(1)).scalar_one_or_none()

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1), quantity=st.integers(1, 5),
          card=CARDS, finish=st.booleans())
    def join(self, c: int, u: int, quantity: int, card: str, finish: bool) -> None:
        result = self._attempt(joining.join, self.campaign_ids[c], self._user(u), quantity,
                               OK, CANCEL)
        if result is not None and finish:
            self._attempt(pay, _emu(), latest_payment(result.order), card)

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1), quantity=st.integers(1, 6),
          finish=st.booleans())
    def change(self, c: int, u: int, quantity: int, finish: bool) -> None:
        order = self._order(c, u)
        if order is None:
            return
        result = self._attempt(joining.change_quantity, order.id, self._user(u), quantity,
                               OK, CANCEL)
        if result is not None and result.url and finish:
            self._attempt(pay, _emu(), latest_payment(order), GOOD_CARD)

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1))
    def withdraw(self, c: int, u: int) -> None:
        order = self._order(c, u)
        if order is not None:
            self._attempt(joining.withdraw, order.id, self._user(u))

    @rule()
    def holds_before_closing(self) -> None:
        self._attempt(closing.authorize_due, utcnow() + timedelta(days=8))

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1))
    def pay_again(self, c: int, u: int) -> None:
        order = self._order(c, u, frozenset({OrderStatus.PAYMENT_NEEDED}))
        if order is not None and self._attempt(joining.pay_again, order.id, self._user(u),
                                               OK, CANCEL):
            self._attempt(pay, _emu(), latest_payment(order), GOOD_CARD)

    @rule()
    def unfinished_pages_expire(self) -> None:
        self._attempt(joining.abandon_stale, utcnow() + timedelta(hours=2))

    @rule(c=st.integers(0, 1), after_deadlines=st.booleans())
    def close(self, c: int, after_deadlines: bool) -> None:
        row = db.session.get(Campaign, self.campaign_ids[c])
        assert row is not None
        if row.status == CampaignStatus.OPEN:
            make_due(row)
        when = utcnow() + (timedelta(hours=25) if after_deadlines else timedelta())
        self._attempt(closing.close_campaign, row.id, when)
        self._attempt(closing.settle_campaign, row.id)

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1))
    def hand_over(self, c: int, u: int) -> None:
        order = self._order(c, u, frozenset({OrderStatus.CAPTURED}))
        if order is not None:
            self._attempt(after.confirm_handover, order.id, order.campaign.seller)

    @rule(c=st.integers(0, 1), u=st.integers(0, NEIGHBOURS - 1), share=st.integers(0, 4))
    def dispute(self, c: int, u: int, share: int) -> None:
        order = self._order(c, u, frozenset({OrderStatus.CAPTURED, OrderStatus.HANDED_OVER}))
        if order is None:
            return
        row = self._attempt(group_disputes.open_dispute, order.id, self._user(u), "Torn box")
        if row is not None:
            refund = group_refunds.refundable(order) * share // 4
            self._attempt(group_disputes.resolve_dispute, row.id, self.operator, refund, "ok")

    @rule(c=st.integers(0, 1))
    def pay_seller(self, c: int) -> None:
        row = db.session.get(Campaign, self.campaign_ids[c])
        if row is None or row.status != CampaignStatus.CONFIRMED:
            return
        from marketplace.payments.services.group_payouts import payout_of

        if payout_of(row.id) is not None:
            self._attempt(after.pay_seller, payout_due_now(row).id)

    @invariant()
    def books_hold(self) -> None:
        db.session.expire_all()
        assert ledger.unbalanced_transactions() == []
        result = run_check()
        assert result.ok, result.problems

    @invariant()
    def stock_counter_is_what_live_orders_reserve(self) -> None:
        for campaign_id in getattr(self, "campaign_ids", []):
            row = db.session.get(Campaign, campaign_id)
            assert row is not None
            live = db.session.execute(db.select(Order).where(
                Order.campaign_id == campaign_id, Order.status.in_(RESERVING))).scalars().all()
            extras = sum(p.quantity for o in live if o.status == OrderStatus.ACTIVE
                         for p in _payments(o) if p.status in (PaymentStatus.CREATED,
                                                               PaymentStatus.FAILED))
            assert row.reserved_quantity == sum(o.quantity for o in live) + extras
            assert row.maximum_quantity is None or row.reserved_quantity <= row.maximum_quantity

    @invariant()
    def captures_are_the_final_price(self) -> None:
        for campaign_id in getattr(self, "campaign_ids", []):
            row = db.session.get(Campaign, campaign_id)
            assert row is not None
            payments = db.session.execute(db.select(GroupPayment).where(
                GroupPayment.campaign_id == campaign_id)).scalars().all()
            assert all(p.captured_cents <= p.amount_cents for p in payments)
            if row.status not in (CampaignStatus.CONFIRMED, CampaignStatus.COMPLETED):
                assert all(p.status != PaymentStatus.CAPTURED for p in payments)
                continue
            charged = db.session.execute(db.select(Order).where(
                Order.campaign_id == campaign_id, Order.status.in_(CHARGED))).scalars().all()
            captured = sum(p.captured_cents for p in payments
                           if p.status == PaymentStatus.CAPTURED)
            assert captured == (row.final_unit_price_cents or 0) * sum(
                o.quantity for o in charged)


def _payments(order: Order) -> list[GroupPayment]:
    return list(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id)).scalars())


@pytest.fixture
def machine_env(app: Flask, stripe_emulator: StripeEmulator,  # type: ignore[no-untyped-def]
                monkeypatch: pytest.MonkeyPatch):
    """Session app and emulator, webhooks to a live server paused, payouts released by the
    machine itself, and one argon2 hash reused (the machine creates users per example)."""
    global EMU
    EMU = stripe_emulator
    from marketplace.accounts import services as account_services

    hashed = account_services.hash_password(PASSWORD)
    monkeypatch.setattr(account_services, "hash_password", lambda _password: hashed)
    endpoints = stripe_emulator.webhooks.endpoints[:]
    stripe_emulator.webhooks.endpoints.clear()
    with app.app_context():
        delay = app.config["PAYOUT_DELAY_SECONDS"]
        app.config["PAYOUT_DELAY_SECONDS"] = 3600
        yield
        app.config["PAYOUT_DELAY_SECONDS"] = delay
        db.session.remove()
        empty_tables()
    stripe_emulator.webhooks.endpoints[:] = endpoints


def _run(examples: int) -> None:
    GroupMoneyMachine.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=20, deadline=None,
        suppress_health_check=list(HealthCheck))
    GroupMoneyMachine.TestCase().runTest()


def test_group_money_state_machine(machine_env: None) -> None:
    _run(EXAMPLES)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_group_money_state_machine_200_examples(machine_env: None) -> None:
    """Deselected by default (pyproject addopts); run with `-m slow`."""
    _run(200)
