"""Users carry role flags (a person may be client and helper); helpers have a profile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.base import TimestampMixin
from marketplace.core.db import Model


class User(TimestampMixin, Model):
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
    # Part of every session and remember-me cookie (get_id); bumping it ends them all.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Per-account sign-in lockout (marketplace/accounts/lockout.py).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_logins_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    # Set when the owner follows the link emailed at sign-up (marketplace/accounts/
    # confirmation.py); an unconfirmed account cannot sign in. Accounts we create ourselves
    # (operators, hotline callers, the demo) are confirmed from the start.
    email_confirmed_at: Mapped[datetime | None]
    # The language pages and notifications speak to this person: 'fr', 'en', or None to
    # follow the browser (pages) and French (notifications). marketplace/core/i18n.py.
    locale: Mapped[str | None] = mapped_column(String(2))
    # Set when the owner deleted their account (marketplace/flows/account_erasure.py): the row
    # stays, pseudonymised, because money records and the ledger point at it.
    deleted_at: Mapped[datetime | None]

    helper_profile: Mapped[HelperProfile | None] = relationship(back_populates="user")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not (self.is_suspended or self.deleted_at is not None)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the session and the remember-me cookie carry: `<id>:<session version>`."""
        return f"{self.id}:{self.session_version}"


class SignInProbe(Model):
    """Wrong passwords typed for an email no account uses, counted like an account's own.

    Without it the lockout would answer "locked" only for addresses that exist, and ten
    guesses would tell anyone whether a person has an account here. The row holds no email:
    only its keyed digest (marketplace/accounts/lockout.py), and it is deleted once its
    window and cool-down have passed.
    """

    __tablename__ = "sign_in_probes"

    email_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_logins_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class HelperProfile(TimestampMixin, Model):
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
    home_label: Mapped[str | None] = mapped_column(String(255))  # only the helper sees it
    home_postcode: Mapped[str | None] = mapped_column(String(5))
    home_citycode: Mapped[str | None] = mapped_column(String(5))
    home_city: Mapped[str | None] = mapped_column(String(100))
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


class HelperSkill(Model):
    __tablename__ = "helper_skills"
    __table_args__ = (UniqueConstraint("helper_profile_id", "category", name="uq_helper_skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_profile_id: Mapped[int] = mapped_column(ForeignKey("helper_profiles.id"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)


class AvailabilitySlot(Model):
    """Weekly window: weekday 0 = Monday, minutes since local midnight, end exclusive."""

    __tablename__ = "helper_availability_slots"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND start_minute < end_minute "
                        "AND end_minute <= 1440", name="minute_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_profile_id: Mapped[int] = mapped_column(ForeignKey("helper_profiles.id"), index=True)
    weekday: Mapped[int]
    start_minute: Mapped[int]
    end_minute: Mapped[int]


class TimeOff(Model):
    __tablename__ = "helper_time_off"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_profile_id: Mapped[int] = mapped_column(ForeignKey("helper_profiles.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
