"""The main journeys as people make them, in French, on a desktop and on a 375 px phone:
every page reached is checked for sideways scrolling (phone) and by axe-core."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments.models import Payout
from marketplace.payments.status import PayoutStatus
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.posting import HELPER_HOME, fill_mission, fill_place, post_mission
from tests.e2e.support import Person, download_text, fill_form
from tests.support.factories import Factories, started
from tests.support.mail import text_of
from tests.support.servers import wait_until

pytestmark = pytest.mark.e2e
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
CARD = "4242 4242 4242 4242"


def pay_on_hosted_checkout(person: Person) -> None:
    """On the emulator's hosted checkout page: type the test card and pay."""
    assert "/hosted/checkout/" in person.page.url, person.page.url
    person.page.fill("#card_number", CARD)
    person.submit("form button[type=submit]")
    assert person.ours(), person.page.url


def emailed_payment_link(person: Person, address: str) -> str | None:
    """The /pay/<token> link of the latest email to `address`, once it has arrived."""
    for mail in reversed(person.mailbox.to(address)):
        found = re.search(r"https?://[^\s\"<>]+/pay/[A-Za-z0-9_.\-]+", text_of(mail))
        if found:
            return found.group(0)
    return None


def start_now(app: Flask, mission_id: int) -> None:
    """The mission's start moves into the past (its helper may mark it done only then)."""
    with app.app_context():
        started(db.session.get(Mission, mission_id))  # type: ignore[arg-type]
        db.session.remove()


def mission_id_of(person: Person) -> int:
    match = re.search(r"/missions/(\d+)", person.page.url)
    assert match, person.page.url
    return int(match.group(1))


def payout_status(app: Flask, mission_id: int) -> PayoutStatus | None:
    with app.app_context():
        payout = db.session.execute(
            db.select(Payout).where(Payout.mission_id == mission_id)).scalar_one_or_none()
        status = payout.status if payout else None
        db.session.remove()
        return status


def mission_status(app: Flask, mission_id: int) -> MissionStatus | None:
    with app.app_context():
        mission = db.session.get(Mission, mission_id)
        status = mission.status if mission else None
        db.session.remove()
        return status


@SIZES
def test_client_and_helper_journeys(people: Any, app: Flask, viewport: dict[str, int]) -> None:
    # The client signs up (confirming through the emailed link), posts and pays.
    client: Person = people(viewport)
    client.sign_up("claire@example.com", "Claire Dubois")
    post_mission(client, "Fixer deux étagères")
    pay_on_hosted_checkout(client)
    mission_id = mission_id_of(client)
    for path in ("/missions", "/notifications", "/account"):
        client.visit(path)

    # The helper signs up, says where they live, onboards payouts on the hosted page.
    helper: Person = people(viewport)
    helper.sign_up("karim@example.com", "Karim Benali", helper=True)
    assert helper.path == "/helper/profile", helper.page.url
    helper.page.check('input[name=skills][value=bricolage]')
    fill_place(helper, HELPER_HOME)
    fill_form(helper, {"radius_km": "5"})
    helper.submit()
    assert helper.path == "/helper/payouts/setup", helper.page.url
    helper.press("/helper/payouts/setup/start")
    assert "/hosted/onboarding/" in helper.page.url, helper.page.url
    helper.submit("form button[type=submit]")
    assert helper.path == "/helper/payouts/setup" or helper.ours(), helper.page.url
    helper.visit("/helper/availability")

    # ... finds the mission near them and accepts it.
    helper.visit("/helper/missions")
    helper.press(f"/missions/{mission_id}/accept")

    # They talk; the helper marks it done; the client confirms, then rates the helper.
    client.visit(f"/missions/{mission_id}/messages")
    client.page.fill("#body", "Bonjour, le code de la porte est 1234.")
    client.submit()
    helper.visit(f"/missions/{mission_id}/messages")
    assert "le code de la porte est 1234" in helper.page.locator("main").inner_text()
    start_now(app, mission_id)  # the work happens: its start time has come
    helper.visit(f"/missions/{mission_id}")
    helper.press(f"/missions/{mission_id}/done")
    client.visit(f"/missions/{mission_id}")
    client.press(f"/missions/{mission_id}/confirm")
    with app.app_context():
        assert db.session.get(Mission, mission_id).status == MissionStatus.COMPLETED  # type: ignore[union-attr]
        db.session.remove()
    fill_form(client, {"stars": "5", "comment": "Rapide et soigneux, merci !"})
    client.press(f"/missions/{mission_id}/review")

    # The worker pays the helper out; the payout shows on their payouts page.
    wait_until(lambda: payout_status(app, mission_id) == PayoutStatus.PAID, timeout=60,
               message="the worker to pay the helper")
    helper.visit("/helper/payouts")
    row = helper.page.locator("tr.payout").first.inner_text()
    assert "38,25" in row, row


@SIZES
def test_operator_journey(people: Any, app: Flask, make: Factories,
                          viewport: dict[str, int]) -> None:
    accounts.make_operator("olivia@example.com", "operator password 1", "Olivia Martin")
    helper = make.helper(email="helper.proche@example.com")
    op: Person = people(viewport)
    op.sign_in("olivia@example.com", "operator password 1")

    # A caller phones: the operator books for them and sends them a payment link.
    op.visit("/ops/hotline")
    fill_form(op, {"full_name": "Jeanne Petit", "phone": "+33 6 12 34 56 78",
                   "email": "jeanne@example.com"})
    fill_mission(op, "Monter une armoire")
    op.submit()
    match = re.search(r"/ops/hotline/(\d+)", op.page.url)
    assert match, op.page.url
    mission_id = int(match.group(1))
    op.press(f"/ops/hotline/{mission_id}/payment-link")
    wait_until(lambda: emailed_payment_link(op, "jeanne@example.com"), timeout=60,
               message="the payment link's email to the caller")
    link = emailed_payment_link(op, "jeanne@example.com") or ""

    # The caller opens the link on their phone, without an account, and pays on the hosted
    # page; they come back to a confirmation page, not to a sign-in page.
    caller: Person = people(PHONE)
    path = urlsplit(link).path  # the email names the public site; the test runs it locally
    caller.visit(path)
    caller.press(path)
    pay_on_hosted_checkout(caller)
    assert caller.path.startswith("/pay/") and caller.path.endswith("/done"), caller.path

    # The operator assigns the helper nearby, then refunds part of it.
    wait_until(lambda: mission_status(app, mission_id) == MissionStatus.OPEN, timeout=30,
               message="the caller's card hold to open the mission")
    op.visit(f"/missions/{mission_id}/helpers")
    op.submit(f'form[action="/missions/{mission_id}/assign"]:has(input[value="{helper.id}"]) '
              "button[type=submit]")
    with app.app_context():
        assert db.session.get(Mission, mission_id).helper_id == helper.id  # type: ignore[union-attr]
        db.session.remove()
    op.visit(f"/ops/missions/{mission_id}/money")
    fill_form(op, {"amount": "5", "helper_part": "0", "note": "Geste commercial"})
    op.press(f"/ops/missions/{mission_id}/refund")
    assert op.path == f"/ops/missions/{mission_id}/money"
    assert op.page.locator("#refunds tbody tr").count() == 1

    # The money pages, and the commissions as a CSV file.
    for path in ("/ops/matching", "/ops/queues", "/ops/ledger", "/ops/fees", "/ops/audit",
                 "/ops/health", "/ops/notifications/failed", "/ops/commissions"):
        op.visit(path)
    name, text = download_text(op, "#csv-export")
    assert name.endswith(".csv") and text.splitlines(), (name, text)
