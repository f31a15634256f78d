"""Money movements: balance transactions, fees, transfers, reversals, refunds, balance.

Kept apart from PaymentIntent logic because these are what the marketplace reconciles
against (fees, nets, what is left to transfer or refund on a charge).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .fixtures import fill, template
from .objects import empty_list
from .store import Ctx, Store

FEE_PERCENT = Decimal("1.5")
FEE_FIXED = 25  # cents; Stripe's standard EEA card pricing


def card_fee(amount: int) -> int:
    """Stripe EU card fee: 1.5 % + 25 cents, percentage rounded half up to a cent."""
    percent = (Decimal(amount) * FEE_PERCENT / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return int(percent) + FEE_FIXED


def balance_transaction(
    ctx: Ctx, *, amount: int, currency: str, type_: str, source: str,
    fee: int = 0, description: str | None = None, category: str | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    """Record a ledger entry (available immediately: the emulator has no payout delay)."""
    store = ctx.store
    now = store.now()
    fee_details = []
    if fee:
        fee_details.append({
            "amount": fee, "application": None, "currency": currency,
            "description": "Stripe processing fees", "type": "stripe_fee",
        })
    txn = fill(
        template("balance_transaction"), id=store.new_id("txn"), amount=amount,
        available_on=now, created=now, currency=currency, description=description,
        exchange_rate=None, fee=fee, fee_details=fee_details, net=amount - fee,
        reporting_category=category or type_, source=source, status="available",
        type=type_, balance_type="payments",
    )
    return store.add(txn, scope=scope)


def balance(store: Store, scope: str | None) -> dict[str, Any]:
    """Balance derived from the ledger of ``scope`` (platform when ``None``)."""
    totals: dict[str, int] = {}
    for txn in store.all("balance_transaction", scope=scope):
        totals[txn["currency"]] = totals.get(txn["currency"], 0) + txn["net"]
    if not totals:
        totals["eur"] = 0
    return fill(
        template("balance"),
        available=[
            {"amount": amt, "currency": cur, "source_types": {"card": amt}}
            for cur, amt in sorted(totals.items())
        ],
        pending=[
            {"amount": 0, "currency": cur, "source_types": {"card": 0}} for cur in sorted(totals)
        ],
        connect_reserved=[{"amount": 0, "currency": cur} for cur in sorted(totals)],
        livemode=False,
    )


def refundable(store: Store, charge: dict[str, Any]) -> int:
    """Captured amount not yet refunded (amounts released at partial capture excluded)."""
    released = store.meta[charge["id"]].get("released", 0)
    return charge["amount_captured"] - (charge["amount_refunded"] - released)


def transferable(store: Store, charge: dict[str, Any]) -> int:
    """What can still be transferred with ``source_transaction=charge``."""
    return refundable(store, charge) - _transferred(store, charge["id"])


def _transferred(store: Store, charge_id: str) -> int:
    """Net amount transferred from a charge, kept on the charge's private data so a
    transfer never rescans every transfer (computed once for state files that predate it)."""
    meta = store.meta[charge_id]
    if "transferred" not in meta:
        meta["transferred"] = sum(
            tr["amount"] - tr["amount_reversed"] for tr in store.all("transfer")
            if tr["source_transaction"] == charge_id)
    return int(meta["transferred"])


def _count_transferred(store: Store, charge_id: str | None, amount: int) -> None:
    if charge_id and store.get(charge_id, "charge") is not None:
        store.meta[charge_id]["transferred"] = _transferred(store, charge_id) + amount


def transfer(
    ctx: Ctx, *, amount: int, currency: str, destination: str,
    source_transaction: str | None, transfer_group: str | None,
    metadata: dict[str, str], description: str | None,
) -> dict[str, Any]:
    """Move funds to a connected account (platform ledger debited)."""
    store = ctx.store
    tr_id = store.new_id("tr")
    txn = balance_transaction(
        ctx, amount=-amount, currency=currency, type_="transfer", source=tr_id,
        description=description, scope=ctx.account,
    )
    balance_transaction(
        ctx, amount=amount, currency=currency, type_="payment", source=tr_id,
        category="charge", scope=destination,
    )
    tr = fill(
        template("transfer"), id=tr_id, amount=amount, amount_reversed=0,
        balance_transaction=txn["id"], created=store.now(), currency=currency,
        description=description, destination=destination,
        destination_payment=store.new_id("py"), metadata=metadata,
        reversals=empty_list(f"/v1/transfers/{tr_id}/reversals"), reversed=False,
        source_transaction=source_transaction, source_type="card",
        transfer_group=transfer_group,
    )
    _count_transferred(store, source_transaction, amount)
    return store.add(tr, scope=ctx.account)


def reverse_transfer(
    ctx: Ctx, tr: dict[str, Any], amount: int, metadata: dict[str, str]
) -> dict[str, Any]:
    """Pull funds back from the connected account."""
    store = ctx.store
    trr_id = store.new_id("trr")
    txn = balance_transaction(
        ctx, amount=amount, currency=tr["currency"], type_="transfer_refund", source=trr_id,
        category="transfer_reversal", scope=ctx.account,
    )
    balance_transaction(  # the connected account gives the money back
        ctx, amount=-amount, currency=tr["currency"], type_="payment_refund", source=trr_id,
        category="refund", scope=tr["destination"],
    )
    trr = fill(
        template("transfer_reversal"), id=trr_id, amount=amount, balance_transaction=txn["id"],
        created=store.now(), currency=tr["currency"], destination_payment_refund=None,
        metadata=metadata, source_refund=None, transfer=tr["id"],
    )
    store.add(trr, scope=ctx.account)
    _count_transferred(store, tr["source_transaction"], -amount)
    tr["amount_reversed"] += amount
    tr["reversed"] = tr["amount_reversed"] >= tr["amount"]
    tr["reversals"]["data"].insert(0, trr)
    return trr


def refund(
    ctx: Ctx, charge: dict[str, Any], amount: int, metadata: dict[str, str],
    reason: str | None,
) -> dict[str, Any]:
    """Refund part or all of a captured charge."""
    store = ctx.store
    re_id = store.new_id("re")
    txn = balance_transaction(
        ctx, amount=-amount, currency=charge["currency"], type_="refund", source=re_id,
        description="REFUND FOR CHARGE", scope=ctx.account,
    )
    ref = fill(
        template("refund"), id=re_id, amount=amount, balance_transaction=txn["id"],
        charge=charge["id"], created=store.now(), currency=charge["currency"],
        metadata=metadata, payment_intent=charge["payment_intent"], reason=reason,
        status="succeeded", customer=charge["customer"], payment_method=charge["payment_method"],
    )
    store.add(ref, scope=ctx.account)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
    charge["refunds"]["data"].insert(0, ref)
    return ref
