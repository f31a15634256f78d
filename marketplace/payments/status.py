"""The payments domain's lifecycles (payment, payout, dispute, receivable, bank payout),
each an enum with a table of allowed transitions; and the refund stage, a fact set once."""

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


class DisputeStatus(StrEnum):
    OPEN = "open"  # the helper's money is held until an operator decides
    RESOLVED = "resolved"


class BankPayoutStatus(StrEnum):
    """Stripe's own payout lifecycle (a connected account's balance to the helper's bank)."""

    PENDING = "pending"
    IN_TRANSIT = "in_transit"
    PAID = "paid"  # may still turn failed within a few business days (the bank returns it)
    FAILED = "failed"
    CANCELED = "canceled"


class RefundStage(StrEnum):
    """Where the mission's money was when a refund was granted: decided once, when the
    refund row is written, and never changed (a stage, not a lifecycle: no transitions)."""

    BEFORE_CAPTURE = "before_capture"  # the capture takes that much less
    BEFORE_TRANSFER = "before_transfer"  # Stripe refund; the helper's payout shrinks
    AFTER_TRANSFER = "after_transfer"  # Stripe refund plus a transfer reversal


P, Q = PaymentStatus, PayoutStatus
class PaymentLinkState(StrEnum):
    SENT = "sent"  # given to the caller (SMS, email, or read out by the operator)
    OPENED = "opened"  # the caller opened the page at least once
    PAID = "paid"  # the card is authorized (or saved): the link is used up
    EXPIRED = "expired"  # opened after PAYMENT_LINK_TTL_HOURS
    REVOKED = "revoked"  # replaced by a newer link (resend)


PAYMENT_LINK_TRANSITIONS: dict[PaymentLinkState, frozenset[PaymentLinkState]] = {
    PaymentLinkState.SENT: frozenset({PaymentLinkState.OPENED, PaymentLinkState.PAID,
                                      PaymentLinkState.EXPIRED, PaymentLinkState.REVOKED}),
    PaymentLinkState.OPENED: frozenset({PaymentLinkState.PAID, PaymentLinkState.EXPIRED,
                                        PaymentLinkState.REVOKED}),
}


class TipStatus(StrEnum):
    PENDING = "pending"  # the hosted checkout is open (or the off-session charge running)
    CAPTURED = "captured"  # charged: owed to the helper in full
    PAID = "paid"  # transferred to the helper
    FAILED = "failed"  # the card was refused: nothing charged


TIP_TRANSITIONS: dict[TipStatus, frozenset[TipStatus]] = {
    TipStatus.PENDING: frozenset({TipStatus.CAPTURED, TipStatus.FAILED}),
    TipStatus.FAILED: frozenset({TipStatus.PENDING}),  # another try, another card
    TipStatus.CAPTURED: frozenset({TipStatus.PAID}),
}


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


R, D, B = ReceivableStatus, DisputeStatus, BankPayoutStatus
RECEIVABLE_TRANSITIONS: dict[ReceivableStatus, frozenset[ReceivableStatus]] = {
    R.OUTSTANDING: frozenset({R.COLLECTED, R.FAILED}),
    R.FAILED: frozenset({R.OUTSTANDING, R.WRITTEN_OFF}),  # an operator retries or writes off
    R.COLLECTED: frozenset(),
    R.WRITTEN_OFF: frozenset(),
}
DISPUTE_TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    D.OPEN: frozenset({D.RESOLVED}),
    D.RESOLVED: frozenset(),
}
# Stripe's documented order; a status not allowed here is an older snapshot arriving late
# (or a replay) and is ignored, so events applied in any order only move a payout forward.
BANK_PAYOUT_TRANSITIONS: dict[BankPayoutStatus, frozenset[BankPayoutStatus]] = {
    B.PENDING: frozenset({B.IN_TRANSIT, B.PAID, B.FAILED, B.CANCELED}),
    B.IN_TRANSIT: frozenset({B.PAID, B.FAILED, B.CANCELED}),
    B.PAID: frozenset({B.FAILED}),
    B.FAILED: frozenset(),
    B.CANCELED: frozenset(),
}


def payment_transition(current: PaymentStatus, target: PaymentStatus) -> PaymentStatus:
    return check_transition(PAYMENT_TRANSITIONS, current, target)


def payout_transition(current: PayoutStatus, target: PayoutStatus) -> PayoutStatus:
    return check_transition(PAYOUT_TRANSITIONS, current, target)


def receivable_transition(current: ReceivableStatus,
                          target: ReceivableStatus) -> ReceivableStatus:
    return check_transition(RECEIVABLE_TRANSITIONS, current, target)


def dispute_transition(current: DisputeStatus, target: DisputeStatus) -> DisputeStatus:
    return check_transition(DISPUTE_TRANSITIONS, current, target)


def bank_payout_transition(current: BankPayoutStatus,
                           target: BankPayoutStatus) -> BankPayoutStatus:
    return check_transition(BANK_PAYOUT_TRANSITIONS, current, target)
