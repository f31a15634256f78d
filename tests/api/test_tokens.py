"""Tokens: sign in, rotate, reuse detection, revocation by sign-out, password, suspension."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts import sessions
from marketplace.accounts.models import User
from marketplace.api.models import ApiToken
from marketplace.core.db import db
from tests.api.conftest import API, ApiClient, sign_in
from tests.support.factories import Factories
from tests.support.forms import login


def _me(ctx: Flask, token: str) -> int:
    return ApiClient(ctx.test_client(), token).get("/me").status_code


def test_sign_in_gives_a_working_pair_stored_hashed(ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    response = client.post(f"{API}/tokens", json={"email": user.email.upper(),
                                                   "password": "correct horse battery"})
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    pair = response.get_json()
    assert pair["token_type"] == "Bearer"
    me = ApiClient(client, pair["access_token"]).get("/me")
    assert me.status_code == 200 and me.get_json()["email"] == user.email
    stored = [t.token_hash for t in db.session.execute(db.select(ApiToken)).scalars()]
    assert len(stored) == 2 and pair["access_token"] not in stored
    assert all(len(h) == 64 for h in stored)


def test_wrong_password_and_unknown_email_are_the_same_401(ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    wrong = client.post(f"{API}/tokens", json={"email": user.email, "password": "nope nope"})
    unknown = client.post(f"{API}/tokens", json={"email": "x@example.com", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert response.get_json()["code"] == "invalid_credentials"


def test_lockout_applies_to_the_api(ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    ctx.config["LOGIN_LOCKOUT_ATTEMPTS"] = 3
    try:
        codes = [client.post(f"{API}/tokens", json={"email": user.email, "password": "bad"}
                             ).status_code for _ in range(3)]
        right = client.post(f"{API}/tokens", json={"email": user.email,
                                                   "password": "correct horse battery"})
    finally:
        ctx.config["LOGIN_LOCKOUT_ATTEMPTS"] = 10
    assert codes[:2] == [401, 401] and codes[2] == 429
    assert right.status_code == 429 and right.get_json()["code"] == "account_locked"


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(
        ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    first = sign_in(client, user)
    second = client.post(f"{API}/tokens/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 201
    pair = second.get_json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert _me(ctx, pair["access_token"]) == 200
    # the first refresh token again: someone holds a copy, the whole family ends
    reuse = client.post(f"{API}/tokens/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and reuse.get_json()["code"] == "invalid_refresh_token"
    assert _me(ctx, pair["access_token"]) == 401
    again = client.post(f"{API}/tokens/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    # another device's family is untouched
    other = sign_in(client, user)
    assert _me(ctx, other["access_token"]) == 200


def test_access_token_is_not_a_refresh_token(ctx: Flask, make: Factories) -> None:
    pair = sign_in(ctx.test_client(), make.client())
    response = ctx.test_client().post(f"{API}/tokens/refresh",
                                      json={"refresh_token": pair["access_token"]})
    assert response.status_code == 401


def test_delete_current_revokes_this_device_only(ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    mine, other = sign_in(client, user), sign_in(client, user)
    response = ApiClient(client, mine["access_token"]).delete("/tokens/current")
    assert response.status_code == 204
    assert _me(ctx, mine["access_token"]) == 401
    assert client.post(f"{API}/tokens/refresh",
                       json={"refresh_token": mine["refresh_token"]}).status_code == 401
    assert _me(ctx, other["access_token"]) == 200


def test_password_change_sign_out_everywhere_and_suspension_end_tokens(
        ctx: Flask, make: Factories) -> None:
    for end in ("everywhere", "suspend"):
        user = make.client()
        pair = sign_in(ctx.test_client(), user)
        assert _me(ctx, pair["access_token"]) == 200
        fresh = db.session.get(User, user.id)
        assert fresh is not None
        if end == "everywhere":
            sessions.end_all_sessions(fresh)  # what a new password does too
        else:
            sessions.suspend_user(fresh)
        assert _me(ctx, pair["access_token"]) == 401
        refresh = ctx.test_client().post(f"{API}/tokens/refresh",
                                         json={"refresh_token": pair["refresh_token"]})
        assert refresh.status_code == 401


def test_suspended_account_cannot_sign_in(ctx: Flask, make: Factories) -> None:
    user = make.client()
    sessions.suspend_user(user)
    response = ctx.test_client().post(f"{API}/tokens", json={
        "email": user.email, "password": "correct horse battery"})
    assert response.status_code == 403 and response.get_json()["code"] == "account_suspended"


def test_cookies_are_never_used(ctx: Flask, make: Factories) -> None:
    """A site session cookie does not authenticate the API; Bearer only."""
    user = make.client()
    client = ctx.test_client()
    login(client, user.email)
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
