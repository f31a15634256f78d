"""Security suites: no login rate limit between cases.

The suites sign in hundreds of times: the login limit (per client address) would start
answering 429 half-way. A test-speed setting, not behaviour under test (cheap password
hashing, the other one, is the whole suite's: tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from marketplace.extensions import limiter
from stripe_emulator import StripeEmulator
from tests.security.world import World
from tests.support.factories import Factories


@pytest.fixture(autouse=True)
def no_login_limit(app: Flask) -> Iterator[None]:
    with app.app_context():
        limiter.reset()
    yield


@pytest.fixture
def world(ctx: Flask, make: Factories, emu: StripeEmulator) -> World:
    """The people and objects of a security case, built on first use."""
    return World(make, emu)
