"""Every string a person reads from the API has its French in the API's fragment (merged
into the fr catalogue by scripts/i18n_fragments.py), and problems follow Accept-Language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT = ROOT / "marketplace" / "translations" / "fragments" / "api.po"
FR = ROOT / "marketplace" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def _msgids() -> set[str]:
    found = extract_from_dir(str(ROOT / "marketplace" / "api"), METHODS, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _ctx in found
            if isinstance(message, str)}


def _translated(path: Path) -> set[str]:
    if not path.exists():
        return set()
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id and m.string}


def test_every_api_string_has_french() -> None:
    msgids = _msgids()
    assert len(msgids) > 30
    missing = msgids - _translated(FRAGMENT) - _translated(FR)
    assert not missing, f"no French for: {sorted(missing)}"


def test_problems_speak_the_requested_language(ctx: Flask) -> None:
    client = ctx.test_client()
    english = client.get("/api/v1/me", headers={"Accept-Language": "en"}).get_json()
    french = client.get("/api/v1/me", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_json()
    assert english["code"] == french["code"] == "unauthenticated"
    assert english["title"] == "Authentication required"
    if "Authentication required" in _translated(FR):  # once the fragment is merged
        assert french["title"] == "Authentification requise"
