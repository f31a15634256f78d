"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import AvailabilitySlot, HelperProfile, HelperSkill, TimeOff, User
from marketplace.core.models import AuditEntry, Category, OutboxMessage, WorkerHeartbeat
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import (
    Assignment,
    FinalPriceProposal,
    Message,
    Mission,
    MissionCancellation,
    Review,
)
from marketplace.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationSettings,
)
from marketplace.operators.models import CallLog
from marketplace.payments.models import (
    BankPayout,
    ClientReceivable,
    Dispute,
    FeeRule,
    LedgerCheckRun,
    LedgerEntry,
    LedgerTransaction,
    MissionFeeLine,
    Payment,
    Payout,
    Refund,
    StripeEvent,
)
from marketplace.places.models import BanAddress

__all__ = [
    "Assignment",
    "AuditEntry",
    "AvailabilitySlot",
    "BanAddress",
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
