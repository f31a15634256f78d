"""Street-level addresses imported from the Base Adresse Nationale (one département a file).

Searched with pg_trgm on PostgreSQL (GIN trigram index on `search_text`) and with an FTS5
table (`ban_addresses_fts`, kept in sync by triggers) on SQLite; both live only in the
migration (places01_addresses), see `schema.UNMAPPED`.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.db import Model


class BanAddress(Model):
    __tablename__ = "ban_addresses"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
        Index("ix_ban_addresses_lat_lon", "lat", "lon"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ban_id: Mapped[str] = mapped_column(String(64), unique=True)
    departement: Mapped[str] = mapped_column(String(3), index=True)
    housenumber: Mapped[str | None] = mapped_column(String(16))
    street: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(5))
    citycode: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(255))
    search_text: Mapped[str] = mapped_column(String(255))
    lat: Mapped[float]
    lon: Mapped[float]
