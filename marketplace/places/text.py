"""One normalisation for every address comparison: no accents, no case, no punctuation."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """'10, Rue de l'Église' -> '10 rue de l eglise'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", ascii_only).strip()


def tokens(text: str) -> list[str]:
    return [t for t in normalise(text).split() if t]
