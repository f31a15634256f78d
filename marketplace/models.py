"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.core.audit import AuditEntry
from marketplace.core.health import WorkerHeartbeat
from marketplace.core.outbox import OutboxMessage
from marketplace.missions.cancellation import MissionCancellation
from marketplace.missions.completion import FinalPriceProposal
from marketplace.missions.models import Assignment, Mission
from marketplace.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationSettings,
)
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
from marketplace.payments.refunds import Refund

__all__ = [
    "Assignment",
    "AuditEntry",
    "Dispute",
    "FeeRule",
    "FinalPriceProposal",
    "HelperProfile",
    "HelperSkill",
    "LedgerCheckRun",
    "LedgerEntry",
    "LedgerTransaction",
    "Mission",
    "MissionCancellation",
    "MissionFeeLine",
    "Notification",
    "NotificationDelivery",
    "NotificationSettings",
    "OutboxMessage",
    "Payment",
    "Payout",
    "Refund",
    "StripeEvent",
    "User",
    "WorkerHeartbeat",
]
