"""A French visitor never meets an English sentence of ours, and an English one never a
French sentence: each main page, rendered in both languages, is checked against the
catalogue (every msgid long enough not to hit by chance, whose French differs)."""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.flows import booking
from tests.i18n.test_catalogue import TRANSLATIONS
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login

MIN_CHARS = 13
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>|%%")


def _pieces(text: str) -> list[str]:
    """The literal runs of a msgid or translation (placeholders and tags cut it)."""
    return [p.strip() for p in _PLACEHOLDER.split(text) if len(p.strip()) >= MIN_CHARS]


def _pairs() -> list[tuple[str, str]]:
    """(English piece, French piece) of every entry whose French differs from its English."""
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    pairs = []
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple | list):
            continue
        if message.string and message.string != message.id:
            pairs.append((message.id, message.string))
    return pairs


PAIRS = _pairs()
# a piece both languages share (a command, a name) tells nothing
ENGLISH = sorted({p for en, fr in PAIRS for p in _pieces(en) if p not in fr})
FRENCH = sorted({p for en, fr in PAIRS for p in _pieces(fr) if p not in en} - set(ENGLISH))


def _text(page: str) -> str:
    return html.unescape(page)


def _in(language: str, client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.status_code)
    return _text(response.get_data(as_text=True))


def _check(client: FlaskClient, paths: list[str]) -> None:
    for path in paths:
        french = _in("fr", client, path)
        assert '<html lang="fr">' in french, path
        leaks = [piece for piece in ENGLISH if piece in french]
        assert leaks == [], f"English on the French page {path}: {leaks}"
        english = _in("en", client, path)
        leaks = [piece for piece in FRENCH if piece in english]
        assert leaks == [], f"French on the English page {path}: {leaks}"


def test_the_catalogue_gives_enough_to_check() -> None:
    assert len(ENGLISH) > 300 and len(FRENCH) > 300


def test_visitor_pages(client: FlaskClient) -> None:
    _check(client, ["/", "/login", "/signup"])


def test_client_pages(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    mission = make.mission(owner)
    login(client, owner.email)
    _check(client, ["/", "/missions/new", f"/missions/{mission.id}", "/missions", "/account",
                    "/notifications", "/notifications/settings",
                    f"/missions/{mission.id}/messages", f"/missions/{mission.id}/applicants"])


def test_helper_pages(client: FlaskClient, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission()
    booking.accept_mission(mission.id, helper)
    make.mission()  # another one, open near them
    login(client, helper.email)
    _check(client, ["/helper/missions", "/helper/payouts", "/helper/profile",
                    "/helper/availability", "/helper/payouts/setup", f"/missions/{mission.id}"])


def test_operator_pages(client: FlaskClient, make: Factories, app: Flask) -> None:
    operator = accounts.make_operator("ops@example.com", PASSWORD)
    mission = make.mission()
    login(client, operator.email)
    paths = [str(rule) for rule in app.url_map.iter_rules()
             if str(rule).startswith("/ops") and "GET" in (rule.methods or ())
             and "<" not in str(rule) and not str(rule).endswith(".csv")]
    assert len(paths) >= 8
    _check(client, [*paths, f"/ops/missions/{mission.id}/money",
                    f"/missions/{mission.id}/helpers", f"/missions/{mission.id}"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_error_pages_speak_the_language(client: FlaskClient, language: str) -> None:
    page = _text(client.get("/no-such-page", headers={"Accept-Language": language})
                 .get_data(as_text=True))
    assert ("Page introuvable" in page) == (language == "fr")
    assert ("Page not found" in page) == (language == "en")
