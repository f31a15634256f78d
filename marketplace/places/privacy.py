"""What others may know of a place: the commune and a distance rounded to 0.5 km."""

from __future__ import annotations

import functools

from babel import numbers

from marketplace.core.i18n import current_locale

STEP_KM = 0.5


def rounded_km(km: float) -> float:
    """1.26 -> 1.5, 0.1 -> 0.5: never finer than half a kilometre, never 0."""
    return max(STEP_KM, round(km / STEP_KM) * STEP_KM)


def format_km(km: float) -> str:
    """The rounded distance for a page or a message, in the reader's locale ('1,5 km')."""
    return _km_text(rounded_km(km), current_locale())


@functools.lru_cache(maxsize=1024)
def _km_text(km: float, locale: str) -> str:
    """Babel's number formatting costs ~30 us and a list of 50 missions shows a few dozen
    distinct half-kilometres: each (distance, language) is formatted once per process."""
    return f"{numbers.format_decimal(km, format='0.0', locale=locale)} km"
