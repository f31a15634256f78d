"""Every payments table: payments, payouts, refunds, disputes, receivables, bank payouts,
fee rules and fee lines, the double-entry ledger and stored Stripe events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.db import Model
from marketplace.core.models import StrEnumString, TimestampMixin, str_enum
from marketplace.missions.models import Mission
from marketplace.payments.fees import FeeFormula
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


class LedgerTransaction(TimestampMixin, Model):
    """One balanced movement of money; external_id (a Stripe object id) makes replays no-ops."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(120), unique=True)
    # The Stripe object whose balance transaction(s) this movement should match
    # (charge, transfer, refund, reversal); None for movements Stripe never sees.
    stripe_source_id: Mapped[str | None] = mapped_column(String(80), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"),
                                                    unique=True)
    mission_id: Mapped[int | None] = mapped_column(ForeignKey("missions.id"), index=True)
    description: Mapped[str] = mapped_column(String(255))

    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="transaction", cascade="all, delete-orphan", lazy="selectin"
    )


class LedgerCheckRun(Model):
    """The outcome of one `ledger check` (CLI or the daily job), shown to operators."""

    __tablename__ = "ledger_check_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(index=True)
    transactions: Mapped[int]
    unbalanced: Mapped[int]
    unmatched: Mapped[int]
    problems: Mapped[str] = mapped_column(Text, default="")

    @property
    def ok(self) -> bool:
        return self.unbalanced == 0 and self.unmatched == 0 and not self.problems


class LedgerEntry(Model):
    """A signed line: debits positive, credits negative; a transaction's lines sum to 0."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="amount_non_zero"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account: Mapped[str] = mapped_column(String(80), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")


class StripeEvent(Model):
    """A webhook event, stored once by its Stripe id before anything acts on it."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


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


class FeeKind(StrEnum):
    SERVICE_FEE = "service_fee"  # paid by the client on top of the price
    COMMISSION = "commission"  # kept from the price before the helper is paid


class FeeRule(TimestampMixin, Model):
    """One formula for one scope; `scope_key` makes each scope unique (NULLs included)."""

    __tablename__ = "fee_rules"
    __table_args__ = (
        CheckConstraint("bps BETWEEN 0 AND 10000", name="bps_range"),
        CheckConstraint("fixed_cents >= 0", name="fixed_non_negative"),
        CheckConstraint("min_cents IS NULL OR min_cents >= 0", name="min_non_negative"),
        CheckConstraint("cap_cents IS NULL OR cap_cents >= 0", name="cap_non_negative"),
        CheckConstraint("min_cents IS NULL OR cap_cents IS NULL OR min_cents <= cap_cents",
                        name="min_below_cap"),
        CheckConstraint("helper_id IS NULL OR (kind = 'commission' AND category IS NULL "
                        "AND channel IS NULL)", name="helper_override_is_commission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[FeeKind] = mapped_column(str_enum(FeeKind))
    category: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(20))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    scope_key: Mapped[str] = mapped_column(String(120), unique=True)
    bps: Mapped[int] = mapped_column(default=0)
    fixed_cents: Mapped[int] = mapped_column(default=0)
    min_cents: Mapped[int | None]
    cap_cents: Mapped[int | None]

    helper: Mapped[User | None] = relationship()

    @property
    def formula(self) -> FeeFormula:
        return FeeFormula(self.bps, self.fixed_cents, self.min_cents, self.cap_cents)

    @property
    def scope_label(self) -> str:
        if self.helper_id is not None:
            return f"helper #{self.helper_id}" + (f" ({self.helper.email})" if self.helper else "")
        parts = [p for p in (self.category, self.channel) if p]
        return " + ".join(parts) if parts else "default"

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "category": self.category, "channel": self.channel,
                "helper_id": self.helper_id, "bps": self.bps, "fixed_cents": self.fixed_cents,
                "min_cents": self.min_cents, "cap_cents": self.cap_cents}


class MissionFeeLine(TimestampMixin, Model):
    """A fee as booked: never recomputed when rules change later.

    The service fee and the default commission are taken at booking (helper_id NULL); a
    helper's own commission (override) is snapshotted once, when that helper is assigned.
    """

    __tablename__ = "mission_fee_lines"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    kind: Mapped[FeeKind] = mapped_column(str_enum(FeeKind))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    line_key: Mapped[str] = mapped_column(String(80), unique=True)
    amount_cents: Mapped[int]
    basis: Mapped[str] = mapped_column(String(160))
    rule_id: Mapped[int | None]  # for reference only: the rule may be edited or deleted

    mission: Mapped[Mission] = relationship()
