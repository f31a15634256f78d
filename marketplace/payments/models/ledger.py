"""The double-entry ledger, its check runs, and the Stripe events stored once by id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.base import TimestampMixin
from marketplace.core.db import Model


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
    # set when its handler failed for good: the sweeper stops, operators see it
    dead_lettered_at: Mapped[datetime | None]
