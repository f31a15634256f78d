"""Merge the French translations other branches left in fragments into the fr catalogue.

Each engineer who adds strings puts their French in
`marketplace/translations/fragments/<branch>.po` (msgid in English, msgstr in French). After
`make extract` has brought every msgid of the code into the catalogues, run

    .venv/bin/python scripts/i18n_fragments.py            # merge, fill English, report
    .venv/bin/python scripts/i18n_fragments.py --check    # also exit 1 if French is missing

It fills each fr msgstr from the fragments (a fragment's translation replaces an empty or
fuzzy one, and wins over an older one, which is reported), deletes each fragment whose every
entry was merged (a fragment with msgids the code no longer has is kept and reported), fills
every empty English msgstr with its msgid (English is complete: msgids are English), drops
obsolete entries, and lists the msgids still without French. Then `make translations`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"


def catalogue_path(locale: str, base: Path = TRANSLATIONS) -> Path:
    return base / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def save(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(message_id[0])  # type: ignore[index]


def merge_fragment(fr: Catalog, fragment: Catalog, name: str, report: list[str]) -> bool:
    """Copy the fragment's translations into `fr`; True when every entry found its msgid."""
    complete = True
    for message in fragment:
        if not message.id or not message.string:
            continue
        target = fr.get(message.id, message.context)
        if target is None:
            report.append(f"{name}: not in the catalogue (run make extract?): {_key(message.id)!r}")
            complete = False
            continue
        if target.string and target.string != message.string and not target.fuzzy:
            report.append(f"{name}: replaces the translation of {_key(message.id)!r}")
        target.string = message.string
        target.flags.discard("fuzzy")
    return complete


def fill_english(en: Catalog) -> int:
    """Empty English msgstr become their msgid (plural forms: singular, plural)."""
    filled = 0
    for message in en:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            if not any(message.string):
                message.string = tuple(message.id)
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    return filled


def missing(fr: Catalog) -> list[str]:
    """The msgids with no French (empty or fuzzy)."""
    gaps = []
    for message in fr:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.fuzzy or not all(strings):
            gaps.append(_key(message.id))
    return gaps


def run(base: Path = TRANSLATIONS, *, delete: bool = True) -> tuple[list[str], list[str]]:
    """Merge every fragment under `base`; return (the report, the msgids without French)."""
    fr_path, en_path = catalogue_path("fr", base), catalogue_path("en", base)
    fr, en = load(fr_path, "fr"), load(en_path, "en")
    report: list[str] = []
    for fragment_path in sorted((base / "fragments").glob("*.po")):
        complete = merge_fragment(fr, load(fragment_path, "fr"), fragment_path.name, report)
        if complete and delete:
            fragment_path.unlink()
            report.append(f"{fragment_path.name}: merged and deleted")
        elif not complete:
            report.append(f"{fragment_path.name}: kept (some msgids are not in the catalogue)")
    filled = fill_english(en)
    if filled:
        report.append(f"en: {filled} msgstr filled from their msgid")
    save(fr, fr_path)
    save(en, en_path)
    return report, missing(fr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if French is missing")
    parser.add_argument("--keep", action="store_true", help="do not delete merged fragments")
    args = parser.parse_args(argv)
    report, gaps = run(delete=not args.keep)
    for line in report:
        print(line)
    for msgid in gaps:
        print(f"missing French: {msgid!r}")
    print(f"{len(gaps)} msgid(s) without French")
    return 1 if gaps and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
