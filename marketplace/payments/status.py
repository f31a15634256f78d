"""Payment and payout lifecycles, each as a table of allowed transitions."""

from __future__ import annotations

from enum import StrEnum

from marketplace.core.state import check_transition


class PaymentStatus(StrEnum):
    CREATED = "created"  # checkout not completed yet
    SAVED = "card_saved"  # card saved for a later off-session hold (mission > 5 days away)
    AUTHORIZED = "authorized"  # card hold in place (requires_capture)
    CAPTURED = "captured"
    FAILED = "failed"  # declined; the client may try again
    CANCELED = "canceled"


class PayoutStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"  # waiting for something (e.g. the helper's payouts_enabled)
    PAID = "paid"  # transfer created at Stripe
    FAILED = "failed"
    CANCELED = "canceled"  # nothing left to pay (refunded or lost in a dispute)


class ReceivableStatus(StrEnum):
    OUTSTANDING = "outstanding"  # owed, not charged yet (or a charge is being retried)
    COLLECTED = "collected"
    FAILED = "failed"  # the off-session charge was refused: operators retry or write off
    WRITTEN_OFF = "written_off"


P, Q = PaymentStatus, PayoutStatus
PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.CREATED: frozenset({P.AUTHORIZED, P.SAVED, P.FAILED, P.CANCELED}),
    P.SAVED: frozenset({P.AUTHORIZED, P.FAILED, P.CANCELED}),
    P.FAILED: frozenset({P.AUTHORIZED, P.CANCELED}),
    P.AUTHORIZED: frozenset({P.CAPTURED, P.CANCELED, P.FAILED}),  # FAILED: the hold lapsed
    P.CAPTURED: frozenset(),
    P.CANCELED: frozenset(),
}
PAYOUT_TRANSITIONS: dict[PayoutStatus, frozenset[PayoutStatus]] = {
    Q.SCHEDULED: frozenset({Q.HELD, Q.PAID, Q.FAILED, Q.CANCELED}),
    Q.HELD: frozenset({Q.SCHEDULED, Q.PAID, Q.FAILED, Q.CANCELED}),
    Q.FAILED: frozenset({Q.SCHEDULED, Q.CANCELED}),
    Q.PAID: frozenset(),
    Q.CANCELED: frozenset(),
}


def payment_transition(current: PaymentStatus, target: PaymentStatus) -> PaymentStatus:
    return check_transition(PAYMENT_TRANSITIONS, current, target)


def payout_transition(current: PayoutStatus, target: PayoutStatus) -> PayoutStatus:
    return check_transition(PAYOUT_TRANSITIONS, current, target)
