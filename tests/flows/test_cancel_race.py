"""A late cancellation racing the helper's "done": the fee is captured only if the mission
really is cancelled (the mission is claimed under lock before Stripe is called).

Two requests at once, on PostgreSQL (row locks, real concurrency): the client cancels
within the late window (a fee would be captured from the hold) while the helper marks the
work done. Whoever wins, never a captured fee on a mission that stays uncancelled.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission, MissionCancellation
from marketplace.missions.services import missions
from marketplace.payments import ledger
from marketplace.payments.models import LedgerTransaction, Payment
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.money import authorized_mission, onboarded_helper

pytestmark = pytest.mark.postgres

ROUNDS = 12
PRICE, FEE, HELPER_GETS = 4500, 1125, 956  # 25 % of 45 €; the helper's part after commission


def _late_assigned_mission(make: Factories, emu: StripeEmulator) -> tuple[int, int, int, str]:
    """A paid (real hold at the emulator), assigned mission that started 5 minutes ago."""
    mission = authorized_mission(make, emu, price_cents=PRICE)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    # started a moment ago (a helper marks done only once it has started): still late
    mission.starts_at = utcnow() - timedelta(minutes=5)
    mission.ends_at = mission.starts_at + timedelta(hours=2)
    db.session.commit()
    assert cancellation_flow.terms_for_client(mission).late_fee_cents == FEE
    payment = db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id)).scalar_one()
    assert payment.status == PaymentStatus.AUTHORIZED and payment.payment_intent_id
    return mission.id, mission.client_id, helper.id, payment.payment_intent_id


def _race(ctx: Flask, contenders: list[tuple[int, Callable[[User], object]]],
          delays: list[float]) -> list[str]:
    """Run each (user id, action) in its own thread, app context and session, at once."""
    barrier = threading.Barrier(len(contenders))
    outcomes = [""] * len(contenders)

    def contend(i: int, user_id: int, action: Callable[[User], object]) -> None:
        with ctx.app_context():
            try:
                user = db.session.get(User, user_id)
                assert user is not None
                barrier.wait(10)
                time.sleep(delays[i])
                action(user)
                outcomes[i] = "won"
            except DomainError as exc:
                outcomes[i] = f"refused: {type(exc).__name__}"
            except Exception as exc:
                outcomes[i] = f"crashed: {exc!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=contend, args=(i, uid, act))
               for i, (uid, act) in enumerate(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_late_cancel_racing_done_never_leaves_a_fee_on_an_uncancelled_mission(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    seen: dict[str, int] = {}
    for n in range(ROUNDS):
        mission_id, client_id, helper_id, pi_id = _late_assigned_mission(make, emu)
        db.session.remove()
        # vary who gets a head start (a few ms), so both orders are exercised
        head_start = [0.0, random.uniform(0, 0.02)] if n % 2 else [random.uniform(0, 0.02), 0.0]

        def client_cancels(client: User, m: int = mission_id) -> object:
            return cancellation_flow.cancel_by_client(m, client, "Sick today")

        def helper_is_done(helper: User, m: int = mission_id) -> object:
            return missions.mark_done(m, helper)

        cancel, done = _race(ctx, [(client_id, client_cancels), (helper_id, helper_is_done)],
                             head_start)

        mission = db.session.get(Mission, mission_id)
        assert mission is not None
        pi = emu.get(pi_id)
        payment = db.session.execute(
            db.select(Payment).where(Payment.mission_id == mission_id)).scalar_one()
        txns = db.session.execute(db.select(LedgerTransaction).where(
            LedgerTransaction.mission_id == mission_id)).scalars().all()
        cancelled = db.session.execute(db.select(MissionCancellation).where(
            MissionCancellation.mission_id == mission_id)).scalar_one_or_none()
        round_ = f"round {n}: cancel {cancel}, done {done}, mission {mission.status}, " \
                 f"PaymentIntent {pi['status']} ({pi['amount_received']})"
        assert [cancel, done].count("won") == 1, round_
        if mission.status == MissionStatus.CANCELLED:
            assert cancel == "won", round_
            assert pi["status"] == "succeeded" and pi["amount_received"] == FEE, round_
            assert payment.status == PaymentStatus.CAPTURED and payment.captured_cents == FEE
            assert ledger.balance(ledger.helper_payable(helper_id)) == -HELPER_GETS, round_
            assert cancelled is not None and cancelled.late_fee_cents == FEE
        else:
            assert mission.status == MissionStatus.DONE and done == "won", round_
            assert pi["status"] == "requires_capture" and pi["amount_received"] == 0, round_
            assert payment.status == PaymentStatus.AUTHORIZED and payment.captured_cents == 0
            assert txns == [] and ledger.balance(ledger.helper_payable(helper_id)) == 0, round_
            assert cancelled is None, round_
        seen[str(mission.status)] = seen.get(str(mission.status), 0) + 1
        db.session.remove()
    print(f"\n{ROUNDS} rounds: {seen}")
    assert run_check().ok
