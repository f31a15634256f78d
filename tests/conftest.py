"""Shared fixtures: one app per session on the configured database, the Stripe emulator
on a loopback port, and (for integration tests) the app over HTTP plus a real worker.

With no environment this runs on the embedded defaults (SQLite files, SQLite broker);
with DATABASE_URL / CELERY_BROKER_URL set it runs on PostgreSQL / Redis.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from stripe_emulator import StripeEmulator
from tests.support import factories
from tests.support.client import IsolatedClient
from tests.support.servers import LiveServer, Worker
from tests.support.smtp import Mailbox, SmtpServer
from tests.support.web import Browser

WEBHOOK_SECRET = "whsec_test_entraide"
# The same examples as Hypothesis's defaults, without its wall-clock checks: on a shared
# 2-core machine (and with CI's two passes side by side) a pure property test was failed
# for "input generation is slow" (one 1.2 s draw while another process had the core).
settings.register_profile("shared-machine", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "shared-machine"))
# argon2id at its cheapest: the suite hashes a password for every user a factory makes and
# verifies one at every sign-in; production's parameters cost ~60 ms each on an idle core
# (0.4-0.7 s measured on this shared 2-core machine), which made hashing the largest single
# cost of the suite. The tests check that we hash with argon2id and verify, not its cost.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def fast_passwords() -> Iterator[None]:
    """Every test (and the live server's thread) hashes with TEST_HASHER; the unknown-email
    path verifies against a hash of the same cost, so sign-in timing stays even."""
    from marketplace.accounts import passwords
    from marketplace.accounts import services as account_services

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", TEST_HASHER)
        dummy = TEST_HASHER.hash("entraide-timing-equaliser")
        patch.setattr(passwords, "DUMMY_HASH", dummy)
        patch.setattr(account_services, "DUMMY_HASH", dummy)
        yield


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Iterator[Mailbox]:
    smtp_server.mailbox.clear()
    yield smtp_server.mailbox
    smtp_server.mailbox.clear()


@pytest.fixture(scope="session")
def test_env(tmp_path_factory: pytest.TempPathFactory,
             smtp_server: SmtpServer) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("entraide")
    env = {
        "ENTRAIDE_ENV": "testing",
        "ENTRAIDE_INSTANCE_DIR": str(tmp),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite'}",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL")
        or f"sqla+sqlite:///{tmp / 'broker.sqlite'}",
        "STRIPE_SECRET_KEY": "sk_test_emulator",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_emulator",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
    }
    return env


@pytest.fixture(scope="session")
def stripe_emulator() -> Iterator[StripeEmulator]:
    emu = StripeEmulator()
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def emu(stripe_emulator: StripeEmulator, ctx: Flask) -> Iterator[StripeEmulator]:
    """The emulator emptied for a service-level money test, kept away from a running worker.

    Our row ids (hence idempotency keys) restart at 1 in every test, so Stripe-side state
    from an earlier test must not answer them. Webhooks to the live server are paused and
    payouts wait an hour, so the session's worker (if started) never races the test; tests
    release payouts themselves (tests.support.money.release_now).
    """
    stripe_emulator.reset()
    endpoints = stripe_emulator.webhooks.endpoints[:]
    stripe_emulator.webhooks.endpoints.clear()
    delay = ctx.config["PAYOUT_DELAY_SECONDS"]
    ctx.config["PAYOUT_DELAY_SECONDS"] = 3600
    yield stripe_emulator
    ctx.config["PAYOUT_DELAY_SECONDS"] = delay
    stripe_emulator.webhooks.endpoints[:] = endpoints


@pytest.fixture(scope="session")
def app(test_env: dict[str, str], stripe_emulator: StripeEmulator) -> Iterator[Flask]:
    from tests.support.schema import reset_schema

    os.environ.update(test_env)
    os.environ["STRIPE_API_BASE"] = stripe_emulator.base_url or ""
    from marketplace import create_app

    app = create_app("testing")
    app.test_client_class = IsolatedClient
    with app.app_context():
        reset_schema()
    yield app


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`postgres` tests need row locks and real concurrency: skipped on SQLite."""
    if item.get_closest_marker("postgres") is not None and not os.environ.get(
            "DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgresql+psycopg://...)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run tests with a live worker last: before it starts, queued jobs stay queued."""
    def needs_worker(item: pytest.Item) -> bool:
        fixtures = getattr(item, "fixturenames", ())
        return (item.get_closest_marker("integration") is not None
                or "worker" in fixtures or "live_server" in fixtures)

    items.sort(key=needs_worker)


@pytest.fixture
def ctx(app: Flask, stripe_emulator: StripeEmulator) -> Iterator[Flask]:
    """An app context for service-level tests; tables and the emulator are emptied after."""
    from tests.support.schema import empty_tables

    with app.app_context():
        yield app
    with app.app_context():
        empty_tables()
    stripe_emulator.reset()


@pytest.fixture
def client(ctx: Flask) -> FlaskClient:
    return ctx.test_client()


@pytest.fixture
def make(ctx: Flask) -> factories.Factories:
    return factories.Factories()


@pytest.fixture(scope="session")
def live_server(app: Flask, stripe_emulator: StripeEmulator) -> Iterator[LiveServer]:
    server = LiveServer(app).start()
    stripe_emulator.add_webhook_endpoint(f"{server.url}/stripe/webhook", WEBHOOK_SECRET)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def worker(app: Flask, test_env: dict[str, str],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    env = {**os.environ, **test_env, "STRIPE_API_BASE": app.config["STRIPE_API_BASE"]}
    log = Path(tmp_path_factory.mktemp("worker")) / "worker.log"
    proc = Worker(env, log).start()
    yield proc
    proc.stop()


@pytest.fixture
def browser_factory(live_server: LiveServer, ctx: Flask,
                    smtp_server: SmtpServer) -> Iterator[type[Browser]]:
    browsers: list[Browser] = []

    def make_browser() -> Browser:
        b = Browser(live_server.url, smtp_server.mailbox)
        browsers.append(b)
        return b

    yield make_browser  # type: ignore[misc]
    for b in browsers:
        b.close()
