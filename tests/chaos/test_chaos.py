"""Kill workers at named failpoints, lose Stripe responses, flush Redis, replay webhooks:
work is delayed, never lost or doubled.

Runs with `-m chaos` (CI: a short form on PostgreSQL + Redis); CHAOS_RUNS=200 for the sweep.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask

from marketplace.core import failpoints as fp
from marketplace.core.db import db
from marketplace.notifications.models import Notification
from marketplace.payments import ledger
from marketplace.payments.models import LedgerTransaction, Payout, StripeEvent
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator, sign_webhook
from tests.chaos.conftest import TALLY
from tests.conftest import WEBHOOK_SECRET
from tests.support.seed import seed_due_payouts
from tests.support.servers import LiveServer, Worker

pytestmark = [pytest.mark.chaos, pytest.mark.integration]

PAYOUT_POINTS = [(point, mode) for point in (fp.PAYOUT_BEFORE_TRANSFER, fp.PAYOUT_AFTER_TRANSFER,
                                             fp.PAYOUT_AFTER_COMMIT)
                 for mode in ("child", "main")]
SCENARIOS = [*PAYOUT_POINTS, ("redis-flush", ""), ("webhooks-5x", "child")]
RUNS = int(os.environ.get("CHAOS_RUNS", len(SCENARIOS)))
PAYOUTS_PER_RUN = 4
QUIESCENCE_TIMEOUT = 120


def scenario_params() -> list[tuple[int, str, str]]:
    return [(run, *SCENARIOS[run % len(SCENARIOS)]) for run in range(RUNS)]


class Chaos:
    """One run's worker, with restarts, and the checks that must hold when it settles."""

    def __init__(self, app: Flask, env: dict[str, str], tmp: Path) -> None:
        self.app, self.tmp = app, tmp
        self.failpoints = tmp / "failpoints"
        self.failpoints.mkdir()
        self.env = {**env, "ENTRAIDE_FAILPOINTS_DIR": str(self.failpoints)}
        self.worker = Worker(self.env, tmp / "worker.log").start()
        self.restarts = 0

    def keep_alive(self) -> None:
        assert self.worker.proc is not None
        if self.worker.proc.poll() is not None or not self._children_alive():
            self.worker.stop()
            self.worker = Worker(self.env, self.tmp / "worker.log").start()
            self.restarts += 1

    def _children_alive(self) -> bool:
        return True  # a killed pool child is replaced by the main process itself

    def redrive(self) -> None:
        """What beat does every minute, done now: sweep due payouts, relay the outbox."""
        celery = self.app.extensions["celery"]
        celery.send_task("payouts.sweep")
        celery.send_task("webhooks.sweep", kwargs={"grace_seconds": 5})
        celery.send_task("outbox.relay")

    def stop(self) -> None:
        self.worker.stop()


def _settled(app: Flask, payout_ids: list[int]) -> bool:
    with app.app_context():
        paid = db.session.execute(
            db.select(Payout.id).where(Payout.id.in_(payout_ids),
                                       Payout.status == PayoutStatus.PAID)).all()
        db.session.remove()
        return len(paid) == len(payout_ids)


def _wait_settled(chaos: Chaos, payout_ids: list[int]) -> None:
    deadline = time.monotonic() + QUIESCENCE_TIMEOUT
    last_redrive = 0.0
    while time.monotonic() < deadline:
        if _settled(chaos.app, payout_ids):
            return
        chaos.keep_alive()
        if time.monotonic() - last_redrive > 3:
            chaos.redrive()
            last_redrive = time.monotonic()
        time.sleep(0.3)
    TALLY["lost"] += 1
    raise AssertionError(f"payouts not settled after {QUIESCENCE_TIMEOUT}s:\n"
                         f"{chaos.worker.log()[-3000:]}")


def _check_money(app: Flask, emu: StripeEmulator, payout_ids: list[int]) -> None:
    transfers = Counter(t["metadata"].get("payout_id") for t in emu.objects("transfer"))
    duplicates = sum(n - 1 for n in transfers.values() if n > 1)
    TALLY["duplicates"] += duplicates
    assert duplicates == 0, transfers
    assert sorted(int(k) for k in transfers) == sorted(payout_ids)
    with app.app_context():
        unbalanced = ledger.unbalanced_transactions()
        TALLY["unbalanced"] += len(unbalanced)
        assert unbalanced == []
        by_id = {t["id"]: t for t in emu.objects("transfer")}
        for payout in db.session.execute(db.select(Payout)).scalars():
            assert payout.transfer_id in by_id
            assert by_id[payout.transfer_id]["amount"] == payout.amount_cents
        recorded = db.session.execute(
            db.select(LedgerTransaction.external_id).where(LedgerTransaction.kind == "transfer")
        ).scalars().all()
        assert sorted(recorded) == sorted(f"transfer:{t}" for t in by_id)
        helpers = {p.helper_id for p in db.session.execute(db.select(Payout)).scalars()}
        assert all(ledger.balance(ledger.helper_payable(h)) == 0 for h in helpers)
        notes = Counter(n.dedupe_key for n in db.session.execute(db.select(Notification))
                        .scalars() if n.event == "payout_sent")
        assert sorted(notes.values()) == [1] * len(payout_ids)
        db.session.remove()


