"""``stripe trigger`` for every event type our app handles, replayed against the emulator.

Each Stripe CLI fixture (tests/emulator/fixtures) runs request by request over HTTP, as the
CLI sends it; every request must succeed (or fail with the error the fixture expects), and
the named event must be emitted and delivered signed (checked with the SDK's
``stripe.Webhook.construct_event``).
"""

from __future__ import annotations

import pytest
import requests

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
