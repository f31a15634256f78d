"""Where a hosted page (Stripe Checkout, onboarding) may send the person back: the app's
deep links and pages in API_RETURN_URL_ALLOWLIST, nothing else (no open redirect)."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _

from marketplace.api.problems import ApiProblem

_VISIBLE = re.compile(r"[\x21-\x7e]{1,500}")


def allowed(url: str) -> bool:
    """True when `url` starts with an allowed prefix ending in '/' or ':' (so that
    'https://app.example/' never admits 'https://app.example.evil/')."""
    if not _VISIBLE.fullmatch(url):
        return False
    prefixes = current_app.config.get("API_RETURN_URL_ALLOWLIST") or []
    return any(p.endswith(("/", ":")) and url.startswith(p) for p in prefixes)


def checked(url: str, field: str = "return_url") -> str:
    if not allowed(url):
        raise ApiProblem(422, "return_url_not_allowed",
                         _("This return URL is not one of the app's."),
                         errors={field: [_("Not an allowed return URL.")]})
    return url
