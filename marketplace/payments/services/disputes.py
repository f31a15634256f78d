"""Disputes: the client contests after "done", or the bank reports a chargeback.

Either one holds the helper's money until an operator resolves it: release to the helper,
full refund to the client, or a split (X to the helper, Y back to the client, the platform
keeping the rest of its fees), always with a note and an audit line. A client dispute
happens before capture, so resolving it decides how much to capture; a bank dispute happens
after capture, so resolving it decides how much of the helper's payout survives (Stripe
already withdrew the disputed funds and the bank gave them back to the client).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace.accounts.models import User
from marketplace.core import outbox, pagination
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import N_, format_money
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.transitions import move_mission
from marketplace.payments import ledger
from marketplace.payments import signals as payments_signals
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Dispute, Payment, Payout
from marketplace.payments.services import refunds
from marketplace.payments.services.refunds import pending_capture_reduction
from marketplace.payments.status import DisputeStatus, PayoutStatus, payout_transition

RESOLUTIONS = ("release", "refund", "split")


def open_by_client(mission_id: int, client: User, reason: str) -> Dispute:
    """The client contests the work after "done" and before confirming: nothing is captured."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.client_id != client.id:
        raise NotFound(_l("No such mission."))
    if len((reason or "").strip()) < 3:
        raise DomainError(_l("Please describe the problem."))
    if mission.status != MissionStatus.DONE:
        raise Conflict(_l("You can open a dispute once the helper marked the work done, "
                       "before you confirm it."))
    move_mission(mission, MissionStatus.DISPUTED)
    dispute = Dispute(mission_id=mission.id, opened_by="client", reason=reason.strip()[:500])
    db.session.add(dispute)
    db.session.flush()
    payments_signals.dispute_opened.send(mission, dispute_id=dispute.id, reason=dispute.reason)
    db.session.commit()
    return dispute


def open_from_stripe(obj: dict[str, Any]) -> Dispute | None:
    """`charge.dispute.created`: record the withdrawal, hold the payout; once per dispute."""
    existing = _by_stripe_id(obj["id"])
    payment = db.session.execute(
        db.select(Payment).where(Payment.charge_id == obj["charge"])).scalar_one_or_none()
    if existing is not None or payment is None:
        return existing
    mission = payment.mission
    if mission.status in (MissionStatus.COMPLETED, MissionStatus.DONE):
        move_mission(mission, MissionStatus.DISPUTED)
    dispute = Dispute(mission_id=mission.id, opened_by="bank", stripe_dispute_id=obj["id"],
                      reason=f"Bank dispute: {obj.get('reason') or 'unspecified'}",
                      bank_status=obj.get("status"))
    db.session.add(dispute)
    _holdpayout_for_update(mission.id, N_("A dispute is open with the client's bank."))
    _record_withdrawal(mission, payment, obj)
    db.session.flush()
    payments_signals.dispute_opened.send(mission, dispute_id=dispute.id, reason=dispute.reason)
    db.session.commit()
    return dispute


def _by_stripe_id(dispute_id: str) -> Dispute | None:
    return db.session.execute(
        db.select(Dispute).where(Dispute.stripe_dispute_id == dispute_id)).scalar_one_or_none()


def _holdpayout_for_update(mission_id: int, reason: str) -> None:
    payout = payout_for_update(mission_id)
    if payout is not None and payout.status in (PayoutStatus.SCHEDULED, PayoutStatus.FAILED):
        payout.status = payout_transition(payout.status, PayoutStatus.HELD)
    if payout is not None and payout.status == PayoutStatus.HELD:
        payout.hold_reason = reason


def payout_for_update(mission_id: int) -> Payout | None:
    return db.session.execute(
        db.select(Payout).where(Payout.mission_id == mission_id).with_for_update()
    ).scalar_one_or_none()


def _record_withdrawal(mission: Mission, payment: Payment, obj: dict[str, Any]) -> None:
    """Stripe takes the disputed amount (and its dispute fee) from our balance at once."""
    amount = int(obj["amount"])
    fee = sum(int(t.get("fee") or 0) for t in obj.get("balance_transactions") or []
              if isinstance(t, dict))
    ledger.record("dispute", f"dispute:{obj['id']}", [
        Line(ledger.DISPUTES, amount), Line(ledger.STRIPE_FEES, fee),
        Line(ledger.STRIPE_BALANCE, -amount - fee),
    ], currency=payment.currency, mission_id=mission.id,
        description=f"Funds withdrawn for a dispute on mission #{mission.id}",
        stripe_source_id=obj["id"])


