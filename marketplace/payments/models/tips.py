"""A client's tip to the helper of a completed mission: charged on its own, paid in full."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.missions.models import Mission
from marketplace.payments.status import TipStatus


class Tip(TimestampMixin, Model):
    """100 % to the helper (one Stripe Transfer keyed by this row); the platform bears the
    Stripe fee on the tip's charge and takes no commission."""

    __tablename__ = "tips"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("stripe_fee_cents >= 0", name="stripe_fee_non_negative"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[TipStatus] = mapped_column(str_enum(TipStatus), default=TipStatus.PENDING)
    method: Mapped[str] = mapped_column(String(20))  # card_on_file | checkout
    attempts: Mapped[int] = mapped_column(default=0)
    checkout_session_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    payment_intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    stripe_fee_cents: Mapped[int] = mapped_column(default=0)
    transfer_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    failure_message: Mapped[str | None] = mapped_column(String(255))
    captured_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    mission: Mapped[Mission] = relationship()
    helper: Mapped[User] = relationship(foreign_keys=[helper_id])
