"""What others may know of a place: the commune and a distance rounded to 0.5 km."""

from __future__ import annotations

from flask_babel import format_decimal

STEP_KM = 0.5


def rounded_km(km: float) -> float:
    """1.26 -> 1.5, 0.1 -> 0.5: never finer than half a kilometre, never 0."""
    return max(STEP_KM, round(km / STEP_KM) * STEP_KM)


def format_km(km: float) -> str:
    """The rounded distance for a page or a message, in the reader's locale ('1,5 km')."""
    return f"{format_decimal(rounded_km(km), format='0.0')} km"
