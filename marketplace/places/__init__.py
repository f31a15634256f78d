"""The geocoding port: what services see of an address service (frozen dataclasses, our errors).

Adapters: `geoplateforme.GeoplateformeGeocoder` (France's national address service, or any
addok speaking GeoCodeJSON) and `offline.OfflineGeocoder` (communes from GeoNames plus the
BAN file imported into our own table). `provider.geocoder()` gives the one chosen by config.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

KINDS = ("housenumber", "street", "locality", "municipality")


class GeocoderUnavailable(Exception):
    """The address service did not answer usefully (timeout, 429, 5xx): retrying later may."""


@dataclass(frozen=True)
class Place:
    id: str
    label: str
    housenumber: str | None
    street: str | None
    postcode: str | None
    citycode: str | None  # INSEE code of the commune
    city: str | None
    context: str | None
    kind: str  # one of KINDS
    lat: float
    lon: float
    score: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        kind = str(data["kind"])
        if kind not in KINDS:
            raise ValueError(f"unknown place kind {kind!r}")
        lat, lon = float(data["lat"]), float(data["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("position out of range")
        return cls(id=str(data["id"]), label=str(data["label"]),
                   housenumber=_opt(data.get("housenumber")), street=_opt(data.get("street")),
                   postcode=_opt(data.get("postcode")), citycode=_opt(data.get("citycode")),
                   city=_opt(data.get("city")), context=_opt(data.get("context")),
                   kind=kind, lat=lat, lon=lon, score=float(data.get("score") or 0.0))


def _opt(value: object) -> str | None:
    return None if value in (None, "") else str(value)


class Geocoder(Protocol):
    def search(self, text: str, limit: int = 5,
               near: tuple[float, float] | None = None) -> list[Place]:
        """Addresses matching `text`, best first; raises GeocoderUnavailable."""
        ...

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The address nearest this position; raises GeocoderUnavailable."""
        ...