def closed_from_stripe(obj: dict[str, Any]) -> None:
    """`charge.dispute.closed`: won disputes give the funds back (the fee stays)."""
    dispute = _by_stripe_id(obj["id"])
    if dispute is None or dispute.bank_status in ("won", "lost"):
        return
    dispute.bank_status = obj.get("status")
    if obj.get("status") == "won":
        ledger.record("dispute_won", f"dispute_won:{obj['id']}", [
            Line(ledger.STRIPE_BALANCE, int(obj["amount"])),
            Line(ledger.DISPUTES, -int(obj["amount"])),
        ], currency=obj.get("currency") or "eur", mission_id=dispute.mission_id,
            description="Dispute won: funds reinstated", stripe_source_id=obj["id"])
    db.session.commit()


def open_disputes(start: int | None = None,
                  size: int = pagination.PAGE_SIZE) -> list[Dispute]:
    return open_disputes_page(start, size).items


def open_disputes_page(start: int | None = None,
                       size: int = pagination.PAGE_SIZE) -> pagination.Keyset[Dispute]:
    """Open disputes, oldest first, one keyset page at a time."""
    return pagination.by_id(db.select(Dispute).where(Dispute.status == DisputeStatus.OPEN),
                            Dispute.id, start=start, size=size, newest_first=False)


def disputes_of(mission_id: int) -> list[Dispute]:
    return list(db.session.execute(
        db.select(Dispute).where(Dispute.mission_id == mission_id).order_by(Dispute.id)
    ).scalars())


@dataclass(frozen=True)
class SplitBounds:
    """What an operator may share out: `available` between helper and client, the helper
    at most `helper_max`; whatever the helper loses must go back to the client, so the
    platform never keeps more than its own fees."""

    available: int
    helper_max: int
    refundable: bool  # False for a bank dispute: the bank already gave the client its money

    def platform_keeps(self, to_helper: int, to_client: int) -> int:
        return self.available - to_helper - to_client


def split_bounds(dispute: Dispute) -> SplitBounds:
    mission = db.session.get(Mission, dispute.mission_id)
    assert mission is not None
    if dispute.opened_by != "client":
        due = helper_still_due(mission)
        return SplitBounds(due, due, False)
    reduced, from_helper = pending_capture_reduction(mission.id)
    return SplitBounds(mission.total_cents - reduced, mission.helper_share_cents - from_helper,
                       True)


def helper_still_due(mission: Mission) -> int:
    """The helper's share less what refunds already took from it (before or after capture,
    before or after the transfer): all a bank dispute can leave the helper, or take back."""
    return mission.helper_share_cents - refunds.refunded_so_far(mission.id)[1]


def amounts(bounds: SplitBounds, resolution: str, helper_cents: int | None,
             client_cents: int | None) -> tuple[int, int]:
    """(to the helper, back to the client) for a decision, or a DomainError saying why not."""
    full_refund = bounds.available if bounds.refundable else 0
    if resolution == "release":
        return bounds.helper_max, 0
    if resolution == "refund":
        return 0, full_refund
    x, y = helper_cents, client_cents if bounds.refundable else (client_cents or 0)
    if x is None or y is None or x < 0 or y < 0:
        raise DomainError(_l("For a split, give both amounts: to the helper and back to the "
                          "client (0 or more)."))
    if not bounds.refundable and y:
        raise DomainError(_l("The client's bank already returned the disputed amount: nothing "
                          "more goes back to the client."))
    if x > bounds.helper_max:
        raise DomainError(_l("The helper can receive at most %(amount)s.",
                             amount=format_money(bounds.helper_max)))
    if x + y > bounds.available:
        raise DomainError(_l("Helper and client together can receive at most %(amount)s.",
                             amount=format_money(bounds.available)))
    if bounds.refundable and x + y < bounds.helper_max:
        raise DomainError(_l("What the helper does not receive goes back to the client: the two "
                             "amounts must add up to at least %(amount)s.",
                             amount=format_money(bounds.helper_max)))
    return x, y


def settle_unpaid(payout: Payout, to_helper: int) -> None:
    if to_helper == 0:
        payout.status = payout_transition(payout.status, PayoutStatus.CANCELED)
        payout.hold_reason = N_("Lost in a dispute.")
        return
    payout.amount_cents = to_helper
    payout.status = payout_transition(payout.status, PayoutStatus.SCHEDULED)
    payout.hold_reason = None
    db.session.flush()
    outbox.enqueue("payouts.release", payout.id)


def claw_back(payout: Payout, amount: int) -> None:
    """The helper was paid already: reverse their transfer for the part they lose."""
    reversal_id = gateway().reverse_transfer(
        payout.transfer_id or "", amount, {"mission_id": str(payout.mission_id)},
        idempotency_key=f"mkt:dispute-reversal:{payout.id}")
    refunds.record_reversal(
        payout, amount, reversal_id,
        f"Transfer reversal after a dispute on mission #{payout.mission_id}")
