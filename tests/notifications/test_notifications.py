"""Notifications: created with the change that causes them, delivered once per channel."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.notifications import services
from marketplace.notifications.delivery import deliver
from marketplace.notifications.models import DeliveryStatus, Notification, NotificationDelivery
from marketplace.notifications.senders import (
    PermanentSendError,
    TransientSendError,
    TwilioSmsProvider,
)
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.smtp import Mailbox, free_port


def deliveries() -> list[NotificationDelivery]:
    return list(db.session.execute(db.select(NotificationDelivery)).scalars())


def test_the_same_cause_notifies_once(ctx: Flask, make: Factories) -> None:
    user = make.client()
    first = services.notify(user, "payout_sent", {"title": "t", "amount": "1 €", "price": "2 €",
                                                  "commission": "1 €"}, key="k1")
    again = services.notify(user, "payout_sent", {"title": "t", "amount": "1 €", "price": "2 €",
                                                  "commission": "1 €"}, key="k1")
    db.session.commit()
    assert first is not None and again is None
    assert len(db.session.execute(db.select(Notification.id)).all()) == 1
    assert len(deliveries()) == 1  # email only: SMS is off by default


def test_assignment_emails_the_client_in_french(ctx: Flask, make: Factories,
                                                mailbox: Mailbox) -> None:
    client, helper = make.client(), make.helper()
    mission = make.mission(client)
    booking.accept_mission(mission.id, helper)
    [delivery] = [d for d in deliveries() if d.notification.event == "helper_assigned"]
    assert deliver(delivery.id) == DeliveryStatus.SENT
    assert deliver(delivery.id) is None  # already sent: nothing goes out twice
    [mail] = mailbox.to(client.email)
    assert mail["Subject"] == "Helper s\u2019occupe de «\u00a0Fix a shelf\u00a0»"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mail.walk()
             if not p.is_multipart()}
    assert "a accepté votre mission" in parts["text/plain"]
    assert "<h1" in parts["text/html"] and "/missions/" in parts["text/html"]
    assert mail["Message-ID"] == f"<notification-{delivery.notification_id}-email@entraide>"


def test_smtp_down_is_retried_then_sent_once(ctx: Flask, make: Factories,
                                             mailbox: Mailbox) -> None:
    client = make.client()
    services.notify(client, "mission_done", {"title": "x", "helper": "h", "total": "1 €"},
                    key="done-1")
    db.session.commit()
    [delivery] = deliveries()
    port = ctx.config["MAIL_PORT"]
    ctx.config["MAIL_PORT"] = free_port()  # nobody listens there
    try:
        with pytest.raises(TransientSendError):
            deliver(delivery.id)
    finally:
        ctx.config["MAIL_PORT"] = port
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error
    assert deliver(delivery.id) == DeliveryStatus.SENT
    assert len(mailbox.to(client.email)) == 1


def test_centre_shows_unread_count_and_marks_read(client: FlaskClient, make: Factories) -> None:
    user = make.client()
    services.notify(user, "payment_failed", {"title": "Walk Rex", "reason": "card declined"},
                    key="f1")
    db.session.commit()
    login(client, user.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'id="unread-count">1<' in page and "Paiement refusé" in page
    post_form(client, "/notifications", action="/notifications/read")
    assert 'id="unread-count"' not in client.get("/notifications").get_data(as_text=True)


def test_settings_switch_language_and_add_sms(client: FlaskClient, make: Factories) -> None:
    user = make.client()
    user.phone = "+33600000000"
    db.session.commit()
    login(client, user.email)
    post_form(client, "/notifications/settings",
              {"locale": "en", "email_enabled": "", "sms_enabled": "y"})
    db.session.refresh(user)  # the page saved the language on the account: User.locale
    note = services.notify(user, "payment_failed", {"title": "Walk Rex", "reason": "declined"},
                           key="f2")
    db.session.commit()
    assert note is not None and note.title == "Payment declined: “Walk Rex”"
    assert [d.channel.value for d in note.deliveries] == ["sms"]
    assert deliver(note.deliveries[0].id) == DeliveryStatus.SENT  # logging provider


def test_notifications_of_others_are_not_shown(client: FlaskClient, make: Factories) -> None:
    owner, other = make.client(), make.client()
    services.notify(owner, "payment_failed", {"title": "Secret", "reason": "x"}, key="f3")
    db.session.commit()
    login(client, other.email)
    assert "Secret" not in client.get("/notifications").get_data(as_text=True)


class FakeTwilio:
    """A local HTTP server speaking the shape of Twilio's Messages API."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.requests: list[tuple[str, dict[str, list[str]], str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.requests.append((self.path, parse_qs(body), self.headers["Authorization"]))
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"sid": "SM1"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio(201)
    yield fake
    fake.close()


def test_twilio_adapter_posts_the_message(twilio: FakeTwilio) -> None:
    TwilioSmsProvider("AC1", "tok", "+33100000000", twilio.url).send("+33611111111", "Bonjour")
    [(path, form, auth)] = twilio.requests
    assert path == "/2010-04-01/Accounts/AC1/Messages.json"
    assert form == {"To": ["+33611111111"], "From": ["+33100000000"], "Body": ["Bonjour"]}
    assert auth == "Basic " + base64.b64encode(b"AC1:tok").decode()


@pytest.mark.parametrize(("status", "error"), [(503, TransientSendError),
                                               (429, TransientSendError),
                                               (400, PermanentSendError)])
def test_twilio_errors_are_sorted(twilio: FakeTwilio, status: int, error: type) -> None:
    twilio.status = status
    with pytest.raises(error):
        TwilioSmsProvider("AC1", "tok", "+33100000000", twilio.url).send("+336", "x")


def test_operators_retry_a_failed_delivery(client: FlaskClient, make: Factories,
                                           mailbox: Mailbox) -> None:
    from marketplace.accounts.services import make_operator

    user = make.client()
    services.notify(user, "payment_failed", {"title": "Walk Rex", "reason": "x"}, key="f9")
    db.session.commit()
    [delivery] = deliveries()
    delivery.status, delivery.attempts, delivery.last_error = (DeliveryStatus.FAILED, 8,
                                                               "mailbox full")
    db.session.commit()
    login(client, make_operator("ops@example.com", "operator password 1").email,
          "operator password 1")
    assert "mailbox full" in client.get("/ops/notifications/failed").get_data(as_text=True)
    post_form(client, "/ops/notifications/failed",
              action=f"/ops/notifications/{delivery.id}/retry")
    db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
    assert deliver(delivery.id) == DeliveryStatus.SENT
    assert len(mailbox.to(user.email)) == 1
