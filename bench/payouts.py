"""Payout throughput: M payouts through one real worker (2 processes) against the emulator.

Run by hand on a scratch database (it rebuilds the schema there):

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/entraide_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/payouts.py --payouts 1000

It prints the no-op task rate and the payout rate measured in the same run, and ends with
one JSON line: {"payouts": M, "payouts_per_s": ..., "noop_tasks_per_s": ...}. The two are
measured in alternating rounds (no-ops, then payouts, --rounds times), so that a machine
slowing down or speeding up during the run weighs on both rates alike; each rate is its
total count over its total time.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=1000)
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4)
    return parser.parse_args()


def start_worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "-P", "prefork",
         "-c", str(concurrency), "-Q", "entraide", "-l", "WARNING", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-n", "bench@%h"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    time.sleep(5)
    if proc.poll() is not None:
        raise SystemExit(f"worker died:\n{log.read_text()}")
    return proc


def queue_drained(app) -> bool:  # type: ignore[no-untyped-def]
    celery = app.extensions["celery"]
    with celery.connection_for_write() as conn:
        return conn.default_channel.queue_declare("entraide").message_count == 0


def time_noops(app, count: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds for `count` no-op tasks."""
    celery = app.extensions["celery"]
    began = time.perf_counter()
    for _ in range(count):
        celery.send_task("ops.noop")
    while not queue_drained(app):
        time.sleep(0.02)
    return time.perf_counter() - began


def time_payouts(app, payout_ids: list[int], paid_before: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds until these payouts are paid (`paid_before` were paid by earlier rounds)."""
    from sqlalchemy import func

    from marketplace.core.db import db
    from marketplace.payments.models import Payout
    from marketplace.payments.status import PayoutStatus

    celery = app.extensions["celery"]
    began = time.perf_counter()
    for payout_id in payout_ids:
        celery.send_task("payouts.release", args=[payout_id])
    while True:
        paid = db.session.execute(db.select(func.count(Payout.id))
                                  .where(Payout.status == PayoutStatus.PAID)).scalar_one()
        db.session.commit()
        if paid >= paid_before + len(payout_ids):
            return time.perf_counter() - began
        time.sleep(0.05)


def main() -> None:
    args = parse_args()
    from stripe_emulator import StripeEmulator

    emu = StripeEmulator()
    base = emu.start()
    instance = Path(tempfile.mkdtemp(prefix="entraide-bench-"))
    os.environ.update({"STRIPE_API_BASE": base, "STRIPE_SECRET_KEY": "sk_test_emulator",
                       "ENTRAIDE_INSTANCE_DIR": str(instance), "LOG_LEVEL": "WARNING"})
    from marketplace import create_app
    from marketplace.core.db import db
    from tests.support.schema import reset_schema
    from tests.support.seed import seed_due_payouts

    app = create_app("development")
    worker = None
    with app.app_context():
        reset_schema()
        ids = seed_due_payouts(emu, args.payouts)
        print(f"seeded {len(ids)} payouts on {db.engine.dialect.name}, "
              f"broker {app.config['CELERY_BROKER_URL'].split(':')[0]}")
        worker = start_worker(dict(os.environ), args.concurrency, instance / "worker.log")
        try:
            noop_s = payout_s = 0.0
            noops = args.noops // args.rounds
            for n in range(args.rounds):
                chunk = ids[n * len(ids) // args.rounds:(n + 1) * len(ids) // args.rounds]
                round_noop_s = time_noops(app, noops)
                round_payout_s = time_payouts(app, chunk, n * len(ids) // args.rounds)
                print(f"round {n + 1}: no-op tasks {noops / round_noop_s:.0f}/s,"
                      f" payouts {len(chunk) / round_payout_s:.0f}/s")
                noop_s, payout_s = noop_s + round_noop_s, payout_s + round_payout_s
            noop_rate = noops * args.rounds / noop_s
            payout_rate = len(ids) / payout_s
            print(f"no-op tasks: {noop_rate:.0f}/s\npayouts: {payout_rate:.0f}/s")
            transfers = len(emu.objects("transfer"))
            assert transfers == len(ids), f"{transfers} transfers for {len(ids)} payouts"
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(60)
            emu.stop()
    print(json.dumps({"payouts": len(ids), "payouts_per_s": round(payout_rate, 1),
                      "noop_tasks_per_s": round(noop_rate, 1)}))


if __name__ == "__main__":
    main()
