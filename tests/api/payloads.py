"""Bodies the API tests send."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from marketplace.core.base import utcnow
from tests.support.places import ADDRESS, HOME

PROFILE = {"home": HOME, "radius_km": 5, "skills": ["bricolage", "jardinage"]}


def mission_body(**overrides: Any) -> dict[str, Any]:
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    body = {"category": "bricolage", "title": "Fix two kitchen shelves",
            "description": "Two shelves came off the wall; screws and plugs provided.",
            "address": ADDRESS, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "price": {"amount": 4500, "currency": "eur"}}
    return {**body, **overrides}
