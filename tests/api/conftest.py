"""API test helpers: a JSON client that carries a bearer token, and signed-in people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from marketplace.accounts.models import User
from marketplace.extensions import limiter
from tests.support.factories import PASSWORD

API = "/api/v1"


class ApiClient:
    """JSON in, JSON out, `Authorization: Bearer` when a token is set."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client, self.token = client, token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return {**headers, **(extra or {})}

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(API + path, headers=self.headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json: Any = None, key: str | None = None,
             **kw: Any) -> TestResponse:
        extra = dict(kw.pop("headers", None) or {})
        if key is not None:
            extra["Idempotency-Key"] = key
        return self.client.post(API + path, json=json if json is not None else {},
                                headers=self.headers(extra), **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.client.put(API + path, json=json, headers=self.headers(kw.pop("headers",
                                                                                  None)), **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        return self.client.delete(API + path, headers=self.headers(kw.pop("headers", None)),
                                  **kw)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(f"{API}/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def no_login_limit(app: Flask) -> Iterator[None]:
    with app.app_context():
        limiter.reset()
    yield


@pytest.fixture
def api_as(ctx: Flask):  # type: ignore[no-untyped-def]
    """`api_as(user)`: an ApiClient signed in as `user` (None: anonymous)."""

    def make(user: User | None) -> ApiClient:
        client = ctx.test_client()
        token = sign_in(client, user)["access_token"] if user is not None else None
        return ApiClient(client, token)

    return make
