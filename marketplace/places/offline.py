"""The offline adapter: the imported BAN table for streets, GeoNames for communes.

No network: development, tests and the demo. Street search uses the database's own text
index (pg_trgm on PostgreSQL, FTS5 on SQLite); communes are matched in memory.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import text as sql

from marketplace.core.db import db
from marketplace.core.geo import bounding_box, haversine_km
from marketplace.places import Place, gazetteer
from marketplace.places.models import BanAddress
from marketplace.places.schema import FTS_TABLE
from marketplace.places.text import normalise, tokens

REVERSE_STREET_KM = 0.2  # beyond this, "Use my position" answers with the commune


class OfflineGeocoder:
    def search(self, text: str, limit: int = 5,
               near: tuple[float, float] | None = None) -> list[Place]:
        wanted = tokens(text)[:8]
        if not wanted:
            return []
        streets = [_place(row, _coverage(wanted, row.search_text)) for row in
                   _ban_rows(wanted, limit * 4)]
        communes = [replace(p, score=_coverage(wanted, normalise(p.label)))
                    for p in gazetteer.search(text, limit)]
        found = _rank(streets + communes, wanted, near)
        return found[:limit]

    def reverse(self, lat: float, lon: float) -> Place | None:
        box = bounding_box(lat, lon, REVERSE_STREET_KM)
        rows = db.session.execute(db.select(BanAddress).where(
            BanAddress.lat.between(box[0], box[1]), BanAddress.lon.between(box[2], box[3]))
            .limit(500)).scalars().all()
        best = min(rows, key=lambda r: haversine_km(lat, lon, r.lat, r.lon), default=None)
        if best is not None and haversine_km(lat, lon, best.lat, best.lon) <= REVERSE_STREET_KM:
            return _place(best, 1.0)
        return gazetteer.nearest(lat, lon)

    def by_id(self, place_id: str) -> Place | None:
        if place_id.startswith("geonames:"):
            return gazetteer.by_id(place_id)
        row = db.session.execute(db.select(BanAddress).where(BanAddress.ban_id == place_id)
                                 ).scalar_one_or_none()
        return None if row is None else _place(row, 1.0)


def _ban_rows(wanted: list[str], limit: int) -> list[BanAddress]:
    if db.engine.dialect.name == "postgresql":
        return _ban_rows_trgm(wanted, limit)
    return _ban_rows_fts(wanted, limit)


def _ban_rows_trgm(wanted: list[str], limit: int) -> list[BanAddress]:
    """Every word somewhere in the label (ILIKE uses the GIN trigram index), closest first."""
    query = db.select(BanAddress)
    for word in wanted:
        query = query.where(BanAddress.search_text.ilike(f"%{word}%"))
    similarity = db.func.similarity(BanAddress.search_text, " ".join(wanted))
    return list(db.session.execute(query.order_by(similarity.desc(), BanAddress.id)
                                   .limit(limit)).scalars())


def _ban_rows_fts(wanted: list[str], limit: int) -> list[BanAddress]:
    """Every word as a prefix (FTS5 `"word"*`), best bm25 rank first."""
    match = " ".join(f'"{word}"*' for word in wanted)  # tokens are [0-9a-z] only
    ids = db.session.execute(sql(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match "  # noqa: S608
        "ORDER BY rank LIMIT :limit"), {"match": match, "limit": limit}).scalars().all()
    if not ids:
        return []
    rows = {r.id: r for r in db.session.execute(
        db.select(BanAddress).where(BanAddress.id.in_(ids))).scalars()}
    return [rows[i] for i in ids if i in rows]


def _coverage(wanted: list[str], searched: str) -> float:
    """The share of the typed words that are whole words (or word starts) of the label."""
    words = searched.split()
    whole = sum(1 for t in wanted if t in words)
    starts = sum(1 for t in wanted if t not in words and any(w.startswith(t) for w in words))
    return round((whole + 0.8 * starts) / len(wanted), 4)


def _rank(found: list[Place], wanted: list[str],
          near: tuple[float, float] | None) -> list[Place]:
    typed = " ".join(wanted)
    has_number = any(t[0].isdigit() for t in wanted)

    def key(p: Place) -> tuple[Any, ...]:
        exact = normalise(p.label) == typed
        street_first = 0 if (p.kind == "housenumber") == has_number else 1
        distance = haversine_km(near[0], near[1], p.lat, p.lon) if near else 0.0
        return (not exact, -p.score, street_first, distance, p.label)

    return sorted(found, key=key)


def _place(row: BanAddress, score: float) -> Place:
    return Place(id=row.ban_id, label=row.label, housenumber=row.housenumber,
                 street=row.street, postcode=row.postcode, citycode=row.citycode,
                 city=row.city, context=f"{row.departement}", kind=(
                     "housenumber" if row.housenumber else "locality"),
                 lat=row.lat, lon=row.lon, score=score)
