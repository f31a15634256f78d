"""A person's language: what pages and notifications speak to them."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import LOCALES
from marketplace.core.i18n import lazy_gettext as _l


def set_locale(user: User, locale: str | None) -> None:
    """Remember `locale` ('fr', 'en', or None: follow the browser) for `user`; commits."""
    if locale is not None and locale not in LOCALES:
        raise DomainError(_l("Unknown language."))
    user.locale = locale
    db.session.commit()
