"""The API journey, end to end over HTTP with bearer tokens, on the configured database with
a real worker: a client posts and authorizes the card on the emulator's hosted page (back
through a deep link), a helper onboards, finds it nearby, accepts and marks it done, the
client confirms, the worker pays the helper, both review. Every POST is sent twice with
the same Idempotency-Key: the retry replays the first answer and nothing happens twice.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.missions.lifecycle import Channel, MissionStatus
from marketplace.missions.models import Mission, Review
from marketplace.payments.models import Payout
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.api.payloads import PROFILE, mission_body
from tests.integration.test_journey import _emulator_form_fields, _form_action
from tests.support.factories import started
from tests.support.servers import LiveServer, Worker, wait_until

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"
_keys = itertools.count(1)


class App:
    """The mobile app: a bearer token, JSON, and an Idempotency-Key on every POST."""

    def __init__(self, base: str, email: str) -> None:
        self.base, self.http = base + "/api/v1", requests.Session()
        self.http.headers["Accept-Language"] = "en"
        pair = self.http.post(f"{self.base}/tokens", json={"email": email, "password": PASSWORD},
                              timeout=30)
        assert pair.status_code == 201, pair.text
        self.http.headers["Authorization"] = f"Bearer {pair.json()['access_token']}"

    def get(self, path: str) -> Any:
        response = self.http.get(self.base + path, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: Any = None, status: int = 200) -> Any:
        """POST, then the same request again (a retry on a flaky network): same answer."""
        key = f"journey-{next(_keys)}"
        first = self.http.post(self.base + path, json=body or {}, timeout=60,
                               headers={"Idempotency-Key": key})
        assert first.status_code == status, first.text
        retry = self.http.post(self.base + path, json=body or {}, timeout=60,
                               headers={"Idempotency-Key": key})
        assert retry.status_code == status and retry.headers["Idempotent-Replayed"] == "true"
        assert retry.content == first.content
        return first.json() if first.content else None

    def put(self, path: str, body: Any) -> Any:
        response = self.http.put(self.base + path, json=body, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


def hosted_form(url: str, **overrides: str) -> str:
    """Fill a Stripe-hosted page of the emulator (like a phone's browser) and submit it;
    return where it sends the person back (a deep link the app catches)."""
    web = requests.Session()
    page = web.get(url, timeout=30)
    assert page.status_code == 200, page.text
    done = web.post(urljoin(page.url, _form_action(page.text)),
                    data={**_emulator_form_fields(page.text), **overrides},
                    allow_redirects=False, timeout=30)
    assert done.status_code == 303, done.text
    return done.headers["Location"]


def test_api_journey(app: Flask, live_server: LiveServer, worker: Worker,
                     stripe_emulator: StripeEmulator, ctx: Flask) -> None:
    accounts.register_user("claire@example.com", PASSWORD, "Claire Dubois", client=True,
                           helper=False)
    accounts.register_user("karim@example.com", PASSWORD, "Karim Benali", client=False,
                           helper=True)
    db.session.remove()
    client, helper = (App(live_server.url, "claire@example.com"),
                      App(live_server.url, "karim@example.com"))

    # 1. The client posts by address and authorizes the card on the hosted page.
    mission = client.post("/missions", mission_body(), status=201)
    assert mission["status"] == "pending_payment" and mission["total"]["amount"] == 4500
    mission_id = mission["id"]
    url = client.post(f"/missions/{mission_id}/checkout",
                      {"return_url": "entraide://missions/paid"}, status=201)["url"]
    back = hosted_form(url, card_number="4242 4242 4242 4242")
    assert back.startswith("entraide://missions/paid?session_id=cs_")
    session_id = parse_qs(urlparse(back).query)["session_id"][0]
    paid = client.post(f"/missions/{mission_id}/checkout/sync", {"session_id": session_id})
    assert paid["status"] == "open" and paid["payment_status"] == "authorized"

    # 2. The helper sets up their profile and payout account, and finds the mission nearby.
    helper.put("/helper/profile", PROFILE)
    link = helper.post("/helper/payout-account/link",
                       {"return_url": "entraide://payouts/ready"}, status=201)["url"]
    assert hosted_form(link) == "entraide://payouts/ready"
    wait_until(lambda: helper.get("/helper/profile")["payouts_enabled"], timeout=60,
               message="the account.updated webhook to enable payouts")
    nearby = helper.get("/helper/nearby-missions?limit=10")["items"]
    assert [n["mission"]["id"] for n in nearby] == [mission_id]
    assert nearby[0]["distance_km"] == 0.5 and nearby[0]["mission"]["address"] is None
    assert nearby[0]["helper_take_home"] == {"amount": 3825, "currency": "eur"}

    # 3. Accept, done, confirm: the platform captures.
    assert helper.post(f"/missions/{mission_id}/accept")["status"] == "assigned"
    with app.app_context():  # the work happens: its start time has come
        started(db.session.get(Mission, mission_id))  # type: ignore[arg-type]
        db.session.remove()
    assert helper.post(f"/missions/{mission_id}/done")["status"] == "done"
    confirmed = client.post(f"/missions/{mission_id}/confirm")
    assert confirmed["status"] == "completed"
    assert [e["event"] for e in confirmed["timeline"]] == ["posted", "assigned", "done",
                                                           "completed"]
    pi = stripe_emulator.objects("payment_intent")[-1]
    assert pi["status"] == "succeeded" and pi["amount_received"] == 4500

    # 4. The worker pays the helper: price minus commission, once.
    def paid_out() -> bool:
        payouts = helper.get("/helper/payouts")["payouts"]
        return bool(payouts) and payouts[0]["status"] == PayoutStatus.PAID.value

    wait_until(paid_out, timeout=60, message="the payout to be paid by the worker")
    [payout] = helper.get("/helper/payouts")["payouts"]
    assert payout["amount"] == {"amount": 3825, "currency": "eur"}
    transfers = stripe_emulator.objects("transfer")
    assert len(transfers) == 1 and transfers[0]["amount"] == 3825

    # 5. Both review; the reviews are published once both have written.
    client.post(f"/missions/{mission_id}/reviews", {"stars": 5, "comment": "Perfect"},
                status=201)
    review = helper.post(f"/missions/{mission_id}/reviews", {"stars": 4, "comment": "Kind"},
                         status=201)
    assert review["published_at"] is not None
    with app.app_context():
        row = db.session.get(Mission, mission_id)
        assert row is not None and row.channel == Channel.API
        assert row.status == MissionStatus.COMPLETED
        assert len(db.session.execute(db.select(Review)).scalars().all()) == 2
        assert len(db.session.execute(db.select(Payout)).scalars().all()) == 1
        assert len(db.session.execute(db.select(Mission)).scalars().all()) == 1
        db.session.remove()
