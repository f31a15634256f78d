"""Issue 12, end to end over real HTTP with the real worker and SMTP: a person forgets
their password and resets it from the emailed link, downloads their data, then deletes
their account — like a person would, in a browser session."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from tests.accounts.support import RESET_RE, links
from tests.support.servers import Worker, wait_until

pytestmark = pytest.mark.integration
NEW = "a brand new password"


def test_forgot_password_export_and_delete(
        ctx: Flask, browser_factory, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    web = browser_factory()
    assert "Welcome to Entraide" in web.signup("nora@example.com", "Nora Oubli").text
    web.submit("/account", action="/logout")

    page = web.submit("/password/forgot", data={"email": "nora@example.com"})
    assert page.status_code == 200 and "If an account uses this address" in page.text
    assert web.mailbox is not None
    wait_until(lambda: bool(links(web.mailbox, "nora@example.com", RESET_RE)), timeout=60,
               message="the reset email")
    link = links(web.mailbox, "nora@example.com", RESET_RE)[-1]
    done = web.submit(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 200 and "Your new password is set" in done.text
    again = browser_factory()
    assert again.login("nora@example.com", NEW).status_code == 200
    assert "/account" in again.get("/account").url

    archive = web.submit("/account", action="/account/export")
    assert archive.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(archive.text)["profile"]["email"] == "nora@example.com"

    gone = web.submit("/account", action="/account/delete",
                      data={"current": NEW, "understood": "y"})
    assert gone.status_code == 200 and "Your account is deleted" in gone.text
    assert "/login" in again.get("/account").url  # every session ended
    refused = browser_factory().login("nora@example.com", NEW)
    assert "Wrong email or password." in refused.text
