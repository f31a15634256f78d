"""A Hypothesis state machine over the money services, against the emulator.

Steps: book (near: card hold; far: card only saved), assign, cancel (client early/late,
helper), done, propose a lower price, confirm, refund, client dispute, bank dispute, resolve
(release, full refund, or a split of X to the helper and Y back to the client), release
payouts, collect fees clients owe, webhook replays. Clients owe exactly the fees not collected yet.
After every step: every ledger transaction balances, the ledger reconciles with Stripe's
balance transactions, no helper is paid above what they are owed, and for every mission
captured = transfers - reversals + refunds + dispute withdrawals + platform revenue + what
the helper is still owed - the platform's dispute losses.

`pytest -m slow` runs >= 500 examples; the default run uses a few.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from sqlalchemy import func

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import completion as completion_flow
from marketplace.flows import disputes as dispute_flow
from marketplace.flows.refunds import refund
from marketplace.missions.models import Mission
from marketplace.missions.services import completion, missions
from marketplace.payments import ledger, webhooks
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import (
    ClientReceivable,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    Refund,
)
from marketplace.payments.services import disputes, receivables
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.services.refunds import RefundRequest
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories, started
from tests.support.money import (
    authorized_mission,
    onboarded_helper,
    release_now,
    saved_card_mission,
)
from tests.support.schema import empty_tables

EXAMPLES = int(os.environ.get("MONEY_SM_EXAMPLES", "4"))
EMU: StripeEmulator | None = None


def _emu() -> StripeEmulator:
    assert EMU is not None
    return EMU


def _payment(mission_id: int) -> Payment | None:
    return db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission_id)
        .order_by(Payment.id.desc()).limit(1)).scalar_one_or_none()


def _ledger_sum(mission_id: int, account_like: str) -> int:
    return int(db.session.execute(
        db.select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.mission_id == mission_id,
               LedgerEntry.account.like(account_like))).scalar_one())


class MoneyMachine(RuleBasedStateMachine):
    missions = Bundle("missions")

    @initialize()
    def setup(self) -> None:
        db.session.remove()
        empty_tables()
        _emu().reset()
        self.make = Factories()
        from marketplace.accounts import services as accounts

        self.operator = accounts.make_operator("ops@example.com", PASSWORD)
        self.helpers = [onboarded_helper(self.make, _emu()) for _ in range(2)]

    def _attempt(self, fn, *args) -> None:  # type: ignore[no-untyped-def]
        """Refusals are part of the game (a rule saying no); nothing may be half-written."""
        try:
            fn(*args)
        except (DomainError, GatewayError):
            db.session.rollback()

    def _mission(self, mission_id: int) -> Mission:
        db.session.expire_all()
        mission = db.session.get(Mission, mission_id)
        assert mission is not None
        return mission

    @rule(target=missions, price=st.integers(1_000, 20_000))
    def book(self, price: int) -> int:
        return authorized_mission(self.make, _emu(), price_cents=price).id

    @rule(target=missions, price=st.integers(1_000, 20_000), which=st.integers(0, 1),
          contest=st.booleans())
    def book_and_finish(self, price: int, which: int, contest: bool) -> int:
        """A shortcut to the states where disputes happen (done, maybe contested)."""
        mission = authorized_mission(self.make, _emu(), price_cents=price)
        booking.accept_mission(mission.id, self.helpers[which])
        started(mission)
        missions.mark_done(mission.id, self.helpers[which])
        if contest:
            disputes.open_by_client(mission.id, mission.client, "Not done properly")
        return mission.id

    @rule(target=missions, price=st.integers(1_000, 20_000),
          card=st.sampled_from(["4242424242424242", "4000002760003184"]),
          which=st.sampled_from([None, 0, 1]))
    def book_far(self, price: int, card: str, which: int | None) -> int:
        """Card only saved, no hold: a late cancellation makes the client owe the fee."""
        mission = saved_card_mission(self.make, _emu(), card, price_cents=price)
        if which is not None:
            booking.accept_mission(mission.id, self.helpers[which])
        return mission.id

    def _collect_fees(self) -> None:
        """What the worker does at once with a fee booked as owed (outbox job)."""
        for receivable_id in db.session.execute(db.select(ClientReceivable.id).where(
                ClientReceivable.status == receivables.OUTSTANDING)).scalars().all():
            self._attempt(receivables.collect, receivable_id)

    @rule(mission_id=missions, which=st.integers(0, 1))
    def assign(self, mission_id: int, which: int) -> None:
        self._attempt(booking.accept_mission, mission_id, self.helpers[which])

    @rule(mission_id=missions, late=st.booleans())
    def client_cancels(self, mission_id: int, late: bool) -> None:
        mission = self._mission(mission_id)
        start = utcnow() + (timedelta(hours=5) if late else timedelta(days=2))
        mission.starts_at, mission.ends_at = start, start + timedelta(hours=2)
        db.session.commit()
        self._attempt(cancellation_flow.cancel_by_client, mission_id, mission.client,
                      "Plans changed")
        self._collect_fees()

    @rule(mission_id=missions)
    def helper_withdraws(self, mission_id: int) -> None:
        mission = self._mission(mission_id)
        if mission.helper is not None:
            self._attempt(cancellation_flow.cancel_by_helper, mission_id, mission.helper, "Sick")

    @rule(mission_id=missions)
    def done(self, mission_id: int) -> None:
        mission = self._mission(mission_id)
        if mission.helper is not None:
            started(mission)  # done is refused before the start time
            self._attempt(missions.mark_done, mission_id, mission.helper)

    @rule(mission_id=missions, percent=st.integers(50, 99), accept=st.booleans())
    def lower_price(self, mission_id: int, percent: int, accept: bool) -> None:
        mission = self._mission(mission_id)
        if mission.helper is not None:
            self._attempt(completion.propose_final_price, mission_id, mission.helper,
                          mission.price_cents * percent // 100)
            self._attempt(completion.answer_final_price, mission_id, mission.client, accept)

    @rule(mission_id=missions)
    def confirm(self, mission_id: int) -> None:
        self._attempt(completion_flow.confirm_completion, mission_id,
                      self._mission(mission_id).client)

    @rule(mission_id=missions, share=st.floats(0.01, 1.0), helper_part=st.floats(0, 1))
    def operator_refunds(self, mission_id: int, share: float, helper_part: float) -> None:
        mission = self._mission(mission_id)
        amount = max(1, int(mission.total_cents * share))
        helper = min(int(amount * helper_part), mission.helper_share_cents)
        self._attempt(refund, self.operator,
                      RefundRequest(mission_id, amount, helper, "state machine"))

    @rule(mission_id=missions)
    def client_disputes(self, mission_id: int) -> None:
        self._attempt(disputes.open_by_client, mission_id, self._mission(mission_id).client,
                      "Not done properly")

    @rule(mission_id=missions)
    def bank_disputes(self, mission_id: int) -> None:
        payment = _payment(mission_id)
        if payment is None or payment.status != PaymentStatus.CAPTURED or not payment.charge_id:
            return
        if _emu().get(payment.charge_id).get("disputed"):
            return
        dispute = _emu().create_dispute(payment.charge_id)
        webhooks.HANDLERS["charge.dispute.created"](dispute)
        webhooks.HANDLERS["charge.dispute.created"](dispute)  # a replayed delivery

    @rule(resolution=st.sampled_from(disputes.RESOLUTIONS), part=st.floats(0, 1),
          back=st.floats(0, 1), stray=st.sampled_from([0, 0, 0, -1, 1]))
    def resolve(self, resolution: str, part: float, back: float, stray: int) -> None:
        """Two-amount split: X to the helper, Y back to the client, drawn inside the allowed
        range, or (stray) one cent below it (the platform would keep the helper's money) or
        above it (more than available): those must be refused with nothing written."""
        open_ones = disputes.open_disputes()
        if not open_ones:
            return
        dispute = open_ones[0]
        bounds = disputes.split_bounds(dispute)
        to_helper = int(bounds.helper_max * part)
        low, high = bounds.helper_max - to_helper, bounds.available - to_helper
        to_client = low + int((high - low) * back) if bounds.refundable else 0
        if stray:
            to_client = {-1: low - 1, 1: high + 1}[stray] if bounds.refundable else stray
        self._attempt(dispute_flow.resolve, self.operator, dispute.id, resolution, to_helper,
                      "machine", to_client)
        db.session.expire_all()
        event(f"resolve {dispute.opened_by} {resolution}: {dispute.status}")
        if resolution == "split" and (stray == 1 or (stray and bounds.refundable)):
            assert dispute.status == "open", "an out-of-range split was accepted"
        if dispute.status == "resolved" and dispute.opened_by == "client":
            self._check_split(dispute, bounds)

    def _check_split(self, dispute: disputes.Dispute, bounds: disputes.SplitBounds) -> None:
        """The client got Y back (never charged), the helper is owed exactly X, and the
        platform kept the rest of what was available."""
        x, y = dispute.helper_cents or 0, dispute.refund_cents or 0
        assert x + y <= bounds.available and x <= bounds.helper_max
        payment = _payment(dispute.mission_id)
        assert payment is not None
        if payment.status == PaymentStatus.CAPTURED:
            assert payment.captured_cents == bounds.available - y
        payout = db.session.execute(db.select(Payout.amount_cents).where(
            Payout.mission_id == dispute.mission_id)).scalar_one_or_none()
        assert (payout or 0) == x

    @rule()
    def release_payouts(self) -> None:
        for payout_id in db.session.execute(db.select(Payout.id).where(
                Payout.status == PayoutStatus.SCHEDULED)).scalars().all():
            self._attempt(release_now, payout_id)

    @invariant()
    def ledger_balances_and_reconciles(self) -> None:
        if not hasattr(self, "make"):
            return
        db.session.expire_all()
        result = run_check()
        assert result.ok, result.problems

    @invariant()
    def clients_owe_exactly_their_uncollected_fees(self) -> None:
        if not hasattr(self, "make"):
            return
        owed = int(db.session.execute(
            db.select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
            .where(LedgerEntry.account.like("client:%:receivable"))).scalar_one())
        uncollected = int(db.session.execute(
            db.select(func.coalesce(func.sum(ClientReceivable.amount_cents), 0)).where(
                ClientReceivable.status.in_([receivables.OUTSTANDING, receivables.FAILED]))
        ).scalar_one())
        assert owed == uncollected

    @invariant()
    def every_captured_cent_is_accounted_for(self) -> None:
        if not hasattr(self, "make"):
            return
        for payment in db.session.execute(db.select(Payment).where(
                Payment.status == PaymentStatus.CAPTURED)).scalars():
            self._check_mission(payment)

    def _check_mission(self, payment: Payment) -> None:
        emu = _emu()
        charge = emu.get(payment.charge_id or "")
        released = charge["amount"] - charge["amount_captured"]
        refunded = charge["amount_refunded"] - released
        transfers = sum(t["amount"] - t["amount_reversed"] for t in emu.objects("transfer")
                        if t["transfer_group"] == f"mission-{payment.mission_id}")
        disputed = sum(t["net"] + t["fee"] for d in emu.objects("dispute")
                       if d["charge"] == charge["id"] for t in d["balance_transactions"])
        revenue = -(_ledger_sum(payment.mission_id, ledger.COMMISSION_REVENUE)
                    + _ledger_sum(payment.mission_id, ledger.SERVICE_FEE_REVENUE)
                    + _ledger_sum(payment.mission_id, ledger.REFUNDS))
        owed = -_ledger_sum(payment.mission_id, "helper:%:payable")
        losses = _ledger_sum(payment.mission_id, ledger.DISPUTES)
        assert owed >= 0, "a helper was paid more than owed"
        assert charge["amount_captured"] == \
            transfers + refunded - disputed + revenue + owed - losses
        assert refunded <= charge["amount_captured"]


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
    MoneyMachine.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=16, deadline=None,
        suppress_health_check=list(HealthCheck))
    MoneyMachine.TestCase().runTest()


def test_money_state_machine(machine_env: None) -> None:
    _run(EXAMPLES)


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_money_state_machine_500_examples(machine_env: None) -> None:
    """Deselected by default (pyproject addopts); run with `-m slow`."""
    _run(500)


@pytest.mark.parametrize("resolution", disputes.RESOLUTIONS)
def test_bank_dispute_after_a_refund_from_the_helper(machine_env: None, resolution: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The sequence that broke "a helper was paid more than owed", step by step: a refund took
    part of the helper's share after capture, then the bank disputed the charge; resolving it
    gave (release, split) or took back (refund) the whole share instead of what was left."""
    monkeypatch.setitem(globals(), "event", lambda _label: None)  # Hypothesis-only statistics
    machine = MoneyMachine()
    machine.setup()
    mission_id = machine.book_and_finish(price=12_000, which=0, contest=False)
    machine.confirm(mission_id)
    machine.operator_refunds(mission_id, share=0.1, helper_part=1.0)
    assert db.session.execute(db.select(func.count()).select_from(Refund)).scalar_one() == 1
    machine.bank_disputes(mission_id)
    machine.resolve(resolution, part=1.0, back=0.0, stray=0)
    machine.release_payouts()
    machine.ledger_balances_and_reconciles()
    machine.clients_owe_exactly_their_uncollected_fees()
    machine.every_captured_cent_is_accounted_for()
    assert not disputes.open_disputes()
