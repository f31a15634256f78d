"""Disputes (chargebacks): the bank takes the amount plus a 15 € fee; a won dispute gives
the amount back (the fee stays), as Stripe does for EU cards."""

from __future__ import annotations

import copy
from typing import Any

from .fixtures import fill, template
from .ledger import balance_transaction
from .store import Ctx, Store

DISPUTE_FEE = 1500


def create(store: Store, charge_id: str, reason: str = "fraudulent") -> dict[str, Any]:
    """Open a dispute on a captured charge; emits ``charge.dispute.created``."""
    with store.lock:
        charge = store.require(charge_id, "charge")
        ctx = Ctx(store=store)
        dp_id = store.new_id("dp")
        amount = charge["amount_captured"] - (charge["amount_refunded"]
                                              - store.meta[charge_id].get("released", 0))
        txn = balance_transaction(ctx, amount=-amount, currency=charge["currency"],
                                  type_="adjustment", source=dp_id, fee=DISPUTE_FEE,
                                  description=f"Chargeback withdrawal for {charge_id}",
                                  category="dispute")
        dispute = fill(
            template("dispute"), id=dp_id, amount=amount, charge=charge_id,
            currency=charge["currency"], created=store.now(), reason=reason,
            payment_intent=charge["payment_intent"], status="needs_response",
            balance_transactions=[copy.deepcopy(txn)], is_charge_refundable=False)
        store.add(dispute)
        charge["disputed"] = True
        ctx.emit("charge.dispute.created", dispute)
        store.save()
        return copy.deepcopy(dispute)


def close(store: Store, dispute_id: str, won: bool) -> dict[str, Any]:
    """Decide a dispute; a won one reinstates the funds. Emits ``charge.dispute.closed``."""
    with store.lock:
        dispute = store.require(dispute_id, "dispute")
        ctx = Ctx(store=store)
        if won:
            txn = balance_transaction(ctx, amount=dispute["amount"],
                                      currency=dispute["currency"], type_="adjustment",
                                      source=dispute_id, description="Chargeback reversal",
                                      category="dispute_reversal")
            dispute["balance_transactions"].append(copy.deepcopy(txn))
        dispute["status"] = "won" if won else "lost"
        ctx.emit("charge.dispute.closed", dispute)
        store.save()
        return copy.deepcopy(dispute)
