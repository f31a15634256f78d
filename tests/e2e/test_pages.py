"""Every role's main pages at 375 x 812, in French and in English: none scrolls sideways,
axe-core finds nothing serious or critical; form errors are announced; the site installs
and shows its offline page when the network is gone."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.accounts import services as accounts
from marketplace.flows.completion import confirm_completion
from marketplace.missions.lifecycle import MatchingMode
from stripe_emulator import StripeEmulator
from tests.e2e.conftest import PHONE
from tests.e2e.support import Person
from tests.support.factories import PASSWORD, Factories
from tests.support.money import done_mission

pytestmark = pytest.mark.e2e

VISITOR_PAGES = ("/", "/login", "/signup", "/offline")
CLIENT_PAGES = ("/missions/new", "/missions", "/missions/{done}", "/missions/{done}/messages",
                "/missions/{open}", "/missions/{open}/applicants", "/missions/{open}/helpers",
                "/notifications", "/notifications/settings", "/account")
HELPER_PAGES = ("/helper/missions", "/helper/payouts", "/helper/payouts/setup",
                "/helper/profile", "/helper/availability", "/missions/{done}",
                "/users/{helper}/reviews")
OPERATOR_PAGES = ("/ops/commissions", "/ops/fees", "/ops/ledger", "/ops/queues", "/ops/audit",
                  "/ops/hotline", "/ops/matching", "/ops/health", "/ops/notifications/failed",
                  "/ops/missions/{done}/money", "/ops/hotline/{open}")


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_main_page_at_phone_size(people: Any, make: Factories,
                                       stripe_emulator: StripeEmulator, locale: str) -> None:
    done = done_mission(make, stripe_emulator)
    client = done.client
    confirm_completion(done.id, client)  # captured: money in the tables
    opened = make.mission(client, mode=MatchingMode.CHOOSE)
    accounts.make_operator("olivia@example.com", "operator password 1")
    ids = {"done": done.id, "open": opened.id, "helper": done.helper_id}

    visitor: Person = people(PHONE, locale)
    for path in VISITOR_PAGES:
        visitor.visit(path)
    for email, password, pages in ((client.email, PASSWORD, CLIENT_PAGES),
                                   (done.helper.email, PASSWORD, HELPER_PAGES),
                                   ("olivia@example.com", "operator password 1",
                                    OPERATOR_PAGES)):
        person: Person = people(PHONE, locale)
        person.sign_in(email, password)
        for path in pages:
            resp = person.visit(path.format(**ids))
            assert resp is not None and resp.status == 200, (path, resp and resp.status)
        # The menu is one button at phone size; it opens without JavaScript, by keyboard.
        menu = person.page.locator("#main-menu")
        assert not menu.is_visible()
        person.page.focus("#menu-toggle")
        person.page.keyboard.press("Space")
        assert menu.is_visible()


def test_form_errors_are_announced(people: Any) -> None:
    person: Person = people(PHONE, "fr")
    person.visit("/signup")
    person.submit()
    page = person.page
    assert page.locator(".error-summary[role=alert]").count() == 1
    email = page.locator("#email")
    assert email.get_attribute("aria-invalid") == "true"
    described = (email.get_attribute("aria-describedby") or "").split()
    assert described and all(page.locator(f"#{i}").count() == 1 for i in described)
    # Each entry of the summary takes the person to its field.
    page.locator(".error-summary a[href='#email']").click()
    assert page.evaluate("document.activeElement.id") == "email"


def test_installable_and_offline_page(people: Any) -> None:
    person: Person = people(PHONE, "fr", service_workers=True)
    person.visit("/")
    page = person.page
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == person.base_url + "/"
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=10_000)
    person.context.set_offline(True)
    try:
        page.goto(person.base_url + "/missions")
        assert page.locator("#offline").is_visible()
        person.check()
    finally:
        person.context.set_offline(False)
