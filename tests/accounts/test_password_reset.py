"""Issue 12: "Forgot your password?" — the same answer for any address, an emailed signed
link that works once and not after it expires, a new password that ends every other
session, clears the lockout and signs the person in."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from marketplace.accounts import recovery, tokens
from marketplace.accounts.passwords import verify_password
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from tests.accounts.support import RESET_RE, emailed_link
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.smtp import Mailbox

NEW = "a brand new password"
CSRF = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+(")')


def _forgot(client: FlaskClient, email: str) -> tuple[int, str]:
    response = post_form(client, "/password/forgot", {"email": email})
    return response.status_code, CSRF.sub(r"\1-\2", response.get_data(as_text=True))


def _reset(client: FlaskClient, link: str, password: str = NEW) -> int:
    # the CSRF token from another page: a dead link's page has no form
    return post_form(client, "/password/forgot", {"password": password, "confirm": password},
                     action=link).status_code


def test_sign_in_page_links_to_the_reset_form(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    assert client.get("/password/forgot").status_code == 200


def test_the_same_answer_for_a_known_and_an_unknown_address(
        ctx: Flask, make: Factories, mailbox: Mailbox) -> None:
    make.client("known@example.com")
    known = _forgot(ctx.test_client(), "known@example.com")
    unknown = _forgot(ctx.test_client(), "nobody@example.com")
    assert known == unknown
    assert known[0] == 200 and "If an account uses this address" in known[1]
    [note] = db.session.execute(db.select(Notification)).scalars()
    assert note.event == "password_reset"
    assert emailed_link(mailbox, "known@example.com", RESET_RE)
    assert mailbox.to("nobody@example.com") == []


def test_the_link_resets_once_ends_other_sessions_and_signs_in(
        ctx: Flask, make: Factories, mailbox: Mailbox) -> None:
    user = make.client("forgetful@example.com")
    other = ctx.test_client()
    login(other, "forgetful@example.com")
    assert other.get("/account").status_code == 200
    web = ctx.test_client()
    _forgot(web, "forgetful@example.com")
    link = emailed_link(mailbox, "forgetful@example.com", RESET_RE)
    assert web.get(link).status_code == 200
    response = post_form(web, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert web.get("/account").status_code == 200  # signed in
    assert other.get("/account").status_code == 302  # the other session ended
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    # once: the same link again is refused, and the new password stands
    again = ctx.test_client()
    assert again.get(link).status_code == 400
    assert _reset(again, link, "yet another password") == 400
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    login(ctx.test_client(), "forgetful@example.com", NEW)


def test_the_link_dies_when_the_password_changes_another_way(
        ctx: Flask, make: Factories) -> None:
    user = make.client()
    token = recovery.make_token(user)
    user.password_hash = "changed"  # e.g. changed on /account meanwhile
    db.session.commit()
    assert _reset(ctx.test_client(), f"/password/reset/{token}") == 400


def test_the_link_expires_after_an_hour(ctx: Flask, make: Factories) -> None:
    user = make.client()

    class AnHourAndAMinuteAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3660

    old = URLSafeTimedSerializer(ctx.config["SECRET_KEY"], salt=recovery.SALT,
                                 signer=AnHourAndAMinuteAgo).dumps(
        {"u": user.id, "h": tokens.fingerprint(user.password_hash)})
    page = ctx.test_client().get(f"/password/reset/{old}")
    assert page.status_code == 400 and "expired" in page.get_data(as_text=True)
    assert _reset(ctx.test_client(), f"/password/reset/{old}") == 400
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    # the same token minted now works: only its age refused it
    assert ctx.test_client().get(f"/password/reset/{recovery.make_token(user)}").status_code \
        == 200


def test_the_default_lifetime_is_one_hour(ctx: Flask) -> None:
    assert ctx.config["PASSWORD_RESET_MAX_AGE_SECONDS"] == 3600


def test_tampered_and_foreign_tokens_are_refused(ctx: Flask, make: Factories) -> None:
    user = make.client()
    token = recovery.make_token(user)
    web = ctx.test_client()
    assert web.get(f"/password/reset/{token[:-2]}xx").status_code == 400
    assert web.get("/password/reset/" + "a" * 600).status_code == 400
    # a token of another purpose (the email change) does not pass for a reset one
    foreign = tokens.make("entraide.accounts.change-email", {"u": user.id, "h": "x"})
    assert web.get(f"/password/reset/{foreign}").status_code == 400


def test_same_password_rules_as_sign_up(ctx: Flask, make: Factories) -> None:
    user = make.client()
    link = f"/password/reset/{recovery.make_token(user)}"
    web = ctx.test_client()
    assert _reset(web, link, "short") == 400
    differ = post_form(web, link, {"password": NEW, "confirm": NEW + "x"})  # a live link
    assert differ.status_code == 400 and "Passwords differ." in differ.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_reset_clears_the_lockout(ctx: Flask, make: Factories) -> None:
    user = make.client()
    user.failed_logins, user.locked_until = 3, utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert _reset(ctx.test_client(), f"/password/reset/{recovery.make_token(user)}") == 302
    db.session.refresh(user)
    assert user.locked_until is None and user.failed_logins == 0


def test_suspended_and_deleted_accounts_get_no_link(ctx: Flask, make: Factories) -> None:
    user = make.client()
    user.is_suspended = True
    db.session.commit()
    _forgot(ctx.test_client(), user.email)
    assert db.session.execute(db.select(Notification)).first() is None


def test_the_reset_email_is_not_listed_in_the_app(ctx: Flask, make: Factories) -> None:
    user = make.client()
    recovery.request_reset(user)
    assert notifications.recent(user.id) == [] and notifications.unread_count(user.id) == 0


def test_the_form_is_rate_limited_like_sign_in(ctx: Flask) -> None:
    ctx.config["PASSWORD_RESET_RATE_LIMIT"] = "3 per minute"
    try:
        web = ctx.test_client()
        codes = [post_form(web, "/password/forgot", {"email": "x@example.com"},
                           environ_base={"REMOTE_ADDR": "10.9.9.8"}).status_code
                 for _ in range(4)]
    finally:
        ctx.config["PASSWORD_RESET_RATE_LIMIT"] = "1000 per minute"
    assert codes == [200, 200, 200, 429]
