"""The client's payment, the helper's payout, and what can happen to the money between:
refunds, disputes, fees the client owes, and the helper's bank payouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import StrEnumString, TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.missions.models import Mission
from marketplace.payments.status import (
    BankPayoutStatus,
    DisputeStatus,
    PaymentStatus,
    PayoutStatus,
    ReceivableStatus,
    RefundStage,
)


class Payment(TimestampMixin, Model):
    """The client's card payment for a mission: one manual-capture PaymentIntent."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("captured_cents >= 0 AND captured_cents <= amount_cents",
                        name="captured_within_amount"),
        CheckConstraint("stripe_fee_cents >= 0", name="stripe_fee_non_negative"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus),
                                                  default=PaymentStatus.CREATED)
    checkout_session_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    checkout_attempts: Mapped[int] = mapped_column(default=0)
    payment_intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(80))  # saved card (far missions)
    charge_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    captured_cents: Mapped[int] = mapped_column(default=0)
    stripe_fee_cents: Mapped[int] = mapped_column(default=0)
    failure_message: Mapped[str | None] = mapped_column(String(255))
    authorized_at: Mapped[datetime | None]
    captured_at: Mapped[datetime | None]

    mission: Mapped[Mission] = relationship()


class Payout(TimestampMixin, Model):
    """The helper's share of a captured payment, sent as one Stripe Transfer."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PayoutStatus] = mapped_column(str_enum(PayoutStatus),
                                                 default=PayoutStatus.SCHEDULED)
    transfer_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    release_after: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    hold_reason: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[datetime | None]

    mission: Mapped[Mission] = relationship()
    payment: Mapped[Payment] = relationship()
    helper: Mapped[User] = relationship()


class BankPayout(TimestampMixin, Model):
    """One Stripe Payout from a helper's connected account to their bank."""

    __tablename__ = "bank_payouts"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_payout_id: Mapped[str] = mapped_column(String(80), unique=True)
    stripe_account_id: Mapped[str] = mapped_column(String(64), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[BankPayoutStatus] = mapped_column(StrEnumString(BankPayoutStatus, 20))
    arrival_date: Mapped[datetime | None]
    failure_code: Mapped[str | None] = mapped_column(String(80))
    failure_message: Mapped[str | None] = mapped_column(String(255))

    @property
    def failed(self) -> bool:
        return self.status == BankPayoutStatus.FAILED


class Dispute(TimestampMixin, Model):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    opened_by: Mapped[str] = mapped_column(String(10))  # client | bank
    reason: Mapped[str] = mapped_column(String(500))
    stripe_dispute_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    status: Mapped[DisputeStatus] = mapped_column(StrEnumString(DisputeStatus, 10),
                                                  default=DisputeStatus.OPEN)
    bank_status: Mapped[str | None] = mapped_column(String(30))  # Stripe's, for chargebacks
    resolution: Mapped[str | None] = mapped_column(String(10))
    helper_cents: Mapped[int | None]
    refund_cents: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(String(500))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]


class Refund(TimestampMixin, Model):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount_cents: Mapped[int]
    helper_cents: Mapped[int] = mapped_column(default=0)
    stage: Mapped[RefundStage] = mapped_column(StrEnumString(RefundStage, 20))
    stripe_refund_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    stripe_reversal_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500))


class ClientReceivable(TimestampMixin, Model):
    """A fee the client owes (booked when it became due), and how it was collected."""

    __tablename__ = "client_receivables"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("helper_cents >= 0 AND helper_cents <= amount_cents",
                        name="helper_within_amount"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount_cents: Mapped[int]
    helper_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(40))  # late_cancellation
    payment_method_id: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[ReceivableStatus] = mapped_column(StrEnumString(ReceivableStatus, 20),
                                                     default=ReceivableStatus.OUTSTANDING,
                                                     index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    failure_message: Mapped[str | None] = mapped_column(String(255))
    collected_at: Mapped[datetime | None]

    mission: Mapped[Mission] = relationship()
