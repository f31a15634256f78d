"""Which language a page speaks, and the Babel wiring that makes `_()` work everywhere.

French is our users' language and the default; English is complete too. The choice comes
from the signed-in person's setting, else the visitor's switch (kept in the session), else
the browser's `Accept-Language`, else French. Times are shown in Europe/Paris. Outside a
request (workers, the CLI) the language is French unless `force_locale` says otherwise, as
notifications do with their recipient's language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from babel import numbers
from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, format_decimal, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

LOCALES: tuple[str, ...] = ("fr", "en")
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français", "en": "English"}  # each in itself
DEFAULT_LOCALE = "fr"
TIMEZONE = "Europe/Paris"
SESSION_KEY = "locale"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def select_locale() -> str:
    """The person's setting, else the visitor's switch, else the browser's, else French."""
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen in LOCALES:
        return str(chosen)
    remembered = session.get(SESSION_KEY)
    if remembered in LOCALES:
        return str(remembered)
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def current_locale() -> str:
    """'fr' or 'en' for the page being rendered ('fr' outside a request).

    Every filter of a list row asks (a price, a date, a label: ~10 a row), and
    `get_locale()` walks three context proxies each time; the locale it settled on is kept
    in Flask-Babel's namespace on `g` (`force_locale` swaps it there too), so that is read
    first, and `get_locale()` only when it is not there yet."""
    space = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(space, "babel_locale", None) or get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def N_(msgid: str) -> str:
    """Mark an English sentence stored in a row (a hold reason, a card failure) for the
    catalogue; pages translate it when they show it (`stored` filter)."""
    return msgid


def translate_stored(text: object) -> str:
    """A stored sentence in the page's language when the catalogue has it, else as stored."""
    return str(gettext(str(text))) if text else ""


def format_money(amount_cents: int, currency: str = "eur") -> str:
    """Cents as the page's language writes them: '1 234,56 €' in French, '€1,234.56' in English."""
    return _money(amount_cents, currency.upper(), current_locale())


def money_formatter() -> Callable[[int, str], str]:
    """format_money with the page's language read once: a list of 50 rows formats 350
    amounts, and reading the language costs as much as a cached amount."""
    locale = current_locale()

    def money(amount_cents: int, currency: str = "eur") -> str:
        return _money(amount_cents, currency.upper(), locale)

    return money


@functools.lru_cache(maxsize=16384)
def _money(amount_cents: int, currency: str, locale: str) -> str:
    """Babel's formatting costs ~30 us; pages repeat the same prices (a list of 50 missions
    formats 200 amounts), so each (amount, currency, locale) is formatted once per process."""
    return str(numbers.format_currency(Decimal(amount_cents).scaleb(-2), currency,
                                       locale=locale))


def format_number(value: float | Decimal | int, places: int = 1) -> str:
    """A decimal number in the page's language ('2,5' in French, '2.5' in English)."""
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return str(format_decimal(value, format=pattern))


@functools.lru_cache(maxsize=8192)
def _catalogue(msgid: str, language: str) -> str:
    """A msgid in `language`, from the catalogue of the context that first asks (its locale
    is `language`: the key is read from the same place). The catalogues are compiled before
    the app starts and do not change while it runs."""
    return str(get_translations().ugettext(msgid))


def translate(msgid: str, **variables: object) -> str:
    """gettext with each (msgid, language) looked up once per process (page_gettext), then
    filled with `variables`; outside an app there is no catalogue, so the msgid itself."""
    text = page_gettext(msgid) if has_app_context() else msgid
    return text % variables if variables else text


def lazy_gettext(msgid: str, **variables: object) -> LazyString:
    """Flask-Babel's lazy_gettext (a string translated when it is shown, in the language of
    that moment) at a dictionary look-up's cost: a form's labels and choices are translated
    on every render, ~40 of them on a filter form."""
    return LazyString(translate, msgid, **variables)


def page_gettext(msgid: str) -> str:
    """Templates' `_()`: Flask-Babel's looks up the domain and the translations through the
    context for every call (~12 us); a table of 50 rows with a translated label on each of
    its 11 cells made 550 of them. Each (msgid, language) is looked up once per process."""
    return _catalogue(msgid, current_locale())


def install(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=page_gettext, newstyle=True,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["LOCALES"] = LOCALES
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
