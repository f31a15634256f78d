"""``stripe trigger`` for every event type our app handles, replayed against the emulator.

Each Stripe CLI fixture (tests/emulator/fixtures) runs request by request over HTTP, as the
CLI sends it; every request must succeed (or fail with the error the fixture expects), and
the named event must be emitted and delivered signed (checked with the SDK's
``stripe.Webhook.construct_event``).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import stripe

from .conftest import WEBHOOK_SECRET
from .trigger_replay import FIXTURES, replay

TRIGGERS = sorted(p.stem for p in FIXTURES.glob("*.json"))


def test_the_fixtures_cover_the_event_families_the_app_handles():
    families = {t.split(".")[0] for t in TRIGGERS}
    assert {"payment_intent", "charge", "setup_intent", "customer", "account", "payout",
            "transfer", "balance"} <= families
    assert {"charge.dispute.created", "charge.dispute.closed", "payout.created",
            "payment_intent.payment_failed", "balance.available"} <= set(TRIGGERS)


@pytest.mark.parametrize("event_type", TRIGGERS)
def test_trigger_replays_and_emits_its_event_signed(event_type, emulator, base_url, receiver):
    with requests.Session() as session:
        result = replay(base_url, event_type, session=session)
    assert result.responses
    emulator.wait_for_webhooks_idle(timeout=10)
    delivered = [e["type"] for e in receiver.events()]  # every signature verified
    assert event_type in delivered, delivered


@pytest.fixture
def cli_emulator() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """``python -m stripe_emulator`` in its own process, delivering to a local receiver."""
    received: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append((payload, self.headers["Stripe-Signature"]))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=hook.serve_forever, args=(0.05,), daemon=True).start()
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(  # port 0: the emulator binds a free port and prints its URL
        [sys.executable, "-m", "stripe_emulator", "--port", "0", "--quiet",
         "--webhook-url", f"http://127.0.0.1:{hook.server_port}/stripe/webhook",
         "--webhook-secret", WEBHOOK_SECRET], cwd=root, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert "listening on http://127.0.0.1:" in line, line
        yield line.split("listening on ", 1)[1].strip(), received
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
        hook.shutdown()
        hook.server_close()


def test_every_trigger_against_the_cli_emulator(cli_emulator):
    base_url, received = cli_emulator
    with requests.Session() as session:
        for event_type in TRIGGERS:
            replay(base_url, event_type, session=session)
    deadline = time.monotonic() + 20
    delivered: set[str] = set()
    while time.monotonic() < deadline and not set(TRIGGERS) <= delivered:
        time.sleep(0.2)
        delivered = {stripe.Webhook.construct_event(p, s, WEBHOOK_SECRET).type
                     for p, s in list(received)}
    assert set(TRIGGERS) - delivered == set()
