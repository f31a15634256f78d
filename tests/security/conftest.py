"""Security suites: cheap password hashing and no login rate limit between cases.

The suites sign in hundreds of times; argon2's production parameters (tens of ms per hash)
would dominate the run, and the login limit (per client address) would start answering 429
half-way. Both are test-speed settings, not behaviour under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask

from marketplace.accounts import passwords
from marketplace.extensions import limiter
from stripe_emulator import StripeEmulator
from tests.security.world import World
from tests.support.factories import Factories


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture(autouse=True)
def no_login_limit(app: Flask) -> Iterator[None]:
    with app.app_context():
        limiter.reset()
    yield


@pytest.fixture
def world(ctx: Flask, make: Factories, emu: StripeEmulator) -> World:
    """The people and objects of a security case, built on first use."""
    return World(make, emu)
