"""Flask test-client helpers: sign in and post forms with a real CSRF token."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.factories import PASSWORD
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
