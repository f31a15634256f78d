"""Money jobs run by the real worker: the daily ledger check stores a result operators see."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.core import outbox
from marketplace.core.db import db
from marketplace.payments.services.reconcile import latest_run
from stripe_emulator import StripeEmulator
from tests.support.servers import Worker, wait_until

pytestmark = pytest.mark.integration


def test_the_worker_runs_the_ledger_check(ctx: Flask, worker: Worker,
                                          stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()
    outbox.enqueue("ledger.check")
    db.session.commit()

    def stored() -> bool:
        db.session.rollback()
        return latest_run() is not None

    wait_until(stored, timeout=30)
    run = latest_run()
    assert run is not None and run.ok and run.transactions == 0
