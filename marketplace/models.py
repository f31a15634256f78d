"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.core.health import WorkerHeartbeat
from marketplace.core.outbox import OutboxMessage
from marketplace.missions.models import Assignment, Mission
from marketplace.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationSettings,
)
from marketplace.payments.models import (
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    StripeEvent,
)

__all__ = [
    "Assignment",
    "HelperProfile",
    "HelperSkill",
    "LedgerEntry",
    "LedgerTransaction",
    "Mission",
    "Notification",
    "NotificationDelivery",
    "NotificationSettings",
    "OutboxMessage",
    "Payment",
    "Payout",
    "StripeEvent",
    "User",
    "WorkerHeartbeat",
]
