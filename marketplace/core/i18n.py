"""Which language a page speaks, and the Babel wiring that makes `_()` work everywhere.

French is our users' language and the default; English is complete too. The choice comes
from the signed-in person's setting, else the visitor's switch (kept in the session), else
the browser's `Accept-Language`, else French. Times are shown in Europe/Paris.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

LOCALES: tuple[str, ...] = ("fr", "en")
DEFAULT_LOCALE = "fr"
TIMEZONE = "Europe/Paris"
SESSION_KEY = "locale"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def select_locale() -> str:
    """The person's setting, else the visitor's switch, else the browser's, else French."""
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen in LOCALES:
        return str(chosen)
    remembered = session.get(SESSION_KEY)
    if remembered in LOCALES:
        return str(remembered)
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def current_locale() -> str:
    """'fr' or 'en' for the page being rendered ('fr' outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["LOCALES"] = LOCALES
