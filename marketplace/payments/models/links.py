"""The hotline caller's payment link: one row per link sent, its token kept only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.base import TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.missions.models import Mission
from marketplace.payments.status import PaymentLinkState


class PaymentLink(TimestampMixin, Model):
    """A signed single-use link a phone caller opens to pay without an account."""

    __tablename__ = "payment_links"
    __table_args__ = (CheckConstraint("resend_count >= 0", name="resend_count_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    status: Mapped[PaymentLinkState] = mapped_column(str_enum(PaymentLinkState),
                                                     default=PaymentLinkState.SENT)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    resend_count: Mapped[int] = mapped_column(default=0)

    mission: Mapped[Mission] = relationship()
