"""The commission report's books: one line per captured payment and a daily rollup.

Both are written in the same transaction as the ledger lines they summarise (see
payments/commission_book.py) and checked against the ledger by the daily ledger check, so
the operators' report reads a year of a national platform without summing millions of
ledger lines per request.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.db import Model


class CommissionLine(Model):
    """What the platform earned on one captured payment, from the ledger (running sums)."""

    __tablename__ = "commission_lines"
    __table_args__ = (
        Index("ix_commission_lines_captured", "captured_at", "payment_id"),
        Index("ix_commission_lines_helper", "helper_id", "captured_at", "payment_id"),
        Index("ix_commission_lines_operator", "booked_by_id", "captured_at", "payment_id"),
    )

    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    captured_at: Mapped[datetime]
    day: Mapped[date]
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    booked_by_id: Mapped[int | None]
    helper_id: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3))
    charged_cents: Mapped[int] = mapped_column(default=0)
    commission_cents: Mapped[int] = mapped_column(default=0)
    service_fee_cents: Mapped[int] = mapped_column(default=0)
    refunds_cents: Mapped[int] = mapped_column(default=0)
    stripe_fee_cents: Mapped[int] = mapped_column(default=0)


class CommissionDay(Model):
    """The commission lines of one capture day summed by category, channel and operator
    (booked_by_id 0: booked by nobody on the hotline)."""

    __tablename__ = "commission_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    booked_by_id: Mapped[int] = mapped_column(primary_key=True)
    missions: Mapped[int] = mapped_column(default=0)
    charged_cents: Mapped[int] = mapped_column(default=0)
    commission_cents: Mapped[int] = mapped_column(default=0)
    service_fee_cents: Mapped[int] = mapped_column(default=0)
    refunds_cents: Mapped[int] = mapped_column(default=0)
    stripe_fee_cents: Mapped[int] = mapped_column(default=0)
