"""France's national address service (IGN Géoplateforme, fed by the BAN), or any addok.

`GET {base}/search?q=..&limit=..` and `GET {base}/reverse?lat=..&lon=..` answer GeoCodeJSON
(a GeoJSON FeatureCollection). The service allows 50 requests/s per IP, then answers 429:
this client keeps under GEOCODER_MAX_RPS (40 by default) and caches answers in-process
(TTL + LRU). Timeouts, refused connections, 429 and 5xx raise GeocoderUnavailable.
"""

from __future__ import annotations

from typing import Any

import requests

from marketplace.places import KINDS, GeocoderUnavailable, Place
from marketplace.places.cache import RateLimiter, TTLCache
from marketplace.places.text import normalise

DEFAULT_URL = "https://data.geopf.fr/geocodage"


class GeoplateformeGeocoder:
    def __init__(self, base_url: str = DEFAULT_URL, *, timeout: float = 2.0,
                 max_rps: float = 40.0, cache_ttl: float = 600.0,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(1.0, timeout), timeout)  # (connect, read) seconds
        self.session = session or requests.Session()
        self.limiter = RateLimiter(max_rps)
        self.cache: TTLCache[list[Place]] = TTLCache(maxsize=2048, ttl=cache_ttl)

    def search(self, text: str, limit: int = 5,
               near: tuple[float, float] | None = None) -> list[Place]:
        params: dict[str, Any] = {"q": text.strip()[:200], "limit": max(1, min(limit, 20))}
        if near is not None:
            params["lat"], params["lon"] = round(near[0], 3), round(near[1], 3)
        key = ("search", normalise(text), params["limit"], params.get("lat"), params.get("lon"))
        return self._cached(key, "/search", params)

    def reverse(self, lat: float, lon: float) -> Place | None:
        params = {"lat": round(lat, 6), "lon": round(lon, 6), "limit": 1}
        found = self._cached(("reverse", params["lat"], params["lon"]), "/reverse", params)
        return found[0] if found else None

    def _cached(self, key: tuple[Any, ...], path: str, params: dict[str, Any]) -> list[Place]:
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        found = parse_features(self._get(path, params))
        self.cache.put(key, found)
        return found

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        self.limiter.wait()
        try:
            response = self.session.get(self.base_url + path, params=params,
                                        timeout=self.timeout)
        except requests.RequestException as exc:
            raise GeocoderUnavailable(f"address service unreachable: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise GeocoderUnavailable(f"address service answered {response.status_code}")
        if response.status_code >= 400:  # e.g. a query it finds too short: no result
            return {"features": []}
        try:
            return response.json()
        except ValueError as exc:
            raise GeocoderUnavailable("address service answered something not JSON") from exc


def parse_features(body: Any) -> list[Place]:
    """GeoCodeJSON features -> Places; malformed features are skipped, not fatal."""
    features = body.get("features") if isinstance(body, dict) else None
    places = []
    for feature in features if isinstance(features, list) else []:
        try:
            places.append(_place(feature))
        except (KeyError, TypeError, ValueError, IndexError):
            continue
    return places


def _place(feature: dict[str, Any]) -> Place:
    props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"][:2]
    kind = props.get("type") if props.get("type") in KINDS else "locality"
    return Place.from_dict({
        "id": props.get("id") or f"{lat},{lon}", "label": props["label"],
        "housenumber": props.get("housenumber"), "street": props.get("street"),
        "postcode": props.get("postcode"), "citycode": props.get("citycode"),
        "city": props.get("city"), "context": props.get("context"), "kind": kind,
        "lat": lat, "lon": lon, "score": props.get("score") or 0.0})
