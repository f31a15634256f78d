"""Finding addresses for people: the chosen geocoder, its fallback, and signed choices.

A chosen address travels in forms as a signed token (its Place, signed with the app's
secret), so the position a mission stores always comes from the geocoder, never from
what the browser sends; a token whose label differs from the typed text is ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from marketplace.places import GeocoderUnavailable, Place, gazetteer
from marketplace.places.provider import geocoder
from marketplace.places.text import normalise

log = logging.getLogger(__name__)
MIN_CHARS = 3
MAX_CHARS = 200
TOKEN_MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class Lookup:
    places: list[Place] = field(default_factory=list)
    notice: str | None = None  # set when the address service failed and communes answered


def unavailable_notice() -> str:
    return _("The address service is not answering right now: we show communes only. "
             "Choose yours, or try again in a minute for the street address.")


def find(text: str, limit: int = 5, near: tuple[float, float] | None = None) -> Lookup:
    """Addresses for the typed text; communes from the gazetteer if the service fails."""
    text = text.strip()[:MAX_CHARS]
    if len(normalise(text)) < MIN_CHARS:
        return Lookup()
    try:
        return Lookup(geocoder().search(text, limit, near))
    except GeocoderUnavailable as exc:
        log.warning("geocoder unavailable, commune-level fallback: %s", exc)
        return Lookup(gazetteer.search(text, limit), unavailable_notice())


def reverse(lat: float, lon: float) -> Lookup:
    """A readable address for a position (the browser's "use my position")."""
    try:
        found = geocoder().reverse(lat, lon)
    except GeocoderUnavailable as exc:
        log.warning("geocoder unavailable, commune-level fallback: %s", exc)
        nearest = gazetteer.nearest(lat, lon)
        return Lookup([nearest] if nearest else [], unavailable_notice())
    return Lookup([found] if found else [])


def exact_match(text: str, places: list[Place]) -> Place | None:
    """The one suggestion whose label is what was typed (accents, case, commas aside)."""
    typed = normalise(text)
    matches = [p for p in places if normalise(p.label) == typed]
    return matches[0] if len(matches) == 1 else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="places.place")


def sign(place: Place) -> str:
    return _serializer().dumps(place.as_dict())


def unsign(token: str | None) -> Place | None:
    """The Place a token carries, or None if it is absent, forged, stale or malformed."""
    if not token or len(token) > 2000:
        return None
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        return Place.from_dict(data) if isinstance(data, dict) else None
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def commune_of(city: str | None, lat: float, lon: float) -> str | None:
    """The commune to show others: the stored one, else the gazetteer's nearest."""
    if city:
        return city
    nearest = gazetteer.nearest(lat, lon)
    return nearest.city if nearest else None
