"""Guessing one account's password from many places locks that account for a while; and
behind a trusted reverse proxy each visitor has their own rate-limit bucket."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace import register_proxy_fix
from marketplace.accounts.lockout import email_digest
from marketplace.accounts.models import SignInProbe, User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import post_form

LOCKED = "Too many failed sign-ins: this account is locked for 15 more minutes."


def _attempt(client: FlaskClient, email: str, password: str, n: int = 0) -> tuple[int, str]:
    # every attempt from another address: the per-IP limit is not what stops them
    response = post_form(client, "/login", {"email": email, "password": password},
                         environ_base={"REMOTE_ADDR": f"10.20.{n // 250}.{n % 250 + 1}"})
    return response.status_code, response.get_data(as_text=True)


def _wrong(client: FlaskClient, email: str, times: int) -> list[str]:
    return [_attempt(client, email, "not the password", n)[1] for n in range(times)]


def _shift(user: User, **columns: object) -> None:
    """Move time: rewrite the stored timestamps (no sleeping)."""
    db.session.execute(db.update(User).where(User.id == user.id).values(**columns))
    db.session.commit()


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(
        client: FlaskClient, make: Factories) -> None:
    user = make.client()
    pages = _wrong(client, user.email, 10)
    assert all("Wrong email or password." in page for page in pages[:9])
    assert LOCKED in pages[9]
    code, page = _attempt(client, user.email, PASSWORD)
    assert code == 200 and LOCKED in page
    assert client.get("/account").status_code == 302  # not signed in


def test_the_lock_opens_by_itself_after_the_cool_down(client: FlaskClient,
                                                      make: Factories) -> None:
    user = make.client()
    _wrong(client, user.email, 10)
    _shift(user, locked_until=utcnow() + timedelta(minutes=4, seconds=30))
    assert "locked for 5 more minutes" in _attempt(client, user.email, PASSWORD)[1]
    _shift(user, locked_until=utcnow() - timedelta(seconds=1))
    assert _attempt(client, user.email, PASSWORD)[0] == 302
    assert client.get("/account").status_code == 200


def test_failures_outside_the_window_do_not_add_up(client: FlaskClient,
                                                   make: Factories) -> None:
    user = make.client()
    _wrong(client, user.email, 9)
    _shift(user, failed_logins_since=utcnow() - timedelta(minutes=16))
    assert "Wrong email or password." in _wrong(client, user.email, 1)[0]
    assert _attempt(client, user.email, PASSWORD)[0] == 302


def test_the_right_password_forgets_earlier_failures(ctx: Flask, make: Factories) -> None:
    user = make.client()
    _wrong(ctx.test_client(), user.email, 9)
    assert _attempt(ctx.test_client(), user.email, PASSWORD)[0] == 302
    pages = _wrong(ctx.test_client(), user.email, 9)
    assert not any("locked" in page for page in pages)
    assert _attempt(ctx.test_client(), user.email, PASSWORD)[0] == 302


def test_a_locked_account_does_not_lock_others(client: FlaskClient, make: Factories) -> None:
    victim, other = make.client(), make.client()
    _wrong(client, victim.email, 10)
    assert _attempt(client, other.email, PASSWORD)[0] == 302


def test_an_unknown_email_answers_exactly_like_an_account(client: FlaskClient,
                                                         make: Factories) -> None:
    """Ten guesses do not tell a stranger whether an address has an account here."""
    user = make.client()
    known = _wrong(client, user.email, 11)
    unknown = _wrong(client, "nobody-here@example.com", 11)
    assert [_answer(page) for page in known] == [_answer(page) for page in unknown]
    assert LOCKED in unknown[9] and LOCKED in unknown[10]


def test_an_unknown_email_is_stored_only_as_a_digest_and_forgotten(
        client: FlaskClient) -> None:
    _wrong(client, "Stranger@Example.com", 3)
    probes = db.session.execute(db.select(SignInProbe)).scalars().all()
    assert len(probes) == 1 and "stranger" not in probes[0].email_digest
    assert probes[0].failed_logins == 3
    db.session.execute(db.update(SignInProbe).values(
        expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    _wrong(client, "someone-else@example.com", 1)  # any later failure sweeps expired probes
    digests = db.session.execute(db.select(SignInProbe.email_digest)).scalars().all()
    assert digests == [email_digest("someone-else@example.com")]


def _answer(page: str) -> str:
    return "locked" if LOCKED in page else "wrong" if "Wrong email or password." in page else page


@pytest.fixture
def tight_login_limit(ctx: Flask) -> Iterator[Flask]:
    ctx.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    yield ctx
    ctx.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


@pytest.fixture
def behind_one_proxy(tight_login_limit: Flask) -> Iterator[Flask]:
    app = tight_login_limit
    original = app.wsgi_app
    app.config["TRUSTED_PROXIES"] = 1
    register_proxy_fix(app)
    yield app
    app.wsgi_app = original  # type: ignore[method-assign]
    app.config["TRUSTED_PROXIES"] = 0


def _login_codes(app: Flask, forwarded_for: str, times: int, proxy: str) -> list[int]:
    client = app.test_client()
    return [post_form(client, "/login", {"email": "nobody@example.com", "password": "x" * 10},
                      environ_base={"REMOTE_ADDR": proxy},
                      headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(times)]


def test_behind_a_trusted_proxy_each_visitor_has_their_own_bucket(
        behind_one_proxy: Flask) -> None:
    assert _login_codes(behind_one_proxy, "203.0.113.7", 3, proxy="10.30.0.1") == [200, 200, 429]
    assert _login_codes(behind_one_proxy, "203.0.113.8", 1, proxy="10.30.0.1") == [200]


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(
        tight_login_limit: Flask) -> None:
    assert _login_codes(tight_login_limit, "203.0.113.9", 2, proxy="10.30.0.2") == [200, 200]
    assert _login_codes(tight_login_limit, "203.0.113.10", 1, proxy="10.30.0.2") == [429]
