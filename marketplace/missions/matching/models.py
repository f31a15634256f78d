"""Matching state kept beside the mission (its status machine stays about the lifecycle).

`MissionMatching` says how a mission looks for its helper (mode, current wave and how far
it reaches, when the next wave is due, whether an operator must step in); `MissionOffer`
records that a helper was shown the mission (invited or reached by a wave) and whether
they applied.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import TimestampMixin
from marketplace.core.db import Model
from marketplace.missions.lifecycle import MatchingMode


class MissionMatching(TimestampMixin, Model):
    __tablename__ = "mission_matching"
    __table_args__ = (Index("ix_mission_matching_due", "next_wave_at"),)

    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), primary_key=True)
    mode: Mapped[MatchingMode] = mapped_column(Enum(
        MatchingMode, native_enum=False, length=20, create_constraint=True,
        values_callable=lambda e: [m.value for m in e], name="matchingmode"))
    wave: Mapped[int] = mapped_column(default=0)
    # instant: radius of the current wave; only eligible helpers within it may accept
    # (None: offered to nobody yet)
    reach_km: Mapped[float | None]
    next_wave_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None] = mapped_column(index=True)
    escalation_reason: Mapped[str | None] = mapped_column(String(200))


class MissionOffer(TimestampMixin, Model):
    __tablename__ = "mission_offers"
    __table_args__ = (UniqueConstraint("mission_id", "helper_id", name="uq_mission_offer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    wave: Mapped[int] = mapped_column(default=0)
    distance_km: Mapped[float]
    applied_at: Mapped[datetime | None]
    message: Mapped[str | None] = mapped_column(String(1000))
    withdrawn_at: Mapped[datetime | None]

    helper: Mapped[User] = relationship()
