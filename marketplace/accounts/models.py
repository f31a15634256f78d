"""Users carry role flags (a person may be client and helper); helpers have a profile."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.models import TimestampMixin
from marketplace.extensions import db


class User(TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_client: Mapped[bool] = mapped_column(default=False)
    is_helper: Mapped[bool] = mapped_column(default=False)
    is_operator: Mapped[bool] = mapped_column(default=False)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    helper_profile: Mapped[HelperProfile | None] = relationship(back_populates="user")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_suspended

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class HelperProfile(TimestampMixin, db.Model):
    __tablename__ = "helper_profiles"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lng BETWEEN -180 AND 180", name="lng_range"),
        CheckConstraint("radius_km > 0 AND radius_km <= 100", name="radius_range"),
        Index("ix_helper_profiles_lat_lng", "lat", "lng"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    lat: Mapped[float]
    lng: Mapped[float]
    radius_km: Mapped[float] = mapped_column(default=5.0)
    bio: Mapped[str | None] = mapped_column(String(1000))
    stripe_account_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    charges_enabled: Mapped[bool] = mapped_column(default=False)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="helper_profile")
    skills: Mapped[list[HelperSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="HelperSkill.category"
    )

    @property
    def skill_slugs(self) -> list[str]:
        return [s.category for s in self.skills]


class HelperSkill(db.Model):
    __tablename__ = "helper_skills"
    __table_args__ = (UniqueConstraint("helper_profile_id", "category", name="uq_helper_skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_profile_id: Mapped[int] = mapped_column(ForeignKey("helper_profiles.id"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
