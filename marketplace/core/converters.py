"""Ids a person sends, in a path or a form: ASCII digits only and within a database integer."""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**63 - 1  # the largest BIGINT: anything above cannot name a row (and overflows drivers)
_ID_RE = re.compile(r"[0-9]{1,19}")


def parse_id(text: object) -> int | None:
    """Return the id `text` spells (ASCII digits, 1..2**63-1), else None; never raises."""
    if not isinstance(text, str) or not _ID_RE.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` refusing Unicode digits and values beyond 64 bits (the route answers 404)."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(super().to_python(value))
        if number > MAX_ID:
            raise ValidationError()
        return number


def install(app: Flask) -> None:
    """Replace the `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
