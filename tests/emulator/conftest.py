"""Fixtures for the Stripe emulator tests: a fresh emulator per test, an SDK client bound
to it, a tiny browser for the hosted pages and a webhook receiver.

Deliberately independent of ``tests/conftest.py`` (no app, no database).
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import stripe

# The repo root must be importable even if the editable install predates ``marketplace``.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from stripe_emulator import StripeEmulator  # noqa: E402

WEBHOOK_SECRET = "whsec_test_emulator"
APP = "http://app.test"


@dataclass
class Page:
    """A response from the hosted pages (redirects are not followed)."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        """``Location`` header of a redirect."""
        return self.headers["location"]

    def form(self) -> tuple[str, dict[str, str]]:
        """Action and prefilled inputs of the first form (no JS needed to submit it)."""
        match = re.search(r'<form method="post" action="([^"]+)"', self.text)
        assert match, self.text
        fields = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" type="[^"]+" '
                                 r'value="([^"]*)"', self.text))
        fields.update(re.findall(r'name="(tos)" value="([^"]+)" checked', self.text))
        return match.group(1), fields


class Browser:
    """Minimal HTTP client: GET pages and POST forms like a browser without JavaScript."""

    def request(self, method: str, url: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Page:
        """Perform one request and close the connection (no leaked sockets)."""
        parts = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = urllib.parse.urlencode(data) if data is not None else None
        headers = dict(headers or {})
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode()
            return Page(resp.status, {k.lower(): v for k, v in resp.getheaders()}, text)
        finally:
            conn.close()

    def get(self, url: str) -> Page:
        """GET ``url``."""
        return self.request("GET", url)

    def post(self, url: str, data: dict[str, str]) -> Page:
        """POST a form to ``url``."""
        return self.request("POST", url, data)

    def submit(self, page: Page, base_url: str, **overrides: str) -> Page:
        """Submit the page's form with its prefilled values plus ``overrides``."""
        action, fields = page.form()
        fields.update(overrides)
        return self.post(urllib.parse.urljoin(base_url, action), fields)


@dataclass
class Receiver:
    """Collects webhook deliveries; fails the first ``fail_first`` attempts with 500."""

    url: str = ""
    fail_first: int = 0
    received: list[tuple[str, str]] = field(default_factory=list)
    attempts: int = 0

    def events(self) -> list[dict[str, Any]]:
        """Verified events (signature checked like the app does)."""
        return [
            stripe.Webhook.construct_event(payload, sig, WEBHOOK_SECRET).to_dict()
            for payload, sig in self.received
        ]


@pytest.fixture
def emulator() -> Iterator[StripeEmulator]:
    """A started emulator, stopped at teardown."""
    emu = StripeEmulator()
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def base_url(emulator: StripeEmulator) -> str:
    """Where the emulator listens."""
    assert emulator.base_url
    return emulator.base_url


@pytest.fixture
def client(base_url: str) -> Iterator[stripe.StripeClient]:
    """The SDK configured exactly as the app configures it."""
    http_client = stripe.RequestsClient()
    yield stripe.StripeClient("sk_test_emulator", base_addresses={"api": base_url},
                              max_network_retries=2, http_client=http_client)
    http_client.close()


@pytest.fixture
def browser() -> Browser:
    """Driver for the hosted pages."""
    return Browser()


@pytest.fixture
def receiver(emulator: StripeEmulator) -> Iterator[Receiver]:
    """A webhook endpoint registered on the emulator."""
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = self.rfile.read(int(self.headers["Content-Length"])).decode()
            rec.attempts += 1
            if rec.attempts <= rec.fail_first:
                self.send_response(500)
            else:
                rec.received.append((payload, self.headers["Stripe-Signature"]))
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Silence request logs."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    rec.url = f"http://127.0.0.1:{server.server_port}/stripe/webhook"
    emulator.add_webhook_endpoint(rec.url, WEBHOOK_SECRET)
    yield rec
    emulator.stop()  # stop deliveries before the receiver goes away
    server.shutdown()
    server.server_close()
    thread.join(5)


class Flows:
    """Common multi-step flows driven through the SDK and the hosted pages."""

    def __init__(self, client: stripe.StripeClient, browser: Browser, base_url: str) -> None:
        self.client = client
        self.browser = browser
        self.base_url = base_url

    def account(self, onboard: bool = True) -> stripe.Account:
        """An Express account, onboarded through the hosted page unless told otherwise."""
        acct = self.client.v1.accounts.create(params={
            "type": "express", "country": "FR", "email": "h@x.fr",
            "capabilities": {"transfers": {"requested": True}},
            "business_type": "individual", "metadata": {"helper_profile_id": "3"},
        })
        if onboard:
            link = self.link(acct.id)
            page = self.browser.get(link.url)
            assert self.browser.submit(page, self.base_url).status == 303
            acct = self.client.v1.accounts.retrieve(acct.id)
        return acct

    def link(self, account: str) -> stripe.AccountLink:
        """An onboarding link returning to the fake app."""
        return self.client.v1.account_links.create(params={
            "account": account, "refresh_url": f"{APP}/onboarding/refresh",
            "return_url": f"{APP}/onboarding/return", "type": "account_onboarding",
        })

    def session(self, amount: int = 4500, capture: str = "manual",
                customer: str | None = None) -> stripe.checkout.Session:
        """A Checkout Session like the app creates for a mission."""
        if customer is None:
            customer = self.client.v1.customers.create(
                params={"email": "c@x.fr", "name": "Client", "metadata": {"user_id": "7"}}).id
        return self.client.v1.checkout.sessions.create(params={
            "mode": "payment", "customer": customer,
            "line_items": [{"price_data": {"currency": "eur", "unit_amount": amount,
                                           "product_data": {"name": "Mission #4"}},
                            "quantity": 1}],
            "payment_intent_data": {"capture_method": capture, "transfer_group": "mission-4",
                                    "metadata": {"mission_id": "4", "payment_id": "9"}},
            "success_url": f"{APP}/missions/4/checkout/return?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{APP}/missions/4", "client_reference_id": "9",
            "metadata": {"mission_id": "4", "payment_id": "9"},
        })

    def pay(self, session: stripe.checkout.Session, card: str = "4242424242424242") -> Page:
        """Fill the hosted Checkout form with ``card``."""
        page = self.browser.get(session.url or "")
        assert page.status == 200, page.text
        return self.browser.submit(page, self.base_url, card_number=card)

    def paid_intent(self, amount: int = 4500, capture: str = "manual") -> stripe.PaymentIntent:
        """A PaymentIntent authorized (or paid) through Checkout, charge expanded."""
        session = self.session(amount, capture)
        assert self.pay(session).status == 303
        session = self.client.v1.checkout.sessions.retrieve(session.id)
        return self.client.v1.payment_intents.retrieve(
            str(session.payment_intent), params={"expand": ["latest_charge"]})


@pytest.fixture
def flows(client: stripe.StripeClient, browser: Browser, base_url: str) -> Flows:
    """Flow helpers bound to this test's emulator."""
    return Flows(client, browser, base_url)


def dump(obj: Any) -> str:
    """Pretty JSON for assertion messages."""
    return json.dumps(obj, indent=2, default=str)
