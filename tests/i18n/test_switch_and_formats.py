"""The language switch (visitors and signed-in people), Babel's money and date formats in
both languages, and notifications written in their recipient's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from marketplace.accounts.models import User
from marketplace.core.categories import category_name
from marketplace.core.dates import localtime
from marketplace.core.db import db
from marketplace.core.i18n import format_money, format_number, translate_stored
from marketplace.flows import booking
from marketplace.notifications.delivery import deliver
from marketplace.notifications.models import DeliveryStatus, Notification
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.smtp import Mailbox

NBSP, NNBSP = "\u00a0", "\u202f"


def _switch(client: FlaskClient, locale: str, next_page: str, page: str = "/login") -> str:
    response = post_form(client, page, {"locale": locale, "next": next_page},
                         action="/language")
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_visitor_switches_and_the_choice_sticks(client: FlaskClient) -> None:
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # Accept-Language
    assert _switch(client, "fr", "/signup?from=footer") == "/signup?from=footer"
    page = client.get("/signup").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Créez votre compte" in page
    assert 'value="fr" lang="fr" class="link" aria-current="true" disabled' in page
    _switch(client, "en", "/", page="/signup")
    assert "Create your account" in client.get("/signup").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:1",
                                    "", "\\\\evil"])
def test_next_must_be_one_of_our_pages(client: FlaskClient, target: str) -> None:
    assert _switch(client, "fr", target) == "/"


def test_an_unknown_language_changes_nothing(client: FlaskClient) -> None:
    _switch(client, "de", "/login")
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_the_switch_needs_its_csrf_token(client: FlaskClient) -> None:
    assert client.post("/language", data={"locale": "fr", "next": "/"}).status_code == 400


def test_a_signed_in_person_keeps_the_language_on_every_device(
        client: FlaskClient, make: Factories, app: Flask) -> None:
    user = make.client()
    login(client, user.email)
    _switch(client, "fr", "/account", page="/account")
    db.session.refresh(user)
    assert user.locale == "fr"
    other_device = app.test_client()  # its browser asks for English; the account says French
    login(other_device, user.email)
    assert "Votre compte" in other_device.get("/account").get_data(as_text=True)
    # the notification settings edit the same setting
    post_form(other_device, "/notifications/settings", {"locale": "en", "email_enabled": "y"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert "Your account" in client.get("/account").get_data(as_text=True)


def test_sign_up_remembers_the_language_of_the_page(client: FlaskClient) -> None:
    _switch(client, "fr", "/signup", page="/signup")
    post_form(client, "/signup", {"full_name": "Léa", "email": "lea@example.com",
                                  "password": "a long enough password",
                                  "confirm": "a long enough password", "as_client": "y"})
    user = db.session.execute(db.select(User).where(User.email == "lea@example.com")).scalar_one()
    assert user.locale == "fr"


def test_money_dates_numbers_and_categories_in_both_languages(ctx: Flask) -> None:
    moment = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    with force_locale("fr"):
        assert format_money(1250) == f"12,50{NBSP}€"
        assert format_money(123456) == f"1{NNBSP}234,56{NBSP}€"
        assert format_number(2.5) == "2,5"
        assert localtime(moment).startswith("mardi 8 décembre")
        assert localtime(moment).endswith(f"10{NBSP}h{NBSP}00")
        assert category_name("garde-animaux") == "Garde d\u2019animaux"
    with force_locale("en"):
        assert format_money(1250) == "€12.50"
        assert format_money(123456) == "€1,234.56"
        assert format_number(2.5) == "2.5"
        assert localtime(moment).startswith("Tuesday 8 December") and "10:00" in localtime(moment)
        assert category_name("garde-animaux") == "Pet-sitting"
    assert localtime(datetime(2030, 1, 2, 12, 0, tzinfo=UTC)).startswith("mercredi 2 janvier 2030")


def test_pages_format_money_for_their_language(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    mission = make.mission(owner)  # 45 € plus its service fee
    login(client, owner.email)
    french = client.get(f"/missions/{mission.id}", headers={"Accept-Language": "fr"})
    english = client.get(f"/missions/{mission.id}", headers={"Accept-Language": "en"})
    assert f"45,00{NBSP}€" in french.get_data(as_text=True)
    assert "€45.00" in english.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "subject", "body"), [
    ("fr", "Helper s\u2019occupe de « Fix a shelf »", "a accepté votre mission prévue le"),
    ("en", "Helper took “Fix a shelf”", "accepted your mission planned for"),
])
def test_a_notification_email_speaks_its_recipients_language(
        ctx: Flask, make: Factories, mailbox: Mailbox, locale: str, subject: str,
        body: str) -> None:
    client, helper = make.client(), make.helper()
    client.locale = locale
    db.session.commit()
    mission = make.mission(client)
    booking.accept_mission(mission.id, helper)
    note = db.session.execute(db.select(Notification).where(
        Notification.user_id == client.id, Notification.event == "helper_assigned")).scalar_one()
    assert note.title == subject.replace("« ", f"«{NBSP}").replace(" »", f"{NBSP}»")
    assert [deliver(d.id) for d in note.deliveries] == [DeliveryStatus.SENT]
    [mail] = mailbox.to(client.email)
    assert mail["Subject"] == note.title
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mail.walk()
             if not p.is_multipart()}
    assert body in parts["text/plain"] and body in parts["text/html"]
    footer = "Gérez vos notifications" if locale == "fr" else "Manage notifications"
    assert footer in parts["text/plain"] and f'lang="{locale}"' in parts["text/html"]
    starts = localtime(mission.starts_at) if locale == "fr" else None
    if starts is not None:  # the date is written the French way, in Paris time
        assert starts in note.body


def test_sentences_stored_in_rows_are_shown_in_the_page_language(ctx: Flask) -> None:
    with force_locale("fr"):
        assert translate_stored("Lost in a dispute.") == "Perdu dans un litige."
        assert translate_stored("Your card has insufficient funds.") == (
            "Le solde de votre carte est insuffisant.")  # Stripe's words, in our catalogue
        assert translate_stored("A sentence Stripe may add one day.") == (
            "A sentence Stripe may add one day.")  # one we never saw: shown as it came
        assert translate_stored(None) == ""
    with force_locale("en"):
        assert translate_stored("Lost in a dispute.") == "Lost in a dispute."
