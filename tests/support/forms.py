"""Flask test-client helpers: sign in and post forms with a real CSRF token."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from marketplace.core.db import db
from marketplace.notifications.delivery import deliver
from marketplace.notifications.models import DeliveryStatus, NotificationDelivery
from tests.support.factories import PASSWORD
from tests.support.mail import wait_for_confirmation_link
from tests.support.smtp import Mailbox
from tests.support.web import csrf_token


def post_form(client: FlaskClient, page: str, data: dict[str, Any] | None = None,
              action: str | None = None, **kw: Any) -> TestResponse:
    """GET `page` for a CSRF token, then POST `data` to `action` (default: the page)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action or page, data={"csrf_token": token, **(data or {})}, **kw)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def deliver_pending_emails() -> None:
    """Do the worker's job in-process: send every pending delivery (over real SMTP)."""
    pending = db.session.execute(
        db.select(NotificationDelivery.id)
        .where(NotificationDelivery.status == DeliveryStatus.PENDING)).scalars().all()
    for delivery_id in pending:
        deliver(delivery_id)


def emailed_confirmation_link(mailbox: Mailbox, address: str) -> str:
    """Send what is pending and return the newest confirmation link emailed to `address`."""
    deliver_pending_emails()
    return wait_for_confirmation_link(mailbox, address, timeout=10)