def _replay_webhooks(server_url: str, emu: StripeEmulator, rng: random.Random) -> int:
    events = emu.events()
    deliveries = [e for e in events for _ in range(5)]
    rng.shuffle(deliveries)
    chunks = [deliveries[i::4] for i in range(4)]

    def send(chunk: list[dict]) -> None:
        with requests.Session() as http:
            for event in chunk:
                payload = json.dumps(event)
                response = http.post(f"{server_url}/stripe/webhook", data=payload, timeout=30,
                                     headers={"Stripe-Signature": sign_webhook(
                                         payload, WEBHOOK_SECRET),
                                         "Content-Type": "application/json"})
                assert response.status_code == 200, response.text

    threads = [threading.Thread(target=send, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return len({e["id"] for e in events})


@pytest.mark.parametrize(("run", "scenario", "mode"), scenario_params())
def test_chaos(run: int, scenario: str, mode: str, ctx: Flask, test_env: dict[str, str],
               live_server: LiveServer, stripe_emulator: StripeEmulator,
               tmp_path: Path) -> None:
    if scenario == "redis-flush" and not ctx.config["CELERY_BROKER_URL"].startswith("redis"):
        pytest.skip("flushing the broker needs Redis")
    rng = random.Random(run)
    stripe_emulator.lost_response_rate, stripe_emulator.lost_responses = 0.3, 0
    env = {**os.environ, **test_env, "STRIPE_API_BASE": ctx.config["STRIPE_API_BASE"]}
    try:
        payout_ids = seed_due_payouts(stripe_emulator, PAYOUTS_PER_RUN, email=True)
        db.session.remove()
        # 30 % is a rate: a run of a dozen calls can lose none (0.7^12 ≈ 1.4 %), so the first
        # transfer's answer is always lost too: every run exercises the lost-response path.
        stripe_emulator.lose_next_responses = 1
        chaos = Chaos(ctx, env, tmp_path)
        try:
            if scenario in dict(PAYOUT_POINTS) or scenario in fp.ALL:
                fp.arm(chaos.failpoints, scenario, mode)
            if scenario == "webhooks-5x":
                fp.arm(chaos.failpoints, fp.WEBHOOK_AFTER_HANDLER, mode)
            celery = ctx.extensions["celery"]
            for payout_id in payout_ids:
                celery.send_task("payouts.release", args=[payout_id])
            if scenario == "redis-flush":
                time.sleep(rng.uniform(0.1, 1.0))
                redis.Redis.from_url(ctx.config["CELERY_BROKER_URL"]).flushdb()
            if scenario == "webhooks-5x":
                distinct = _replay_webhooks(live_server.url, stripe_emulator, rng)
            _wait_settled(chaos, payout_ids)
            _check_money(ctx, stripe_emulator, payout_ids)
            assert list(chaos.failpoints.iterdir()) == [], "the armed failpoint never fired"
            assert stripe_emulator.lost_responses > 0
            if scenario == "webhooks-5x":
                _check_webhooks(ctx, chaos, distinct)
        finally:
            chaos.stop()
    finally:
        stripe_emulator.lost_response_rate = 0.0
        stripe_emulator.lose_next_responses = 0
    TALLY["runs"] += 1


def _check_webhooks(app: Flask, chaos: Chaos, distinct: int) -> None:
    deadline = time.monotonic() + QUIESCENCE_TIMEOUT
    while time.monotonic() < deadline:
        with app.app_context():
            events = db.session.execute(db.select(StripeEvent)).scalars().all()
            pending = [e for e in events if e.processed_at is None]
            db.session.remove()
        if not pending and len(events) >= distinct:
            break
        chaos.keep_alive()
        chaos.redrive()
        time.sleep(0.5)
    else:
        TALLY["lost"] += 1
        raise AssertionError(f"{len(pending)} webhook events never processed")
    assert len(events) == len({e.event_id for e in events})
