"""Retry policy shared by tasks: exponential backoff with jitter, transient errors only."""

from __future__ import annotations

import random

MAX_RETRIES = 8
BASE_DELAY_S = 2
MAX_DELAY_S = 600


def backoff(retries: int) -> float:
    """Delay before attempt `retries + 1`: 2, 4, 8 ... seconds, capped, with full jitter."""
    ceiling = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** retries)
    return ceiling / 2 + random.uniform(0, ceiling / 2)
