"""The ledger balances, is append-only, and reconciles with Stripe's balance transactions."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from marketplace.core.db import db
from marketplace.flows.completion import confirm_completion
from marketplace.payments import ledger
from marketplace.payments.ledger import Line, UnbalancedTransaction
from marketplace.payments.models import LedgerTransaction, Payout
from marketplace.payments.services.reconcile import latest_run
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import done_mission, release_now


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_an_unbalanced_transaction_is_refused(ctx: Flask) -> None:
    with pytest.raises(UnbalancedTransaction):
        ledger.record("x", "x:1", [Line(ledger.STRIPE_BALANCE, 100),
                                   Line(ledger.COMMISSION_REVENUE, -99)],
                      currency="eur", mission_id=None, description="bad")


def test_reversal_mirrors_the_original_once(ctx: Flask) -> None:
    txn = ledger.record("adjust", "adj:1", [Line(ledger.STRIPE_FEES, 30),
                                            Line(ledger.COMMISSION_REVENUE, -30)],
                        currency="eur", mission_id=None, description="adjustment")
    db.session.commit()
    assert txn is not None
    assert ledger.reverse(txn, "typo") is not None
    assert ledger.reverse(txn, "typo again") is None  # replay: no-op
    db.session.commit()
    assert ledger.balance(ledger.STRIPE_FEES) == 0 and ledger.count_transactions() == 2


def _raw_entry(txn_id: int, amount: int) -> None:
    db.session.execute(text(
        "INSERT INTO ledger_entries (transaction_id, account, amount_cents, currency) "
        "VALUES (:t, 'platform:stripe_fees', :a, 'eur')"), {"t": txn_id, "a": amount})


def test_postgres_refuses_unbalanced_or_edited_entries_at_commit(ctx: Flask) -> None:
    if not _is_postgres():
        pytest.skip("the deferred constraint trigger exists on PostgreSQL only")
    txn = ledger.record("adjust", "adj:2", [Line(ledger.STRIPE_FEES, 30),
                                            Line(ledger.COMMISSION_REVENUE, -30)],
                        currency="eur", mission_id=None, description="adjustment")
    db.session.commit()
    assert txn is not None
    _raw_entry(txn.id, 5)  # accepted until COMMIT (deferred), then refused
    with pytest.raises(DBAPIError, match="does not balance"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE ledger_entries SET amount_cents = 1"))
    db.session.rollback()


def _paid_out_mission(make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    confirm_completion(mission.id, mission.client)
    payout = db.session.execute(db.select(Payout)).scalar_one()
    release_now(payout.id)


def test_flask_ledger_check_reconciles_a_paid_mission(ctx: Flask, make: Factories,
                                                      emu: StripeEmulator) -> None:
    _paid_out_mission(make, emu)
    result = ctx.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == \
        "ledger: transactions=3 unbalanced=0 unmatched=0"
    run = latest_run()
    assert run is not None and run.ok


def test_flask_ledger_check_fails_on_a_movement_stripe_never_saw(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    _paid_out_mission(make, emu)
    ledger.record("transfer", "transfer:tr_ghost", [Line(ledger.helper_payable(1), 100),
                                                    Line(ledger.STRIPE_BALANCE, -100)],
                  currency="eur", mission_id=None, description="ghost",
                  stripe_source_id="tr_ghost")
    db.session.commit()
    result = ctx.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 1
    assert "tr_ghost" in result.output
    assert result.output.strip().splitlines()[-1] == \
        "ledger: transactions=4 unbalanced=0 unmatched=1"


def test_operators_see_the_latest_check(ctx: Flask, make: Factories,
                                        emu: StripeEmulator) -> None:
    from marketplace.accounts import services as accounts

    accounts.make_operator("ops@example.com", PASSWORD)
    client = ctx.test_client()
    login(client, "ops@example.com")
    assert "has not run yet" in client.get("/ops/ledger").get_data(as_text=True)
    post_form(client, "/ops/ledger")
    page = client.get("/ops/ledger").get_data(as_text=True)
    assert "ledger: transactions=0 unbalanced=0 unmatched=0" in page and "OK" in page
    assert db.session.execute(db.select(LedgerTransaction)).first() is None


def test_ledger_check_fails_cleanly_when_stripe_is_unreachable(ctx: Flask,
                                                                emu: StripeEmulator) -> None:
    def down(method: str, path: str, params: object) -> tuple[int, dict] | None:
        if path.startswith("/v1/balance_transactions"):
            return 500, {"error": {"type": "api_error", "message": "down"}}
        return None

    emu.faults.append(down)
    try:
        result = ctx.test_cli_runner().invoke(args=["ledger", "check"])
    finally:
        emu.faults.remove(down)
    assert result.exit_code == 1 and "could not read Stripe" in result.output
    assert result.output.strip().splitlines()[-1].startswith("ledger: transactions=0")
    run = latest_run()
    assert run is not None and not run.ok
