"""Issue 12: change one's password (current one first; other sessions end) and email
address (current password; the new address verifies it; the old one is told), and paid
work needs a verified email — in the services, not only the pages."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import confirmation, credentials
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import services as matching
from marketplace.notifications import services as notifications
from tests.accounts.support import EMAIL_CHANGE_RE, emailed_link
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import deliver_pending_emails, login, post_form
from tests.support.mail import text_of
from tests.support.smtp import Mailbox

NEW = "a brand new password"


def _signed_in(ctx: Flask, user: User) -> FlaskClient:
    web = ctx.test_client()
    login(web, user.email)
    return web


# Password ---------------------------------------------------------------------------------

def test_change_password_needs_the_current_one(ctx: Flask, make: Factories) -> None:
    user = make.client()
    web = _signed_in(ctx, user)
    response = post_form(web, "/account", {"current": "not it at all", "password": NEW,
                                           "confirm": NEW}, action="/account/password")
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_change_password_keeps_this_session_and_ends_the_others(
        ctx: Flask, make: Factories) -> None:
    user = make.client()
    web, other = _signed_in(ctx, user), _signed_in(ctx, user)
    response = post_form(web, "/account", {"current": PASSWORD, "password": NEW,
                                           "confirm": NEW}, action="/account/password")
    assert response.status_code == 302
    assert web.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    login(ctx.test_client(), user.email, NEW)


# Email ------------------------------------------------------------------------------------

def test_change_email_applies_only_when_the_new_address_opens_the_link(
        ctx: Flask, make: Factories, mailbox: Mailbox) -> None:
    user = make.client("old@example.com")
    web = _signed_in(ctx, user)
    response = post_form(web, "/account", {"current": PASSWORD, "email": "New@Example.com"},
                         action="/account/email")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "old@example.com"  # not yet
    link = emailed_link(mailbox, "new@example.com", EMAIL_CHANGE_RE)
    assert mailbox.to("old@example.com") == []
    # the link is in the email only, never in the app's notification list
    assert notifications.recent(user.id) == []
    assert web.get(link).status_code == 200  # a page with a button: scanners change nothing
    db.session.refresh(user)
    assert user.email == "old@example.com"
    assert post_form(web, link).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.com" and user.email_confirmed_at is not None
    deliver_pending_emails()
    [told] = mailbox.to("old@example.com")
    assert "new@example.com" in text_of(told)
    # single use: the address changed, so the link is dead
    assert post_form(ctx.test_client(), "/login", action=link).status_code == 400
    login(ctx.test_client(), "new@example.com")


def test_change_email_needs_the_current_password(ctx: Flask, make: Factories,
                                                 mailbox: Mailbox) -> None:
    user = make.client()
    web = _signed_in(ctx, user)
    response = post_form(web, "/account", {"current": "wrong one!", "email": "x@example.com"},
                         action="/account/email")
    assert response.status_code == 400
    deliver_pending_emails()
    assert mailbox.to("x@example.com") == []


def test_an_address_in_use_gets_nothing_and_the_page_tells_nothing(
        ctx: Flask, make: Factories, mailbox: Mailbox) -> None:
    make.client("taken@example.com")
    user = make.client()
    web = _signed_in(ctx, user)
    response = post_form(web, "/account", {"current": PASSWORD, "email": "taken@example.com"},
                         action="/account/email")
    assert response.status_code == 302  # the same as for a free address
    deliver_pending_emails()
    assert mailbox.to("taken@example.com") == []


def test_a_link_for_an_address_taken_meanwhile_changes_nothing(
        ctx: Flask, make: Factories, mailbox: Mailbox) -> None:
    user = make.client()
    credentials.request_email_change(user, PASSWORD, "race@example.com")
    link = emailed_link(mailbox, "race@example.com", EMAIL_CHANGE_RE)
    make.client("race@example.com")
    response = post_form(ctx.test_client(), link)
    assert response.status_code == 409
    db.session.refresh(user)
    assert user.email != "race@example.com"


def test_a_tampered_link_is_refused(client: FlaskClient) -> None:
    assert client.get("/account/email/confirm/abc.def").status_code == 400


# Verified email for paid work -------------------------------------------------------------

def _unverify(user: User) -> None:
    user.email_confirmed_at = None
    db.session.commit()


def test_posting_a_paid_mission_needs_a_verified_email(ctx: Flask, make: Factories) -> None:
    client = make.client()
    _unverify(client)
    with pytest.raises(confirmation.EmailNotVerified):
        make.mission(client)
    assert make.mission(client, price_cents=0, category="coup-de-main").price_cents == 0  # free


def test_taking_a_mission_needs_a_verified_email(ctx: Flask, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission()
    choose = make.mission(mode=MatchingMode.CHOOSE)
    _unverify(helper)
    with pytest.raises(confirmation.EmailNotVerified):
        booking.accept_mission(mission.id, helper)
    with pytest.raises(confirmation.EmailNotVerified):
        matching.apply(helper, choose.id, "I can come")


def test_the_account_page_says_why_and_offers_the_link_again(
        ctx: Flask, make: Factories) -> None:
    user = make.client()
    web = _signed_in(ctx, user)
    _unverify(user)
    page = web.get("/account").get_data(as_text=True)
    assert "not confirmed yet" in page and "/account/confirm-email" in page
    assert post_form(web, "/account", action="/account/confirm-email").status_code == 302
