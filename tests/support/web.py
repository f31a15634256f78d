"""A small browser for tests: keeps cookies, finds CSRF tokens, submits forms."""

from __future__ import annotations

import re
from typing import Any

import requests

from tests.support.mail import confirmation_links, wait_for_confirmation_link
from tests.support.smtp import Mailbox

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_RE_ALT = re.compile(r'type="hidden" name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html) or CSRF_RE_ALT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """Drives the app (and hosted Stripe pages) over real HTTP like a person would."""

    def __init__(self, base_url: str, mailbox: Mailbox | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "en"  # the assertions read English
        self.mailbox = mailbox  # where the app's emails arrive (the confirmation links)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.url(path), timeout=30, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> requests.Response:
        return self.session.post(self.url(path), data=data or {}, timeout=30, **kw)

    def submit(self, page_path: str, action: str | None = None,
               data: dict[str, Any] | None = None, **kw: Any) -> requests.Response:
        """GET a page for its CSRF token, then POST `data` to `action` (or the page)."""
        token = csrf_token(self.get(page_path).text)
        return self.post(action or page_path, {"csrf_token": token, **(data or {})}, **kw)

    def signup(self, email: str, name: str, *, helper: bool = False,
               client: bool = True, password: str = "correct horse battery",
               confirm: bool = True) -> requests.Response:
        """Sign up; with `confirm`, wait for the emailed link (the worker sends it over
        SMTP), open it and press its button: the answer is the page after sign-in."""
        data = {"full_name": name, "email": email, "password": password, "confirm": password}
        if client:
            data["as_client"] = "y"
        if helper:
            data["as_helper"] = "y"
        assert self.mailbox is not None or not confirm, "confirming needs the mailbox"
        seen = len(confirmation_links(self.mailbox, email)) if self.mailbox else 0
        resp = self.submit("/signup", data=data)
        if not confirm:
            return resp
        assert resp.status_code == 200 and "Check your email" in resp.text, resp.text
        assert self.mailbox is not None
        return self.confirm(wait_for_confirmation_link(self.mailbox, email, after=seen),
                            password)

    def confirm(self, link: str, password: str) -> requests.Response:
        """Open an emailed confirmation link (its path: the app may not be at
        PUBLIC_BASE_URL), type the password chosen at sign-up and press its button."""
        return self.submit(link, data={"password": password})

    def login(self, email: str, password: str = "correct horse battery") -> requests.Response:
        return self.submit("/login", data={"email": email, "password": password})

    def close(self) -> None:
        self.session.close()
