"""Disputes (chargebacks and inquiries), as Stripe's test cards and evidence values drive them.

* ``pm_card_createDispute`` (4000 0000 0000 0259): once captured, the charge is disputed as
  fraudulent: ``charge.dispute.created`` (``needs_response``) then
  ``charge.dispute.funds_withdrawn`` (the amount plus a 15 € fee leave the balance).
* ``pm_card_createDisputeInquiry`` (4000 0000 0000 1976): an inquiry
  (``warning_needs_response``), no funds move.
* Evidence submitted with ``uncategorized_text=winning_evidence`` wins the dispute
  (``charge.dispute.closed`` won, then ``charge.dispute.funds_reinstated``: the amount comes
  back, the fee stays, as for EU cards); ``losing_evidence`` loses it. An inquiry answered
  with ``winning_evidence`` closes (``warning_closed``); with ``losing_evidence`` it escalates
  into a chargeback (funds withdrawn, ``needs_response``).
* Other evidence leaves the dispute ``under_review`` until the bank decides
  (:func:`close`, the in-process helper for tests that need a given moment).
* ``POST /v1/disputes/{id}/close`` accepts the dispute: lost (``warning_closed`` for an
  inquiry).
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import StripeError
from .fixtures import clone, fill, template
from .ledger import balance_transaction
from .store import Ctx, Store

DISPUTE_FEE = 1500
EVIDENCE_DAYS = 7 * 24 * 3600
WINNING = "winning_evidence"
LOSING = "losing_evidence"
OPEN = ("needs_response", "warning_needs_response", "under_review", "warning_under_review")


def _disputable(store: Store, charge: dict[str, Any]) -> int:
    return int(charge["amount_captured"] - (charge["amount_refunded"]
                                            - store.meta[charge["id"]].get("released", 0)))


def open_dispute(ctx: Ctx, charge: dict[str, Any], reason: str = "fraudulent",
                 inquiry: bool = False) -> dict[str, Any]:
    """The cardholder's bank disputes a captured charge; emits ``charge.dispute.created``
    (and ``charge.dispute.funds_withdrawn`` for a chargeback)."""
    store = ctx.store
    now = store.now()
    dp_id = store.new_id("dp")
    obj = template("dispute")
    obj["evidence"] = {k: None for k in obj["evidence"]} | {"enhanced_evidence": {}}
    obj["evidence_details"].update(due_by=now + EVIDENCE_DAYS, has_evidence=False,
                                   past_due=False, submission_count=0)
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    obj["payment_method_details"] = {"card": {
        "brand": card.get("brand") or "visa", "case_type": "inquiry" if inquiry else "chargeback",
        "network_reason_code": "10.4", "network": card.get("network") or "visa"}, "type": "card"}
    dispute = fill(
        obj, id=dp_id, amount=_disputable(store, charge), charge=charge["id"],
        currency=charge["currency"], created=now, reason=reason,
        payment_intent=charge["payment_intent"], balance_transactions=[], metadata={},
        status="warning_needs_response" if inquiry else "needs_response",
        is_charge_refundable=inquiry, livemode=False,
    )
    store.add(dispute, scope=store.meta[charge["id"]].get("scope"))
    charge["disputed"] = True
    if inquiry:
        ctx.emit("charge.dispute.created", dispute)
    else:  # a chargeback takes the funds at once: the created dispute already shows it
        _debit(ctx, dispute)
        ctx.emit("charge.dispute.created", dispute)
        ctx.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def _withdraw(ctx: Ctx, dispute: dict[str, Any]) -> None:
    _debit(ctx, dispute)
    ctx.emit("charge.dispute.funds_withdrawn", dispute)


def _debit(ctx: Ctx, dispute: dict[str, Any]) -> None:
    txn = balance_transaction(ctx, amount=-dispute["amount"], currency=dispute["currency"],
                              type_="adjustment", source=dispute["id"], fee=DISPUTE_FEE,
                              description=f"Chargeback withdrawal for {dispute['charge']}",
                              category="dispute", scope=ctx.account)
    dispute["balance_transactions"].append(clone(txn))
    dispute["is_charge_refundable"] = False


def _is_inquiry(dispute: dict[str, Any]) -> bool:
    return str(dispute["status"]).startswith("warning_")


def update(ctx: Ctx, dispute: dict[str, Any], evidence: dict[str, Any],
           metadata: dict[str, str], submit: bool) -> None:
    """``POST /v1/disputes/{id}``: stage or submit evidence (the server echoes the evidence
    fields); submitted test evidence decides the outcome at once."""
    if dispute["status"] not in OPEN:
        raise StripeError(f"This dispute is already closed ({dispute['status']}).",
                          )
    dispute["metadata"].update(metadata)
    for key, value in evidence.items():
        if key in dispute["evidence"] and not isinstance(value, dict):
            dispute["evidence"][key] = value or None
    details = dispute["evidence_details"]
    details["has_evidence"] = any(v for k, v in dispute["evidence"].items()
                                  if k != "enhanced_evidence")
    if submit and evidence:
        details["submission_count"] += 1
        dispute["status"] = ("warning_under_review" if _is_inquiry(dispute)
                             else "under_review")
    ctx.emit("charge.dispute.updated", dispute)
    if not (submit and evidence):
        return
    text = dispute["evidence"].get("uncategorized_text")
    if text == WINNING:
        _decide(ctx, dispute, won=True)
    elif text == LOSING:
        if dispute["status"] == "warning_under_review":  # the inquiry becomes a chargeback
            dispute["status"] = "needs_response"
            _withdraw(ctx, dispute)
            ctx.emit("charge.dispute.updated", dispute)
        else:
            _decide(ctx, dispute, won=False)


def accept(ctx: Ctx, dispute: dict[str, Any]) -> None:
    """``POST /v1/disputes/{id}/close``: no evidence to give; the dispute is lost."""
    if dispute["status"] not in OPEN:
        raise StripeError(f"This dispute is already closed ({dispute['status']}).")
    _decide(ctx, dispute, won=False)


def _decide(ctx: Ctx, dispute: dict[str, Any], won: bool) -> None:
    if _is_inquiry(dispute):
        dispute["status"] = "warning_closed"
        ctx.emit("charge.dispute.closed", dispute)
        return
    dispute["status"] = "won" if won else "lost"
    ctx.emit("charge.dispute.closed", dispute)
    if won:
        txn = balance_transaction(ctx, amount=dispute["amount"], currency=dispute["currency"],
                                  type_="adjustment", source=dispute["id"],
                                  description="Chargeback reversal",
                                  category="dispute_reversal", scope=ctx.account)
        dispute["balance_transactions"].append(clone(txn))
        ctx.emit("charge.dispute.funds_reinstated", dispute)


def create(store: Store, charge_id: str, reason: str = "fraudulent") -> dict[str, Any]:
    """In-process helper: open a chargeback on a captured charge now."""
    with store.lock:
        charge = store.require(charge_id, "charge")
        ctx = Ctx(store=store, account=store.meta[charge_id].get("scope"))
        dispute = open_dispute(ctx, charge, reason)
        store.save()
        return copy.deepcopy(dispute)


def close(store: Store, dispute_id: str, won: bool) -> dict[str, Any]:
    """In-process helper: the bank decides now (``charge.dispute.closed``); a won
    chargeback reinstates the funds (``charge.dispute.funds_reinstated``)."""
    with store.lock:
        dispute = store.require(dispute_id, "dispute")
        ctx = Ctx(store=store, account=store.meta[dispute_id].get("scope"))
        _decide(ctx, dispute, won)
        store.save()
        return copy.deepcopy(dispute)
