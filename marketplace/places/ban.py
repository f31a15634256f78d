"""Import one département's BAN file (`adresses-XX.csv`) into `ban_addresses`.

The file is streamed (a département runs to a million rows) and inserted in batches. A
re-import of the same département first deletes its rows in the same transaction, so
importing a file twice leaves exactly one copy and addresses gone from the BAN disappear.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import delete, insert

from marketplace.core.db import db
from marketplace.places.models import BanAddress
from marketplace.places.text import normalise

BATCH = 1000
LIEU_DIT = "99999"  # the BAN's house number for a named place without numbers
REQUIRED = ("id", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
            "lon", "lat")


class BanFileError(ValueError):
    """The file is not a BAN addresses CSV."""


@dataclass(frozen=True)
class ImportResult:
    departement: str
    rows: int
    skipped: int


def departement_of(citycode: str) -> str:
    """INSEE 92004 -> '92'; overseas 97411 -> '974'; Corsica 2A004 -> '2A'."""
    return citycode[:3] if citycode.startswith("97") else citycode[:2]


def import_file(stream: IO[str]) -> ImportResult:
    """Replace the département's addresses with the file's; one transaction."""
    reader = csv.DictReader(stream, delimiter=";")
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise BanFileError(f"not a BAN addresses file: missing columns {', '.join(missing)}")
    rows, skipped, departement = 0, 0, ""
    batch: list[dict[str, Any]] = []
    for raw in reader:
        row = _row(raw)
        if row is None:
            skipped += 1
            continue
        if not departement:
            departement = row["departement"]
            db.session.execute(delete(BanAddress).where(BanAddress.departement == departement))
        if row["departement"] != departement:
            raise BanFileError("a BAN file holds one département; found "
                               f"{departement} and {row['departement']}")
        batch.append(row)
        if len(batch) >= BATCH:
            rows += _flush(batch)
    rows += _flush(batch)
    db.session.commit()
    return ImportResult(departement, rows, skipped)


def _flush(batch: list[dict[str, Any]]) -> int:
    if batch:
        db.session.execute(insert(BanAddress), batch)
    count = len(batch)
    batch.clear()
    return count


def _row(raw: dict[str, str]) -> dict[str, Any] | None:
    """One CSV line as a table row, or None when it lacks a usable position or name."""
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (TypeError, ValueError):
        return None
    street = (raw.get("nom_voie") or raw.get("nom_ld") or "").strip()
    citycode, city = (raw.get("code_insee") or "").strip(), (raw.get("nom_commune") or "").strip()
    postcode, ban_id = (raw.get("code_postal") or "").strip(), (raw.get("id") or "").strip()
    if not (street and citycode and city and ban_id):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    number = (raw.get("numero") or "").strip()
    housenumber = None if number in ("", LIEU_DIT) else number + (raw.get("rep") or "").strip()
    label = " ".join(p for p in (housenumber, street, postcode, city) if p)
    return {"ban_id": ban_id[:64], "departement": departement_of(citycode),
            "housenumber": housenumber, "street": street[:200], "postcode": postcode[:5],
            "citycode": citycode[:5], "city": city[:100], "label": label[:255],
            "search_text": normalise(label)[:255], "lat": lat, "lon": lon}
