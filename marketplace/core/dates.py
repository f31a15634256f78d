"""How dates are shown to people: Paris time, French order."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris_time(value: object) -> str:
    """'28/11/2026 09:30' for an aware datetime; empty for anything else."""
    if not isinstance(value, datetime):
        return ""
    return value.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
