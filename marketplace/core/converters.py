"""Ids a person sends, in a path or a form: ASCII digits only and within the id column's range.

Our primary keys are INTEGER: 32 bits on PostgreSQL (a larger value is a DataError there) and
64 on SQLite (OverflowError in the driver). MAX_ID is the smaller, so an id above it names no
row on either; raise it with the columns if they ever become BIGINT.
"""

from __future__ import annotations

import re

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER
_ID_RE = re.compile(r"[0-9]{1,10}")


def parse_id(text: object) -> int | None:
    """Return the id `text` spells (ASCII digits, 1..MAX_ID), else None; never raises."""
    if not isinstance(text, str) or not _ID_RE.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<int:...>` refusing Unicode digits and ids beyond the column (the route answers 404)."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(super().to_python(value))
        if number > MAX_ID:
            raise ValidationError()
        return number


def install(app: Flask) -> None:
    """Replace the `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
