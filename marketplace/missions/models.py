"""Missions, their assignments, and the commission snapshot taken at booking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import StrEnumString, TimestampMixin, str_enum
from marketplace.core.db import Model, db
from marketplace.missions.lifecycle import Channel, MissionStatus, ProposalStatus

MAX_CHARS = 2000


MAX_COMMENT = 2000


class Mission(TimestampMixin, Model):
    __tablename__ = "missions"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_non_negative"),
        CheckConstraint("commission_cents >= 0 AND commission_cents <= price_cents",
                        name="commission_within_price"),
        CheckConstraint("service_fee_cents >= 0", name="service_fee_non_negative"),
        CheckConstraint("commission_bps BETWEEN 0 AND 10000", name="commission_bps_range"),
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lng BETWEEN -180 AND 180", name="lng_range"),
        CheckConstraint("starts_at < ends_at", name="window_order"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        Index("ix_missions_status_lat_lng", "status", "lat", "lng"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(255))  # the geocoder's label
    postcode: Mapped[str | None] = mapped_column(String(5))
    citycode: Mapped[str | None] = mapped_column(String(5))  # INSEE code of the commune
    city: Mapped[str | None] = mapped_column(String(100))  # what others see until assigned
    lat: Mapped[float]
    lng: Mapped[float]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="eur")
    commission_bps: Mapped[int]
    commission_cents: Mapped[int]
    service_fee_cents: Mapped[int] = mapped_column(default=0)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.WEB)
    status: Mapped[MissionStatus] = mapped_column(
        str_enum(MissionStatus), default=MissionStatus.PENDING_PAYMENT
    )
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    client: Mapped[User] = relationship(foreign_keys=[client_id])
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])

    @property
    def helper_share_cents(self) -> int:
        return self.price_cents - self.commission_cents

    @property
    def total_cents(self) -> int:
        """What the client is charged: the price plus the service fee."""
        return self.price_cents + self.service_fee_cents


class Assignment(TimestampMixin, Model):
    """Who took a mission, when; an active row per mission at most (partial unique index)."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("uq_assignments_active_mission", "mission_id", unique=True,
              sqlite_where=db.text("released_at IS NULL"),
              postgresql_where=db.text("released_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    released_at: Mapped[datetime | None]


class MissionCancellation(TimestampMixin, Model):
    """Who cancelled, why, and the late fee charged (0 when free)."""

    __tablename__ = "mission_cancellations"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # client | helper
    reason: Mapped[str] = mapped_column(String(500))
    late_fee_cents: Mapped[int] = mapped_column(default=0)


class FinalPriceProposal(TimestampMixin, Model):
    __tablename__ = "final_price_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    price_cents: Mapped[int]
    status: Mapped[ProposalStatus] = mapped_column(StrEnumString(ProposalStatus, 10),
                                                   default=ProposalStatus.PROPOSED)
    decided_at: Mapped[datetime | None]


class Message(TimestampMixin, Model):
    __tablename__ = "mission_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    as_operator: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(String(MAX_CHARS))

    author: Mapped[User] = relationship()


class Review(TimestampMixin, Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("mission_id", "author_id", name="uq_review_once"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(String(MAX_COMMENT), default="")
    published_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_note: Mapped[str | None] = mapped_column(String(500))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
