"""Issue 10: sign-up answers the same for a new and a taken email; a new account is
confirmed through a signed, expiring, single-use link emailed to its owner, and cannot sign
in before."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from marketplace.accounts import confirmation
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.accounts.services import find_user_by_email
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.notifications import events
from marketplace.notifications.models import Notification
from marketplace.operators.services.hotline import find_or_create_caller
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import emailed_confirmation_link, login, post_form
from tests.support.mail import confirmation_links, text_of
from tests.support.smtp import Mailbox

SIGNUP = {"full_name": "Nina Neuve", "password": "a long password",
          "confirm": "a long password", "as_client": "y"}
CSRF = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+(")')


def _signup(client: FlaskClient, email: str, **extra: str) -> tuple[int, str]:
    response = post_form(client, "/signup", {**SIGNUP, "email": email, **extra})
    return response.status_code, response.get_data(as_text=True)


def _without_csrf(page: str) -> str:
    return CSRF.sub(r"\1-\2", page)


def _user(email: str) -> User:
    user = find_user_by_email(email)
    assert user is not None
    db.session.refresh(user)
    return user


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


# The same answer -------------------------------------------------------------------------

def test_new_and_taken_emails_get_byte_for_byte_the_same_answer(
        ctx: Flask, make: Factories) -> None:
    make.client("taken@example.com")
    answers = [_signup(ctx.test_client(), email)
               for email in ("taken@example.com", "brand-new@example.com")]
    (taken_code, taken_page), (new_code, new_page) = answers
    assert taken_code == new_code == 200
    assert _without_csrf(taken_page) == _without_csrf(new_page)
    assert "Check your email to continue" in new_page
    # ... and the one for an account still waiting for its confirmation, too
    again_code, again_page = _signup(ctx.test_client(), "brand-new@example.com")
    assert (again_code, _without_csrf(again_page)) == (new_code, _without_csrf(new_page))


def test_a_new_account_waits_unconfirmed_and_gets_a_link(
        client: FlaskClient, mailbox: Mailbox) -> None:
    _signup(client, "Nina@Example.com")
    user = _user("nina@example.com")
    assert user.email_confirmed_at is None
    assert client.get("/account").status_code == 302
    [notification] = db.session.execute(db.select(Notification)).scalars()
    assert notification.event == "confirm_email" and notification.user_id == user.id
    link = emailed_confirmation_link(mailbox, "nina@example.com")
    [mail] = mailbox.to("nina@example.com")
    # the language the sign-up page spoke (the test client's English) is the account's
    assert user.locale == "en" and mail["Subject"] == "Confirm your email address"
    assert "48 hours" in text_of(mail) and link in text_of(mail)


# The link --------------------------------------------------------------------------------

def test_the_link_shows_a_button_then_confirms_once(client: FlaskClient,
                                                    mailbox: Mailbox) -> None:
    _signup(client, "nina@example.com", as_helper="y", as_client="")
    link = emailed_confirmation_link(mailbox, "nina@example.com")
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my email" in page.get_data(as_text=True)
    assert _user("nina@example.com").email_confirmed_at is None  # a GET changes nothing
    assert client.post(link).status_code == 400  # no CSRF token: refused
    assert _user("nina@example.com").email_confirmed_at is None

    response = post_form(client, link, {"password": SIGNUP["password"]})
    assert response.status_code == 302 and response.headers["Location"] == "/helper/profile"
    assert client.get("/account").status_code == 200
    assert _user("nina@example.com").email_confirmed_at is not None

    fresh = client.application.test_client()
    for again in (client.get(link), fresh.post(link, data={"csrf_token": _csrf(fresh)})):
        assert again.status_code == 400
        assert "used already" in again.get_data(as_text=True)


def test_an_expired_link_is_a_400(ctx: Flask, client: FlaskClient) -> None:
    _signup(client, "nina@example.com")
    user = _user("nina@example.com")

    class ThreeDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    old = URLSafeTimedSerializer(ctx.config["SECRET_KEY"], salt=confirmation.SALT,
                                 signer=ThreeDaysAgo).dumps({"u": user.id, "v": 0})
    for response in (client.get(f"/signup/confirm/{old}"),
                     client.post(f"/signup/confirm/{old}",
                                 data={"csrf_token": _csrf(client)})):
        assert response.status_code == 400
        assert "expired" in response.get_data(as_text=True)
    assert _user("nina@example.com").email_confirmed_at is None


def _csrf(client: FlaskClient) -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_a_tampered_or_foreign_link_is_a_400_never_a_500(
        ctx: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    _signup(client, "nina@example.com")
    user = _user("nina@example.com")
    token = _token(emailed_confirmation_link(mailbox, "nina@example.com"))
    payload, _, rest = token.partition(".")
    flipped = ("A" if payload[0] != "A" else "B") + payload[1:]
    secret = ctx.config["SECRET_KEY"]
    forged = [
        f"{flipped}.{rest}",                       # another payload under the old signature
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),  # a broken signature
        "not-a-token", "x" * 5000, "..", "%00",
        URLSafeTimedSerializer("another key", salt=confirmation.SALT).dumps(
            {"u": user.id, "v": 0}),             # signed with someone else's key
        URLSafeTimedSerializer(secret, salt="another.salt").dumps({"u": user.id, "v": 0}),
        URLSafeTimedSerializer(secret, salt=confirmation.SALT).dumps([user.id, 0]),
        URLSafeTimedSerializer(secret, salt=confirmation.SALT).dumps({"u": "1", "v": 0}),
        URLSafeTimedSerializer(secret, salt=confirmation.SALT).dumps({"u": True, "v": 0}),
        URLSafeTimedSerializer(secret, salt=confirmation.SALT).dumps({"u": 999, "v": 0}),
        URLSafeTimedSerializer(secret, salt=confirmation.SALT).dumps({"u": user.id, "v": 7}),
    ]
    token_csrf = _csrf(client)
    for bad in forged:
        for response in (client.get(f"/signup/confirm/{bad}"),
                         client.post(f"/signup/confirm/{bad}", data={"csrf_token": token_csrf})):
            assert response.status_code in (400, 404), (bad, response.status_code)
            if response.status_code == 400:
                assert "This link does not work" in response.get_data(as_text=True), bad
    assert _user("nina@example.com").email_confirmed_at is None
    assert client.get("/account").status_code == 302


# Signing in before confirming ------------------------------------------------------------

def test_an_unconfirmed_account_cannot_sign_in_and_can_get_the_link_again(
        client: FlaskClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    _signup(client, "nina@example.com")
    first = emailed_confirmation_link(mailbox, "nina@example.com")
    other = client.application.test_client()
    response = post_form(other, "/login", {"email": "nina@example.com",
                                           "password": "a long password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Confirm your email first: we sent you a link." in page
    assert "Send it again" in page
    assert other.get("/account").status_code == 302  # not signed in

    # a minute later, "send it again" emails a new link; both work until one is used
    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(events, "utcnow", lambda: later)
    response = post_form(other, "/login", action="/login/confirm-again")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    second = emailed_confirmation_link(mailbox, "nina@example.com")
    assert len(confirmation_links(mailbox, "nina@example.com")) == 2
    assert post_form(other, second, {"password": SIGNUP["password"]}).status_code == 302
    assert other.get("/account").status_code == 200
    used = client.post(first, data={"csrf_token": _csrf(client)})
    assert used.status_code == 400  # the account is confirmed: the first link is spent
    login(client.application.test_client(), "nina@example.com", "a long password")


def test_the_wrong_password_of_an_unconfirmed_account_says_only_that(
        client: FlaskClient) -> None:
    _signup(client, "nina@example.com")
    response = post_form(client, "/login", {"email": "nina@example.com",
                                            "password": "not the password"})
    page = response.get_data(as_text=True)
    assert "Wrong email or password." in page and "Confirm your email" not in page


def test_send_it_again_without_a_pending_account_sends_nothing(client: FlaskClient) -> None:
    response = post_form(client, "/login", action="/login/confirm-again")
    assert response.status_code == 302
    assert db.session.execute(db.select(Notification.id)).first() is None


def test_send_it_again_is_rate_limited(ctx: Flask) -> None:
    ctx.config["CONFIRM_RESEND_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [post_form(ctx.test_client(), "/login", action="/login/confirm-again",
                           environ_base={"REMOTE_ADDR": "10.41.0.1"}).status_code
                 for _ in range(3)]
    finally:
        ctx.config["CONFIRM_RESEND_RATE_LIMIT"] = "1000 per minute"
    assert codes == [302, 302, 429]


# A stranger's earlier sign-up ------------------------------------------------------------

def test_signing_up_again_before_confirming_replaces_the_strangers_details(
        ctx: Flask, mailbox: Mailbox) -> None:
    _signup(ctx.test_client(), "nina@example.com", full_name="Not Nina",
            password="stranger password", confirm="stranger password")
    _signup(ctx.test_client(), "nina@example.com", full_name="Nina Neuve")
    [user] = db.session.execute(db.select(User)).scalars()
    assert user.full_name == "Nina Neuve" and user.email_confirmed_at is None
    assert verify_password(user.password_hash, "a long password")
    assert not verify_password(user.password_hash, "stranger password")
    browser = ctx.test_client()
    assert post_form(browser, emailed_confirmation_link(mailbox, "nina@example.com"),
                     {"password": "a long password"}).status_code == 302
    login(ctx.test_client(), "nina@example.com", "a long password")


def test_a_strangers_later_sign_up_cannot_be_confirmed_by_the_owner_unawares(
        ctx: Flask, mailbox: Mailbox) -> None:
    """The link proves the mailbox, the password proves who chose it: the owner typing
    their own password never activates an account whose password a stranger set."""
    _signup(ctx.test_client(), "nina@example.com")
    _signup(ctx.test_client(), "nina@example.com", full_name="Not Nina",
            password="stranger password", confirm="stranger password")
    owner = ctx.test_client()
    response = post_form(owner, emailed_confirmation_link(mailbox, "nina@example.com"),
                         {"password": "a long password"})
    assert response.status_code == 400
    assert "not the password chosen" in response.get_data(as_text=True)
    assert _user("nina@example.com").email_confirmed_at is None
    assert owner.get("/account").status_code == 302
    stranger = ctx.test_client()
    response = post_form(stranger, "/login", {"email": "nina@example.com",
                                              "password": "stranger password"})
    assert stranger.get("/account").status_code == 302  # unconfirmed: never signed in

    _signup(ctx.test_client(), "nina@example.com")  # the owner chooses their password again
    response = post_form(owner, emailed_confirmation_link(mailbox, "nina@example.com"),
                         {"password": "a long password"})
    assert response.status_code == 302 and owner.get("/account").status_code == 200


# Accounts we create ourselves ------------------------------------------------------------

def test_accounts_we_vouch_for_are_confirmed(ctx: Flask, make: Factories) -> None:
    runner = ctx.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["create-operator", "olga@example.com", "--password",
                               "a good password"]).exit_code == 0
    caller = find_or_create_caller("Jeanne Appel", "06 12 34 56 78", "jeanne@example.com")
    db.session.commit()
    for email in ("client@demo.entraide.fr", "helper1@demo.entraide.fr",
                  "operator@demo.entraide.fr", "olga@example.com", caller.email):
        assert _user(email).email_confirmed_at is not None, email
    login(ctx.test_client(), "olga@example.com", "a good password")
    login(ctx.test_client(), "client@demo.entraide.fr", "entraide-demo-2026")
    login(ctx.test_client(), make.client().email, PASSWORD)
