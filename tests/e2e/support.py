"""A person in a real browser: every page they reach is checked for sideways scrolling at
375 px and for serious or critical accessibility problems (axe-core)."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response

from tests.support.mail import confirmation_links, wait_for_confirmation_link
from tests.support.smtp import Mailbox

PASSWORD = "correct horse battery"
SERIOUS = {"serious", "critical"}
PHONE_WIDTH = 375
_axe = Axe()


@dataclass
class Report:
    """What was checked, by page (path with ids replaced by <id>) and viewport and language."""

    checks: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    axe_seconds: float = 0.0
    axe_runs: int = 0

    def record(self, path: str, width: int, locale: str) -> None:
        path = re.sub(r"/signup/confirm/[^/]+", "/signup/confirm/<token>", path)
        self.checks[re.sub(r"/\d+", "/<id>", path)].add(f"{width}px/{locale}")

    def summary(self) -> str:
        lines = [f"{len(self.checks)} pages checked (no sideways scroll at 375 px, "
                 f"axe: 0 serious/critical; {self.axe_runs} axe runs, "
                 f"{self.axe_seconds:.1f}s):"]
        lines += [f"  {path}  [{', '.join(sorted(seen))}]"
                  for path, seen in sorted(self.checks.items())]
        return "\n".join(lines)


class Person:
    """One browser context (cookies of their own) at a viewport, speaking a language."""

    def __init__(self, browser: Browser, base_url: str, mailbox: Mailbox, report: Report, *,
                 viewport: dict[str, int], locale: str = "fr",
                 service_workers: bool = False) -> None:
        self.base_url = base_url
        self.mailbox = mailbox
        self.report = report
        self.locale = locale
        self.width = viewport["width"]
        self.context = browser.new_context(
            viewport=viewport, locale="fr-FR" if locale == "fr" else "en-GB",
            extra_http_headers={"Accept-Language": locale}, accept_downloads=True,
            service_workers="allow" if service_workers else "block")
        self.context.set_default_timeout(15_000)
        self.page: Page = self.context.new_page()

    # -- navigation ------------------------------------------------------------------------
    def visit(self, path: str) -> Response | None:
        resp = self.page.goto(path if path.startswith("http") else self.base_url + path)
        self.check()
        return resp

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def ours(self) -> bool:
        return self.page.url.startswith(self.base_url)

    def submit(self, button: str = "main button[type=submit]") -> None:
        """Press a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(button).first.click()
        self.check()

    def check(self) -> None:
        """The page in front of the person: no sideways scrolling at phone size, and axe
        finds nothing serious or critical. Stripe's hosted pages (the emulator's) aside."""
        if not self.ours():
            return
        self.page.wait_for_load_state("load")
        lang = self.page.locator("html").get_attribute("lang")
        assert lang == self.locale, f"{self.page.url}: <html lang={lang!r}>"
        if self.width <= PHONE_WIDTH:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, f"{self.page.url} is {width}px wide at 375px"
        started = time.monotonic()
        results = _axe.run(self.page)
        self.report.axe_seconds += time.monotonic() - started
        self.report.axe_runs += 1
        bad = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        assert not bad, f"{self.page.url}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad)
        self.report.record(self.path, self.width, self.locale)

    # -- accounts ------------------------------------------------------------------------------
    def sign_up(self, email: str, name: str, *, helper: bool = False) -> None:
        """Sign up through the form, then follow the emailed link and type the password."""
        seen = len(confirmation_links(self.mailbox, email))
        self.visit("/signup")
        self.page.fill("#full_name", name)
        self.page.fill("#email", email)
        self.page.fill("#password", PASSWORD)
        self.page.fill("#confirm", PASSWORD)
        self.page.set_checked("#as_client", not helper)
        self.page.set_checked("#as_helper", helper)
        self.submit()
        link = wait_for_confirmation_link(self.mailbox, email, after=seen)
        self.visit(link)
        self.page.fill("#password", PASSWORD)
        self.submit()

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.visit("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.submit()
        assert self.path != "/login", self.page.content()

    def press(self, action: str) -> None:
        """Press the button of the form posting to `action` (a path)."""
        self.submit(f'form[action="{action}"] button[type=submit]')

    def close(self) -> None:
        self.context.close()


def download_text(person: Person, selector: str) -> tuple[str, str]:
    """Click a download link; its suggested file name and its text."""
    with person.page.expect_download() as info:
        person.page.locator(selector).click()
    download = info.value
    with open(download.path(), encoding="utf-8") as f:
        return download.suggested_filename, f.read()


def fill_form(person: Person, values: dict[str, Any]) -> None:
    """Fill fields by id: text, select (an option's value) or checkbox (a bool)."""
    for field_id, value in values.items():
        loc = person.page.locator(f"#{field_id}")
        tag = loc.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if isinstance(value, bool):
            loc.set_checked(value)
        elif tag.startswith("select"):
            loc.select_option(str(value))
        else:
            loc.fill(str(value))
