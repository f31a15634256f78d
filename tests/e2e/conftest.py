"""The browser suite: Debian's Chromium driven by Playwright against the live app, a real
worker, the Stripe emulator's hosted pages and the SMTP mailbox (tests/conftest.py).

Launched by executable path (never a downloaded browser); skipped, saying why, where
/usr/bin/chromium is absent (.ci/run installs it, so CI runs these).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Playwright, sync_playwright

from stripe_emulator import StripeEmulator
from tests.e2e.support import Person, Report
from tests.support.servers import LiveServer, Worker
from tests.support.smtp import SmtpServer

CHROMIUM = Path(os.environ.get("ENTRAIDE_CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
E2E_DIR = Path(__file__).resolve().parent
_started: list[float] = []
_report = Report()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(
                    reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _started:
        for line in _report.summary().splitlines():
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            f"browser suite (tests/e2e): {time.monotonic() - _started[0]:.1f}s")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    _started.append(time.monotonic())
    with sync_playwright() as pw:
        browser = _launch(pw)
        yield browser
        browser.close()


def _launch(pw: Playwright) -> Browser:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def report() -> Report:
    """Every page checked (width at 375 px, axe), listed at the end of the session."""
    return _report


@pytest.fixture
def people(chromium: Browser, live_server: LiveServer, worker: Worker,
           stripe_emulator: StripeEmulator, smtp_server: SmtpServer, ctx: Flask,
           report: Report) -> Iterator[Any]:
    """Make a person: a browser context of their own (cookies), French unless told."""
    made: list[Person] = []
    smtp_server.mailbox.clear()

    def make(viewport: dict[str, int] = DESKTOP, locale: str = "fr",
             service_workers: bool = False) -> Person:
        person = Person(chromium, live_server.url, smtp_server.mailbox, report,
                        viewport=viewport, locale=locale, service_workers=service_workers)
        made.append(person)
        return person

    yield make
    for person in made:
        person.close()
