"""`GET /places/suggest?q=` and `GET /places/reverse?lat=&lon=`: JSON for places.js.

Each suggestion carries its signed token (what the form posts back), its label and the
commune, never a position: the page has nothing to show on a map and nothing to forge.
"""

from __future__ import annotations

import math

from flask import current_app, jsonify, request
from flask_login import login_required
from werkzeug.wrappers import Response

from marketplace.core.routing import Routes
from marketplace.extensions import limiter
from marketplace.places import Place
from marketplace.places import services as places

routes = Routes()
CACHE = "private, max-age=60"


def _limit() -> str:
    return str(current_app.config["GEOCODER_SUGGEST_RATE_LIMIT"])


def _answer(lookup: places.Lookup) -> Response:
    response = jsonify({"suggestions": [_suggestion(p) for p in lookup.places],
                        "notice": lookup.notice})
    response.headers["Cache-Control"] = CACHE
    return response


def _suggestion(place: Place) -> dict[str, str | None]:
    return {"token": places.sign(place), "label": place.label, "city": place.city,
            "postcode": place.postcode, "kind": place.kind}


@routes.route("/places/suggest")
@login_required
@limiter.limit(_limit)
def suggest() -> Response:
    text = request.args.get("q", "")
    return _answer(places.find(text, limit=6))


@routes.route("/places/reverse")
@login_required
@limiter.limit(_limit)
def reverse() -> Response | tuple[Response, int]:
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    if lat is None or lon is None:
        return jsonify({"error": "lat and lon are required numbers"}), 400
    return _answer(places.reverse(lat, lon))


def _coordinate(name: str, bound: float) -> float | None:
    raw = request.args.get(name, "")
    if len(raw) > 20:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and -bound <= value <= bound else None
