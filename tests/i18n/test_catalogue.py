"""The catalogues hold every string of the code: French complete (none empty, fuzzy or
obsolete), English complete. The extraction runs here, through Babel's own API, on the same
mapping (babel.cfg) and keywords as `make extract`, so a string added without its
translation fails this test before it reaches a person."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "marketplace" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "ngettext": (1, 2),
            "lazy_ngettext": (1, 2), "_nl": (1, 2), "lazy_pgettext": ((1, "c"), 2)}


def extracted() -> Catalog:
    """What `make extract` would write into messages.pot, built in memory."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                    context=context)
    return catalog


def load(locale: str) -> Catalog:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _strings(message: object) -> list[str]:
    string = message.string  # type: ignore[attr-defined]
    return list(string) if isinstance(string, tuple | list) else [string]


def test_every_extracted_msgid_has_a_french_and_an_english_translation() -> None:
    code = extracted()
    assert len(code) > 500  # the extraction found the templates and the Python files
    for locale in ("fr", "en"):
        catalogue = load(locale)
        missing = [m.id for m in code if m.id and catalogue.get(m.id, m.context) is None]
        assert missing == [], f"{locale}: run make extract (msgids not in the catalogue)"
        untranslated = [m.id for m in catalogue if m.id and (m.fuzzy or not all(_strings(m)))]
        assert untranslated == [], f"{locale}: translate these (scripts/i18n_fragments.py)"


def test_no_obsolete_or_stale_entry() -> None:
    code = extracted()
    for locale in ("fr", "en"):
        catalogue = load(locale)
        assert not catalogue.obsolete, f"{locale}: obsolete entries (#~): run make extract"
        stale = [m.id for m in catalogue if m.id and code.get(m.id, m.context) is None]
        assert stale == [], f"{locale}: msgids the code no longer has: run make extract"


def test_french_placeholders_match_the_english_ones() -> None:
    """A translation that drops or renames a %(name)s placeholder breaks at render time."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in load("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else [message.id]
        wanted = set(placeholder.findall(ids[-1]))
        for string in _strings(message):
            assert set(placeholder.findall(string)) <= wanted | {"num"}, message.id
            assert wanted <= set(placeholder.findall(string)) | {"num"}, message.id
