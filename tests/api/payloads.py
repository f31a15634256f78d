"""Bodies the API tests send."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marketplace.core.base import utcnow


def mission_body(**overrides: Any) -> dict[str, Any]:
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    body = {"category": "bricolage", "title": "Fix two kitchen shelves",
            "description": "Two shelves came off the wall; screws and plugs provided.",
            "address": "12 rue de la Station, 92600 Asnières-sur-Seine",
            "lat": 48.9146, "lng": 2.2874, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "price": {"amount": 4500, "currency": "eur"}}
    return {**body, **overrides}
