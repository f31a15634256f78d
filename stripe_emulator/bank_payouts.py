"""Payouts from a balance (a connected account's or the platform's) to the holder's bank.

Over HTTP (``POST /v1/payouts``, with ``Stripe-Account`` for a connected account) a payout is
born ``pending`` (``payout.created``) and its bank decides, as Stripe's test bank accounts
do (by account number, the last 12 digits of an IBAN): ``000111111116`` → ``no_account``,
``000111111113`` → ``account_closed``, ``000222222227`` → ``insufficient_funds``,
``000333333335`` → ``debit_not_authorized``, ``000444444440`` → ``invalid_currency``
(``payout.failed``, the funds come back); ``000000000009`` keeps it ``pending`` (cancelable)
until the emulator clock passes its arrival date; any other account pays it
(``payout.paid``). Stripe's automatic schedule is offered as an in-process helper
(:func:`pay_out`) that pays out the account's whole available balance: that payout is born
``in_transit`` (``payout.created``), then becomes ``paid`` or ``failed``; like Stripe, a paid
payout may still fail a few days later when the bank returns the funds (``fail_paid``). A
failure puts the money back on the balance (``failure_balance_transaction``). Every event of
a connected account names it at top level (``event.account``), as Connect events do.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .errors import StripeError, invalid_param
from .fixtures import clone, fill, template
from .ledger import balance, balance_transaction
from .store import Ctx, Store

ARRIVAL_DELAY = 2 * 24 * 3600  # SEPA payouts arrive about two business days later
FAILURE_MESSAGES = {
    "account_closed": "The bank account has been closed.",
    "account_frozen": "The bank account has been frozen.",
    "no_account": "The bank account details on file are probably incorrect. No bank "
                  "account could be located with those details.",
    "invalid_account_number": "The bank account number is not valid.",
    "insufficient_funds": "Your Stripe account has insufficient funds to cover the payout.",
    "debit_not_authorized": "Debit transactions are not approved on the bank account.",
    "invalid_currency": "The bank account does not support this currency.",
}
PENDING = "pending"
BANK_OUTCOMES = {
    "000111111116": "no_account", "000111111113": "account_closed",
    "000222222227": "insufficient_funds", "000333333335": "debit_not_authorized",
    "000444444440": "invalid_currency", "000000000009": PENDING,
}


def bank_outcome(store: Store, scope: str | None) -> str | None:
    """What the account's bank does with a payout: a failure code, ``pending``, or None
    (paid), from the account number (an external account's, or the IBAN's last digits)."""
    meta = store.meta.get(scope or "", {})
    number = str(meta.get("bank_number") or meta.get("iban") or "")
    return BANK_OUTCOMES.get(re.sub(r"\D", "", number)[-12:])


def create_over_http(ctx: Ctx, amount: int, currency: str, description: str | None,
                     metadata: dict[str, str]) -> dict[str, Any]:
    """``POST /v1/payouts``: a manual payout of the available balance; returns the object
    as created (``pending``), its bank's answer follows in events."""
    store = ctx.store
    available = {b["currency"]: b["amount"] for b in balance(store, ctx.account)["available"]}
    if amount > available.get(currency, 0):
        raise StripeError(
            "You have insufficient funds in your Stripe account for this transfer. Your "
            "card balance is too low. You can use the /v1/balance endpoint to view your "
            "Stripe balance (for more details, see stripe.com/docs/api#balance).",
            code="balance_insufficient", param="amount")
    payout = _create(ctx, amount, currency, status=PENDING, automatic=False,
                     description=description, metadata=metadata)
    created = clone(payout)
    outcome = bank_outcome(store, ctx.account)
    if outcome is None:
        payout["status"] = "in_transit"
        _settle(ctx, payout, "paid")
    elif outcome != PENDING:
        _fail(ctx, payout, outcome)
    return created


def update(ctx: Ctx, payout: dict[str, Any], metadata: dict[str, str]) -> None:
    """``POST /v1/payouts/{id}``: metadata; emits ``payout.updated``."""
    payout["metadata"].update(metadata)
    ctx.emit("payout.updated", payout)


def cancel(ctx: Ctx, payout: dict[str, Any]) -> None:
    """``POST /v1/payouts/{id}/cancel``: only a pending payout; the funds come back."""
    if payout["status"] != PENDING:
        raise invalid_param("payout", "Payouts can only be canceled while they are pending.",
                            code="payout_not_cancelable")
    txn = balance_transaction(ctx, amount=payout["amount"], currency=payout["currency"],
                              type_="payout_cancel", source=payout["id"],
                              description="STRIPE PAYOUT CANCELED", scope=ctx.account)
    payout.update(status="canceled", failure_balance_transaction=txn["id"])
    ctx.emit("payout.canceled", payout)


def settle_due(store: Store) -> list[str]:
    """Pending payouts whose arrival date the clock has passed are paid (after a test clock
    moved on, :meth:`StripeEmulator.advance_time`)."""
    paid = []
    with store.lock:
        for payout in store.all("payout"):
            if payout["status"] == PENDING and store.now() >= payout["arrival_date"]:
                ctx = Ctx(store=store, account=store.meta[payout["id"]].get("scope"))
                payout["status"] = "in_transit"
                _settle(ctx, payout, "paid")
                paid.append(payout["id"])
        store.save()
    return paid


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


def _create(ctx: Ctx, amount: int, currency: str, status: str = "in_transit",
            automatic: bool = True, description: str | None = "STRIPE PAYOUT",
            metadata: dict[str, str] | None = None) -> dict[str, Any]:
    store = ctx.store
    po_id = store.new_id("po")
    txn = balance_transaction(ctx, amount=-amount, currency=currency, type_="payout",
                              source=po_id, description="STRIPE PAYOUT", scope=ctx.account)
    payout = fill(
        template("payout"), id=po_id, amount=amount, currency=currency, created=store.now(),
        arrival_date=_midnight(store.now() + ARRIVAL_DELAY), automatic=automatic,
        balance_transaction=txn["id"], destination=_bank_account(store, ctx.account),
        status=status, failure_code=None, failure_message=None, source_type="card",
        reconciliation_status="not_applicable", description=description,
        metadata=dict(metadata or {}), application_fee=None, application_fee_amount=None,
        original_payout=None, reversed_by=None, statement_descriptor=None,
        trace_id={"status": "pending", "value": None}, payout_method=None,
        failure_balance_transaction=None, method="standard", type="bank_account",
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


def bank_account_id(store: Store, account_id: str | None) -> str:
    """The account's external bank account id (created on first use)."""
    return _bank_account(store, account_id)


def _bank_account(store: Store, account_id: str | None) -> str:
    """One stable external bank account id per connected account."""
    meta = store.meta.setdefault(account_id or "", {})
    if "bank_account" not in meta:
        meta["bank_account"] = store.new_id("ba")
    return str(meta["bank_account"])


def _midnight(ts: int) -> int:
    return ts - ts % 86400
