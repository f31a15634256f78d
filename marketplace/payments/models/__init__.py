"""Every payments table, by theme: `money` (payments, payouts, refunds, disputes,
receivables, bank payouts), `ledger` (the books and stored Stripe events), `fees`."""

from __future__ import annotations

from marketplace.payments.models.fees import FeeKind, FeeRule, MissionFeeLine
from marketplace.payments.models.group import (
    GroupDispute,
    GroupPayment,
    GroupPayout,
    GroupRefund,
    GroupTransfer,
)
from marketplace.payments.models.ledger import (
    LedgerCheckRun,
    LedgerEntry,
    LedgerTransaction,
    StripeEvent,
)
from marketplace.payments.models.links import PaymentLink
from marketplace.payments.models.money import (
    BankPayout,
    ClientReceivable,
    Dispute,
    Payment,
    Payout,
    Refund,
)
from marketplace.payments.models.report import CommissionDay, CommissionLine
from marketplace.payments.models.tips import Tip

__all__ = [
    "BankPayout",
    "ClientReceivable",
    "CommissionDay",
    "CommissionLine",
    "Dispute",
    "FeeKind",
    "FeeRule",
    "GroupDispute",
    "GroupPayment",
    "GroupPayout",
    "GroupRefund",
    "GroupTransfer",
    "LedgerCheckRun",
    "LedgerEntry",
    "LedgerTransaction",
    "MissionFeeLine",
    "Payment",
    "PaymentLink",
    "Payout",
    "Refund",
    "StripeEvent",
    "Tip",
]
