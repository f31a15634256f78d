"""Import every model so the metadata (and Alembic) sees the whole schema."""

from marketplace.accounts.models import AvailabilitySlot, HelperProfile, HelperSkill, TimeOff, User
from marketplace.api.models import ApiToken, IdempotencyKey
from marketplace.core.models import AuditEntry, Category, OutboxMessage, WorkerHeartbeat
from marketplace.groupbuy.models import Campaign, CampaignPhoto, Order, PriceTier
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
    PushDevice,
)
from marketplace.operators.models import CallLog
from marketplace.payments.models import (
    BankPayout,
    ClientReceivable,
    Dispute,
    FeeRule,
    GroupDispute,
    GroupPayment,
    GroupPayout,
    GroupRefund,
    LedgerCheckRun,
    LedgerEntry,
    LedgerTransaction,
    MissionFeeLine,
    Payment,
    PaymentLink,
    Payout,
    Refund,
    StripeEvent,
    Tip,
)
from marketplace.places.models import BanAddress

__all__ = [
    "ApiToken",
    "Assignment",
    "AuditEntry",
    "AvailabilitySlot",
    "BanAddress",
    "BankPayout",
    "CallLog",
    "Campaign",
    "CampaignPhoto",
    "Category",
    "ClientReceivable",
    "Dispute",
    "FeeRule",
    "FinalPriceProposal",
    "GroupDispute",
    "GroupPayment",
    "GroupPayout",
    "GroupRefund",
    "HelperProfile",
    "HelperSkill",
    "IdempotencyKey",
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
    "Order",
    "OutboxMessage",
    "Payment",
    "PaymentLink",
    "Payout",
    "PriceTier",
    "PushDevice",
    "Refund",
    "Review",
    "StripeEvent",
    "TimeOff",
    "Tip",
    "User",
    "WorkerHeartbeat",
]
