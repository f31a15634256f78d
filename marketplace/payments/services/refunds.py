"""Operator refunds at every stage of a mission's money.

Before capture: a full refund cancels the card hold; a partial one is remembered and the
later capture takes that much less. After capture and before the transfer: Stripe refund,
and the helper's scheduled payout shrinks by the helper's share of the refund. After the
transfer: Stripe refund plus a reversal of the helper's share of the transfer. `helper_cents`
is the part of the refund taken from the helper; the rest comes from the platform's fees.
Every step is audited and written to the ledger in the same commit as its state change.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.i18n import N_, format_money
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Payment, Payout, Refund
from marketplace.payments.status import PaymentStatus, PayoutStatus, RefundStage, payout_transition


@dataclass(frozen=True)
class RefundRequest:
    mission_id: int
    amount_cents: int
    helper_cents: int
    note: str


def refunded_so_far(mission_id: int) -> tuple[int, int]:
    """(client refunded, taken from the helper) over all refunds of a mission."""
    total, helper = db.session.execute(
        db.select(func.coalesce(func.sum(Refund.amount_cents), 0),
                  func.coalesce(func.sum(Refund.helper_cents), 0))
        .where(Refund.mission_id == mission_id)).one()
    return int(total), int(helper)


def refundable_payment(mission: Mission) -> Payment:
    payment = db.session.execute(
        db.select(Payment).where(Payment.mission_id == mission.id,
                                 Payment.status.in_([PaymentStatus.AUTHORIZED,
                                                     PaymentStatus.CAPTURED]))
    ).scalar_one_or_none()
    if payment is None:
        raise Conflict(_l("This mission has no payment to refund."))
    return payment


def validate(req: RefundRequest, mission: Mission, payment: Payment,
              payout: Payout | None) -> None:
    done, from_helper = refunded_so_far(mission.id)
    paid = min(payment.amount_cents, mission.total_cents)
    if payment.status == PaymentStatus.CAPTURED:  # earlier pre-capture refunds were never taken
        paid, done = payment.captured_cents, done - pending_capture_reduction(mission.id)[0]
    if len(req.note.strip()) < 3:
        raise DomainError(_l("A note explaining the refund is required."))
    if not 0 < req.amount_cents <= paid - done:
        raise DomainError(_l("The refund must be between %(low)s and %(high)s.",
                             low=format_money(1), high=format_money(paid - done)))
    if not 0 <= req.helper_cents <= min(req.amount_cents,
                                        mission.helper_share_cents - from_helper):
        raise DomainError(_l("The helper's part cannot exceed the refund or what they earn."))
    releases_whole_hold = (payment.status == PaymentStatus.AUTHORIZED
                           and req.amount_cents == paid - done)  # the mission is called off
    transferred = payout is not None and payout.status == PayoutStatus.PAID
    if not releases_whole_hold and not transferred:
        _check_charge_covers_helper(req, paid - done, mission.helper_share_cents - from_helper)


def _check_charge_covers_helper(req: RefundRequest, left_on_charge: int, helper_due: int) -> None:
    """The helper is paid by a transfer out of the client's charge (source_transaction), and
    Stripe refuses to transfer more than the charge keeps after refunds (before capture: the
    capture takes that much less): a refund that left less than the helper's share would
    make their payout fail. The operator takes the difference from the helper's part, or
    refunds after the transfer instead."""
    short = (helper_due - req.helper_cents) - (left_on_charge - req.amount_cents)
    if short > 0:
        raise DomainError(
            _l("After this refund the payment would no longer cover the helper's share: take at "
               "least %(amount)s from the helper's part, or refund after the helper has been paid.",
               amount=format_money(req.helper_cents + short)))






def stage_of(payment: Payment, payout: Payout | None) -> RefundStage:
    """Where the money is now (the payout locked by the caller): the refund's stage, for good."""
    if payment.status == PaymentStatus.AUTHORIZED:
        return RefundStage.BEFORE_CAPTURE
    if payout is not None and payout.status == PayoutStatus.PAID:
        return RefundStage.AFTER_TRANSFER
    return RefundStage.BEFORE_TRANSFER


def refund_after_capture(mission: Mission, payment: Payment, row: Refund,
                   payout: Payout | None) -> None:
    if row.stage == RefundStage.AFTER_TRANSFER:
        if row.helper_cents and payout is not None:
            _reverse(payout, row)
    else:
        _shrink_payout(payout, row.helper_cents)
    row.stripe_refund_id = gateway().create_refund(
        payment.charge_id or "", row.amount_cents, {"refund_id": str(row.id)},
        idempotency_key=f"mkt:refund:{row.id}")
    record_refund_lines(mission, payment, row)


def record_refund_lines(mission: Mission, payment: Payment, row: Refund) -> None:
    assert mission.helper_id is not None
    ledger.record("refund", f"refund:{row.stripe_refund_id}", [
        Line(ledger.helper_payable(mission.helper_id), row.helper_cents),
        Line(ledger.REFUNDS, row.amount_cents - row.helper_cents),
        Line(ledger.STRIPE_BALANCE, -row.amount_cents),
    ], currency=payment.currency, mission_id=mission.id,
        description=f"Refund to the client of mission #{mission.id}",
        stripe_source_id=row.stripe_refund_id)


def _shrink_payout(payout: Payout | None, helper_cents: int) -> None:
    if payout is None or helper_cents == 0:
        return
    if helper_cents >= payout.amount_cents:
        payout.status = payout_transition(payout.status, PayoutStatus.CANCELED)
        payout.hold_reason = N_("Refunded to the client.")
    else:
        payout.amount_cents -= helper_cents


def _reverse(payout: Payout, row: Refund) -> None:
    row.stripe_reversal_id = reversal_id = gateway().reverse_transfer(
        payout.transfer_id or "", row.helper_cents, {"refund_id": str(row.id)},
        idempotency_key=f"mkt:reversal:{row.id}")
    record_reversal(payout, row.helper_cents, reversal_id,
                    f"Transfer reversal for mission #{payout.mission_id}")


def record_reversal(payout: Payout, amount_cents: int, reversal_id: str, description: str) -> None:
    """Money taken back from a paid helper returns to our Stripe balance (once per reversal)."""
    ledger.record("transfer_reversal", f"reversal:{reversal_id}", [
        Line(ledger.STRIPE_BALANCE, amount_cents),
        Line(ledger.helper_payable(payout.helper_id), -amount_cents),
    ], currency=payout.currency, mission_id=payout.mission_id, description=description,
        stripe_source_id=reversal_id)


def pending_capture_reduction(mission_id: int) -> tuple[int, int]:
    """Refunds granted before capture: (less to capture, less for the helper)."""
    total, helper = db.session.execute(
        db.select(func.coalesce(func.sum(Refund.amount_cents), 0),
                  func.coalesce(func.sum(Refund.helper_cents), 0))
        .where(Refund.mission_id == mission_id, Refund.stage == RefundStage.BEFORE_CAPTURE)
    ).one()
    return int(total), int(helper)


def refunds_of(mission_id: int) -> list[Refund]:
    return list(db.session.execute(
        db.select(Refund).where(Refund.mission_id == mission_id).order_by(Refund.id)).scalars())


def recent_refunds(limit: int = 100) -> list[Refund]:
    return list(db.session.execute(
        db.select(Refund).order_by(Refund.id.desc()).limit(limit)).scalars())
