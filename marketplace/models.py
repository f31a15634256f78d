"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.availability import AvailabilitySlot, TimeOff
from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.core.outbox import OutboxMessage
from marketplace.missions.categories import Category
from marketplace.missions.matching_models import MissionMatching, MissionOffer
from marketplace.missions.messaging import Message
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.reviews import Review
from marketplace.operators.hotline import CallLog
from marketplace.payments.models import (
    LedgerEntry,
    LedgerTransaction,
    Payment,
    Payout,
    StripeEvent,
)

__all__ = [
    "Assignment",
    "AvailabilitySlot",
    "CallLog",
    "Category",
    "HelperProfile",
    "HelperSkill",
    "LedgerEntry",
    "LedgerTransaction",
    "Message",
    "Mission",
    "MissionMatching",
    "MissionOffer",
    "OutboxMessage",
    "Payment",
    "Payout",
    "Review",
    "StripeEvent",
    "TimeOff",
    "User",
]
