"""Payouts from a connected account's balance to its holder's bank (Stripe's own schedule).

Stripe creates them, not the platform: the emulator offers them as test helpers that pay
out the account's available balance. The payout is born ``in_transit`` (``payout.created``),
then becomes ``paid`` or ``failed``; like Stripe, a paid payout may still fail a few days
later when the bank returns the funds (``fail_paid``). A failure puts the money back on the
connected account's balance (``failure_balance_transaction``). Every event carries the
connected account at top level (``event.account``), as Connect events do.
"""

from __future__ import annotations

import copy
from typing import Any

from .fixtures import fill, template
from .ledger import balance, balance_transaction
from .store import Ctx, Store

ARRIVAL_DELAY = 2 * 24 * 3600  # SEPA payouts arrive about two business days later
FAILURE_MESSAGES = {
    "account_closed": "The bank account has been closed.",
    "account_frozen": "The bank account has been frozen.",
    "no_account": "The bank account details on file are probably incorrect. No bank "
                  "account could be located with those details.",
    "invalid_account_number": "The bank account number is not valid.",
}


def pay_out(store: Store, account_id: str, failure_code: str | None = None) -> dict[str, Any]:
    """Pay out the account's whole available balance; ``failure_code`` makes the bank refuse.

    Emits ``payout.created`` (in_transit) then ``payout.paid`` or ``payout.failed``.
    """
    with store.lock:
        store.require(account_id, "account")
        ctx = Ctx(store=store, account=account_id)
        available = balance(store, account_id)["available"][0]
        if available["amount"] <= 0:
            raise ValueError(f"{account_id} has no available balance to pay out")
        payout = _create(ctx, available["amount"], available["currency"])
        if failure_code is None:
            _settle(ctx, payout, "paid")
        else:
            _fail(ctx, payout, failure_code)
        store.save()
        return copy.deepcopy(payout)


def fail_paid(store: Store, payout_id: str, failure_code: str = "account_closed") -> dict:
    """The bank returns a payout Stripe had already marked paid (``payout.failed``)."""
    with store.lock:
        payout = store.require(payout_id, "payout")
        if payout["status"] != "paid":
            raise ValueError(f"{payout_id} is {payout['status']}, not paid")
        _fail(Ctx(store=store, account=store.meta[payout_id]["scope"]), payout, failure_code)
        store.save()
        return copy.deepcopy(payout)


def _create(ctx: Ctx, amount: int, currency: str) -> dict[str, Any]:
    store = ctx.store
    po_id = store.new_id("po")
    txn = balance_transaction(ctx, amount=-amount, currency=currency, type_="payout",
                              source=po_id, description="STRIPE PAYOUT", scope=ctx.account)
    payout = fill(
        template("payout"), id=po_id, amount=amount, currency=currency, created=store.now(),
        arrival_date=_midnight(store.now() + ARRIVAL_DELAY), automatic=True,
        balance_transaction=txn["id"], destination=_bank_account(store, ctx.account),
        status="in_transit", failure_code=None, failure_message=None, source_type="card",
        reconciliation_status="not_applicable", description="STRIPE PAYOUT",
    )
    store.add(payout, scope=ctx.account)
    ctx.emit("payout.created", payout)
    return payout


def _settle(ctx: Ctx, payout: dict[str, Any], status: str) -> None:
    payout["status"] = status
    payout["reconciliation_status"] = "completed"
    ctx.emit(f"payout.{status}", payout)


def _fail(ctx: Ctx, payout: dict[str, Any], code: str) -> None:
    """The funds come back to the connected account's balance."""
    txn = balance_transaction(ctx, amount=payout["amount"], currency=payout["currency"],
                              type_="payout_failure", source=payout["id"],
                              description="STRIPE PAYOUT FAILURE", scope=ctx.account)
    payout.update(failure_balance_transaction=txn["id"], failure_code=code,
                  failure_message=FAILURE_MESSAGES.get(code, "The bank refused the payout."))
    _settle(ctx, payout, "failed")


def _bank_account(store: Store, account_id: str | None) -> str:
    """One stable external bank account id per connected account."""
    meta = store.meta.setdefault(account_id or "", {})
    if "bank_account" not in meta:
        meta["bank_account"] = store.new_id("ba")
    return str(meta["bank_account"])


def _midnight(ts: int) -> int:
    return ts - ts % 86400
