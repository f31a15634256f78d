"""Where a mission posted through the API is: the one function to switch to the geocoding
port (marketplace/places/, being built) once it lands. Until then the app sends the label
it showed the person with its position (lat, lng)."""

from __future__ import annotations

from typing import Any


def locate(body: dict[str, Any]) -> tuple[str, float, float]:
    """(address label, lat, lng) for a mission create body."""
    return body["address"], float(body["lat"]), float(body["lng"])
