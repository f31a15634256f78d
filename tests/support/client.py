"""A test client whose requests get their own app context, as real requests do.

Flask reuses an already-pushed app context for a request, so `g` (the signed-in user,
the CSRF token) would leak between clients of a test that holds a context open.
"""

from __future__ import annotations

import contextvars
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class IsolatedClient(FlaskClient):
    """Speaks English unless a test sets `Accept-Language` (French-first tests do): most
    assertions read the English wording; tests/i18n checks the French one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # a streamed body (stream_with_context) is read inside the Context it started in
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)
