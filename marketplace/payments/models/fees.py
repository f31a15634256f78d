"""Fee rules operators edit, and the fee lines snapshotted on each mission at booking."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.missions.models import Mission
from marketplace.payments.fees import FeeFormula


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
