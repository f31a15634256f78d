"""Sessions that really end: a copied session or remember-me cookie stops working after
sign-out, sign-out everywhere, a suspension or a new password."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services, sessions
from marketplace.accounts.models import User
from marketplace.core.db import db
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import post_form
from tests.support.web import csrf_token

SESSION, REMEMBER = "session", "remember_token"


def _sign_in(client: FlaskClient, user: User) -> dict[str, str]:
    """Sign in with "keep me signed in"; the cookies a thief could copy."""
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD,
                                            "remember": "y"})
    assert response.status_code == 302
    cookies = {}
    for name in (SESSION, REMEMBER):
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        cookies[name] = cookie.value
    return cookies


def _with_cookie(app: Flask, name: str, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def _sign_out(client: FlaskClient, user: User) -> None:
    token = csrf_token(client.get("/account").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _sign_out_everywhere(client: FlaskClient, user: User) -> None:
    response = post_form(client, "/account", action="/account/sign-out-everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def _suspend(client: FlaskClient, user: User) -> None:
    sessions.suspend_user(db.session.get(User, user.id))  # type: ignore[arg-type]


def _flag_suspended(client: FlaskClient, user: User) -> None:
    """Even a suspension written straight to the table ends the sessions."""
    db.session.execute(db.update(User).where(User.id == user.id).values(is_suspended=True))
    db.session.commit()


def _new_password(client: FlaskClient, user: User) -> None:
    services.make_operator(user.email, "another long password")


def test_copied_cookies_work_while_the_session_lives(ctx: Flask, make: Factories) -> None:
    user = make.client()
    cookies = _sign_in(ctx.test_client(), user)
    assert _signed_in(_with_cookie(ctx, SESSION, cookies[SESSION]))
    assert _signed_in(_with_cookie(ctx, REMEMBER, cookies[REMEMBER]))


@pytest.mark.parametrize("end", [_sign_out, _sign_out_everywhere, _suspend, _flag_suspended,
                                 _new_password])
@pytest.mark.parametrize("cookie", [SESSION, REMEMBER])
def test_copied_cookies_stop_working(ctx: Flask, make: Factories, cookie: str,
                                     end: Callable[[FlaskClient, User], None]) -> None:
    user = make.client()
    owner = ctx.test_client()
    copy = _with_cookie(ctx, cookie, _sign_in(owner, user)[cookie])
    end(owner, user)
    assert not _signed_in(copy)
    assert not _signed_in(owner)


def test_signing_in_again_after_signing_out_works(ctx: Flask, make: Factories) -> None:
    user = make.client()
    client = ctx.test_client()
    _sign_in(client, user)
    _sign_out_everywhere(client, user)
    _sign_in(client, user)
    assert _signed_in(client)


def test_sign_out_everywhere_needs_csrf(client: FlaskClient, make: Factories) -> None:
    user = make.client()
    _sign_in(client, user)
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert _signed_in(client)


def test_account_page_offers_sign_out_everywhere(client: FlaskClient, make: Factories) -> None:
    _sign_in(client, make.helper())
    page = client.get("/account").get_data(as_text=True)
    assert "Sign out everywhere" in page and 'action="/account/sign-out-everywhere"' in page
    assert 'href="/account"' in client.get("/").get_data(as_text=True)


def test_a_suspended_user_cannot_sign_in(client: FlaskClient, make: Factories) -> None:
    user = make.client()
    sessions.suspend_user(user)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not _signed_in(client)
