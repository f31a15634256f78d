"""Sign-up does not tell a stranger which emails have an account: the visitor reads the
same answer, the account's owner gets an email; and sign-up is rate-limited like sign-in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.notifications.delivery import deliver
from marketplace.notifications.models import DeliveryStatus, Notification, NotificationDelivery
from tests.support.factories import Factories
from tests.support.forms import emailed_confirmation_link, post_form
from tests.support.smtp import Mailbox

SIGNUP = {"full_name": "Someone Else", "password": "a long password",
          "confirm": "a long password", "as_client": "y"}
ANSWER = "Check your email to continue"


def _signup(client: FlaskClient, email: str, ip: str = "127.0.0.1") -> tuple[int, str]:
    response = post_form(client, "/signup", {**SIGNUP, "email": email},
                         environ_base={"REMOTE_ADDR": ip})
    return response.status_code, response.get_data(as_text=True)


def test_an_existing_email_is_neither_confirmed_nor_signed_in(
        client: FlaskClient, make: Factories, mailbox: Mailbox) -> None:
    owner = make.client("owner@example.com")
    code, page = _signup(client, "Owner@Example.com")
    assert code == 200 and ANSWER in page
    assert "An account already uses this email." not in page
    assert client.get("/account").status_code == 302  # the visitor is not signed in
    assert [u.full_name for u in db.session.execute(db.select(User)).scalars()] == ["Client"]
    [notification] = db.session.execute(
        db.select(Notification).where(Notification.user_id == owner.id)).scalars()
    assert notification.event == "signup_with_existing_email"
    [delivery] = db.session.execute(db.select(NotificationDelivery)).scalars()
    assert deliver(delivery.id) == DeliveryStatus.SENT
    [mail] = mailbox.to("owner@example.com")
    assert "adresse" in mail["Subject"]  # French, the default


def test_the_owner_hears_once_an_hour_however_often_it_is_tried(
        ctx: Flask, make: Factories) -> None:
    owner = make.client()
    for _ in range(3):
        assert ANSWER in _signup(ctx.test_client(), owner.email)[1]
    notifications = db.session.execute(
        db.select(Notification.id).where(Notification.user_id == owner.id)).all()
    assert len(notifications) == 1


def test_a_new_email_signs_up_once_its_emailed_link_is_followed(
        client: FlaskClient, mailbox: Mailbox) -> None:
    code, page = _signup(client, "fresh@example.com")
    # Issue 10: the same answer as for an existing email, and not signed in yet.
    assert code == 200 and ANSWER in page
    assert client.get("/account").status_code == 302
    response = post_form(client, emailed_confirmation_link(mailbox, "fresh@example.com"),
                         {"password": SIGNUP["password"]})
    assert response.status_code == 302 and response.headers["Location"] == "/missions/new"
    assert client.get("/account").status_code == 200


@pytest.fixture
def tight_signup_limit(ctx: Flask) -> Iterator[Flask]:
    ctx.config["SIGNUP_RATE_LIMIT"] = "2 per minute"
    yield ctx
    ctx.config["SIGNUP_RATE_LIMIT"] = "1000 per minute"


def test_signup_is_rate_limited(tight_signup_limit: Flask, make: Factories) -> None:
    owner = make.client()
    codes = [_signup(tight_signup_limit.test_client(), owner.email, ip="10.40.0.1")[0]
             for _ in range(3)]
    assert codes == [200, 200, 429]
    # another address is not held back by the first one's attempts (issue 10: a new email
    # now gets the same 200 answer, no longer a 302 into the account)
    assert _signup(tight_signup_limit.test_client(), "new@example.com", ip="10.40.0.2")[0] == 200
