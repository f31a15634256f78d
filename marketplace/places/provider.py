"""Where services get the geocoder from: one per app, chosen by GEOCODER in its config."""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

from marketplace.places import Geocoder
from marketplace.places.geoplateforme import GeoplateformeGeocoder
from marketplace.places.offline import OfflineGeocoder

PROVIDERS = ("offline", "geoplateforme")


def init_geocoder(app: Flask) -> None:
    name = app.config.get("GEOCODER", "offline")
    if name not in PROVIDERS:
        raise RuntimeError(f"GEOCODER must be one of {', '.join(PROVIDERS)}, not {name!r}")
    app.extensions["geocoder_offline"] = OfflineGeocoder()
    app.extensions["geocoder"] = app.extensions["geocoder_offline"] if name == "offline" else (
        GeoplateformeGeocoder(app.config["GEOCODER_URL"],
                              timeout=float(app.config["GEOCODER_TIMEOUT"]),
                              max_rps=float(app.config["GEOCODER_MAX_RPS"])))


def geocoder() -> Geocoder:
    return cast(Geocoder, current_app.extensions["geocoder"])


def offline() -> OfflineGeocoder:
    """The fallback when the remote service fails (and the only one offline)."""
    return cast(OfflineGeocoder, current_app.extensions["geocoder_offline"])
