"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.availability import AvailabilitySlot, TimeOff
from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.core.audit import AuditEntry
from marketplace.core.health import WorkerHeartbeat
from marketplace.core.outbox import OutboxMessage
from marketplace.missions.cancellation import MissionCancellation
from marketplace.missions.categories import Category
from marketplace.missions.completion import FinalPriceProposal
from marketplace.missions.matching_models import MissionMatching, MissionOffer
from marketplace.missions.messaging import Message
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.reviews import Review
from marketplace.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationSettings,
)
from marketplace.operators.hotline import CallLog
from marketplace.payments.bank_payouts import BankPayout
from marketplace.payments.disputes import Dispute
from marketplace.payments.fee_models import FeeRule, MissionFeeLine
from marketplace.payments.models import (
    LedgerCheckRun,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    StripeEvent,
)
from marketplace.payments.receivables import ClientReceivable
from marketplace.payments.refunds import Refund

__all__ = [
    "Assignment",
    "AuditEntry",
    "AvailabilitySlot",
    "BankPayout",
    "CallLog",
    "Category",
    "ClientReceivable",
    "Dispute",
    "FeeRule",
    "FinalPriceProposal",
    "HelperProfile",
    "HelperSkill",
    "LedgerCheckRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Message",
    "Mission",
    "MissionCancellation",
    "MissionFeeLine",
    "MissionMatching",
    "MissionOffer",
    "Notification",
    "NotificationDelivery",
    "NotificationSettings",
    "OutboxMessage",
    "Payment",
    "Payout",
    "Refund",
    "Review",
    "StripeEvent",
    "TimeOff",
    "User",
    "WorkerHeartbeat",
]
