"""How dates are shown to people: Paris time, in the words of the page's language."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, get_locale

from marketplace.core.i18n import TIMEZONE, current_locale

PARIS = ZoneInfo("Europe/Paris")

# "mardi 3 décembre, 10 h 00" / "Tuesday 3 December, 10:00"; the year only when it is not
# this year's (Babel patterns: quoted text is literal, the space before "h" non-breaking).
_PATTERNS = {
    "fr": ("EEEE d MMMM, HH\u00a0'h'\u00a0mm", "EEEE d MMMM y, HH\u00a0'h'\u00a0mm"),
    "en": ("EEEE d MMMM, HH:mm", "EEEE d MMMM y, HH:mm"),
}
_DAY_PATTERNS = {"fr": ("EEEE d MMMM", "EEEE d MMMM y"), "en": ("EEEE d MMMM", "EEEE d MMMM y")}


def paris_time(value: object) -> str:
    """'28/11/2026 09:30' for an aware datetime; empty for anything else (CSV, logs)."""
    if not isinstance(value, datetime):
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in _PATTERNS else "fr"


def localtime(value: object) -> str:
    """A moment in Paris time for the page's (or the recipient's) language; '' if not one."""
    return localtime_formatter()(value) if isinstance(value, datetime) else ""


def localtime_formatter() -> Callable[[datetime], str]:
    """localtime with the page's language and this year read once: a list of 50 rows
    shows 50 to 100 moments."""
    language = current_locale()
    short, long = _PATTERNS[language if language in _PATTERNS else "fr"]
    year = datetime.now(PARIS).year

    def shown(value: datetime) -> str:
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        pattern = short if moment.astimezone(PARIS).year == year else long
        return _moment(moment, pattern, language, TIMEZONE)

    return shown


@functools.lru_cache(maxsize=16384)
def _moment(moment: datetime, pattern: str, locale: str, timezone: str) -> str:
    """format_datetime reads the locale and the zone from the request: with both in the key,
    a moment shown on every row of a list (or every request) is formatted once."""
    return str(format_datetime(moment, pattern))


def localdate(value: object) -> str:
    """A calendar day ('jeudi 3 décembre') for the page's language; '' if not a date."""
    if not isinstance(value, date):
        return ""
    day = value.date() if isinstance(value, datetime) else value
    short, long = _DAY_PATTERNS[_language()]
    return str(format_date(day, short if day.year == datetime.now(PARIS).year else long))
