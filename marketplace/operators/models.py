"""Operator-side records: the hotline call log."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import TimestampMixin
from marketplace.core.db import Model


class CallLog(TimestampMixin, Model):
    __tablename__ = "call_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(2000))
    follow_up: Mapped[bool] = mapped_column(default=False)

    operator: Mapped[User] = relationship()
