"""Payments, payouts, the double-entry ledger and stored Stripe events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.models import TimestampMixin
from marketplace.extensions import db
from marketplace.missions.models import Mission, _enum
from marketplace.payments.status import PaymentStatus, PayoutStatus


class Payment(TimestampMixin, db.Model):
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
    status: Mapped[PaymentStatus] = mapped_column(_enum(PaymentStatus),
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


class Payout(TimestampMixin, db.Model):
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
    status: Mapped[PayoutStatus] = mapped_column(_enum(PayoutStatus),
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


class LedgerTransaction(TimestampMixin, db.Model):
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


class LedgerCheckRun(db.Model):
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


class LedgerEntry(db.Model):
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


class StripeEvent(db.Model):
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
