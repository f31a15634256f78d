"""Opaque cursors: the position after the last item of a page, signed so nobody forges one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from marketplace.api.problems import ApiProblem


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def encode(position: Any) -> str:
    return str(_serializer().dumps(position))


def decode(cursor: str | None) -> Any:
    """The position a cursor names (None for the first page); a bad cursor is 422."""
    if not cursor:
        return None
    try:
        return _serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeError):
        raise ApiProblem(422, "invalid_cursor", _("This cursor is not one we gave."),
                         errors={"cursor": [_("Invalid cursor.")]}) from None


def not_ours() -> ApiProblem:
    """The 422 for a cursor that is signed but does not name a position of this list."""
    return ApiProblem(422, "invalid_cursor", _("This cursor is not one we gave."))


def decode_id(cursor: str | None) -> int | None:
    """A cursor naming a row id (None for the first page); anything else is 422."""
    before = decode(cursor)
    if before is not None and not isinstance(before, int):
        raise not_ours()
    return before
