"""The walking skeleton, end to end, as people would do it.

HTTP to the app, the stripe SDK over HTTP to the emulator (its hosted pages driven like a
browser without JavaScript), signed webhooks back to the app, and a real Celery worker
process paying the helper out.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.models import LedgerTransaction, Payout
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import started
from tests.support.places import HOME
from tests.support.servers import Worker, wait_until
from tests.support.smtp import Mailbox
from tests.support.web import Browser

pytestmark = pytest.mark.integration


def _form_action(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _emulator_form_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.pop("csrf_token", None)
    return fields


def complete_hosted_form(browser: Browser, page, **overrides: str):  # type: ignore[no-untyped-def]
    """Fill a Stripe-hosted page (emulator) and submit it, following redirects to the app."""
    assert page.status_code == 200, page.text
    action = requests_join(page.url, _form_action(page.text))
    return browser.post(action, {**_emulator_form_fields(page.text), **overrides})


def requests_join(base: str, action: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, action)


def mission_form(start_in: timedelta = timedelta(days=2)) -> dict[str, str]:
    start = (utcnow() + start_in).astimezone().replace(tzinfo=None)
    fmt = "%Y-%m-%dT%H:%M"
    return {"category": "bricolage", "title": "Fix two kitchen shelves",
            "description": "Two shelves came off the wall; screws and plugs provided.",
            "address": "12 rue de la Station, 92600 Asnières-sur-Seine",
            "starts_at": start.strftime(fmt),
            "ends_at": (start + timedelta(hours=2)).strftime(fmt), "price": "45"}


def test_one_paid_mission_end_to_end(app: Flask, browser_factory, worker: Worker,  # type: ignore[no-untyped-def]
                                     stripe_emulator: StripeEmulator, mailbox: Mailbox) -> None:
    # 1. A client signs up, posts a mission and authorizes the card on the hosted page.
    client = browser_factory()
    resp = client.signup("claire@example.com", "Claire Dubois")
    assert resp.url.endswith("/missions/new"), resp.text
    resp = client.submit("/missions/new", data=mission_form())
    assert "/hosted/checkout/" in resp.url, resp.text
    assert "45,00" in resp.text or "45.00" in resp.text
    resp = complete_hosted_form(client, resp, card_number="4242 4242 4242 4242")
    assert resp.status_code == 200 and "/missions/" in resp.url
    assert "Your card is authorized" in resp.text
    mission_id = int(re.search(r"/missions/(\d+)", resp.url).group(1))  # type: ignore[union-attr]

    # 2. A helper nearby signs up, sets skills and home, and onboards on Stripe Express.
    helper = browser_factory()
    resp = helper.signup("karim@example.com", "Karim Benali", helper=True, client=False)
    assert resp.url.endswith("/helper/profile"), resp.text
    resp = helper.submit("/helper/profile", data={
        "skills": ["bricolage", "jardinage"], "address": HOME, "radius_km": "5"})
    assert "/helper/payouts/setup" in resp.url
    resp = helper.submit("/helper/payouts/setup", action="/helper/payouts/setup/start")
    assert "/hosted/onboarding/" in resp.url
    resp = complete_hosted_form(helper, resp)
    assert "ready" in resp.text, resp.text
    resp = helper.get("/helper/missions")
    assert f"#{mission_id} Fix two kitchen shelves" in resp.text
    assert re.search(r'class="distance">0\.[0-9] km', resp.text), resp.text

    # The helper sees price, commission and take-home before accepting.
    assert "€38.25" in resp.text and "€6.75" in resp.text
    resp = helper.submit("/helper/missions", action=f"/missions/{mission_id}/accept")
    assert "The mission is yours" in resp.text

    # 3. Once it has started, the helper marks it done; the client confirms; the platform
    # captures. (Done is refused before the start time: the mission is moved to now.)
    with app.app_context():
        started(db.session.get(Mission, mission_id))
    resp = helper.submit(f"/missions/{mission_id}", action=f"/missions/{mission_id}/done")
    assert "Marked as done" in resp.text
    resp = client.submit(f"/missions/{mission_id}", action=f"/missions/{mission_id}/confirm")
    assert "payment is captured" in resp.text
    with app.app_context():
        mission = db.session.get(Mission, mission_id)
        assert mission is not None and mission.status == MissionStatus.COMPLETED
    pi = stripe_emulator.objects("payment_intent")[-1]
    assert pi["status"] == "succeeded" and pi["amount_received"] == 4500

    # 4. The worker transfers price - commission to the helper's connected account.
    def payout_paid() -> bool:
        with app.app_context():
            payout = db.session.execute(db.select(Payout)).scalar_one_or_none()
            db.session.remove()
            return payout is not None and payout.status == PayoutStatus.PAID

    wait_until(payout_paid, timeout=60, message="the payout to be paid by the worker")
    transfers = stripe_emulator.objects("transfer")
    assert len(transfers) == 1
    assert transfers[0]["amount"] == 3825
    assert transfers[0]["source_transaction"] == pi["latest_charge"]
    with app.app_context():
        profile = accounts.find_user_by_email("karim@example.com").helper_profile  # type: ignore[union-attr]
        assert transfers[0]["destination"] == profile.stripe_account_id
        assert ledger.balance(ledger.helper_payable(profile.user_id)) == 0
        assert ledger.balance(ledger.COMMISSION_REVENUE) == -675
        assert ledger.unbalanced_transactions() == []
        kinds = sorted(t.kind for t in db.session.execute(db.select(LedgerTransaction)).scalars())
        assert kinds == ["capture", "stripe_fee", "transfer"]
    resp = helper.get("/helper/payouts")
    assert "€38.25" in resp.text and "paid" in resp.text

    # 5. An operator sees the commission with totals.
    with app.app_context():
        accounts.make_operator("olivia@example.com", "operator password 1")
    ops = browser_factory()
    ops.login("olivia@example.com", "operator password 1")
    resp = ops.get("/ops/commissions")
    assert resp.status_code == 200
    assert re.search(r'id="total-commission">€6\.75', resp.text), resp.text

    # Along the way the worker emailed each person once per event, in the language their
    # sign-up page spoke (the browser's English; issue 10: the confirmation link of each
    # sign-up first, two more emails). Each person's mails are awaited, not a total: the
    # SMTP server is shared, and a mail an earlier test caused may still land meanwhile.
    wait_until(lambda: len(mailbox.to("claire@example.com")) >= 5
               and len(mailbox.to("karim@example.com")) >= 3,
               timeout=60, message="Claire's five emails and Karim's three")
    subjects = sorted(m["Subject"] for m in mailbox.to("claire@example.com"))
    assert subjects == ["Card authorized: \u201cFix two kitchen shelves\u201d",
                        "Confirm your email address",
                        "Karim Benali took \u201cFix two kitchen shelves\u201d",
                        "Work done? Please confirm \u201cFix two kitchen shelves\u201d",
                        "Your review of \u201cFix two kitchen shelves\u201d"]
    [confirm_mail, review_mail, payout_mail] = sorted(
        mailbox.to("karim@example.com"),
        key=lambda m: (m["Subject"] != "Confirm your email address",
                       m["Subject"].startswith("Payout")))
    assert confirm_mail["Subject"] == "Confirm your email address"
    assert "Claire Dubois" in review_mail.get_body(("plain",)).get_content()
    assert payout_mail["Subject"] == "Payout sent: €38.25"
    assert "commission €6.75" in payout_mail.get_body(("plain",)).get_content()
