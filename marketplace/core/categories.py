"""The kinds of help a mission can ask for; their English names are catalogue msgids.

`CATEGORIES` is the seed the migration writes into the `categories` table; the table is
what the rules read (is it free help?). What a person reads is the catalogue's translation
of the English name (marketplace/translations), in the page's language.
"""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext
from wtforms.fields.choices import SelectChoice

from marketplace.core.db import db
from marketplace.core.i18n import current_locale
from marketplace.core.models import Category

FREE_HELP = "coup-de-main"

# slug: (the French name, the English name = the msgid of what pages show)
CATEGORIES: dict[str, tuple[str, str]] = {
    "bricolage": ("Bricolage", "Small DIY jobs"),
    "montage-meubles": ("Montage de meubles", "Furniture assembly"),
    "demenagement": ("Manutention / déménagement", "Moving and handling"),
    "garde-enfants": ("Garde d'enfants", "Childcare"),
    "garde-animaux": ("Garde d'animaux", "Pet-sitting"),
    "depannage": ("Dépannage", "Breakdown help"),
    "jardinage": ("Jardinage", "Gardening"),
    "menage": ("Ménage", "Cleaning"),
    "courses": ("Courses", "Errands"),
    "informatique": ("Informatique", "Computer help"),
    FREE_HELP: ("Coup de main (gratuit)", "Free help"),
}

# The msgids, spelled out so that extraction finds them (gettext of a variable is invisible).
_NAMES = {
    "bricolage": lazy_gettext("Small DIY jobs"),
    "montage-meubles": lazy_gettext("Furniture assembly"),
    "demenagement": lazy_gettext("Moving and handling"),
    "garde-enfants": lazy_gettext("Childcare"),
    "garde-animaux": lazy_gettext("Pet-sitting"),
    "depannage": lazy_gettext("Breakdown help"),
    "jardinage": lazy_gettext("Gardening"),
    "menage": lazy_gettext("Cleaning"),
    "courses": lazy_gettext("Errands"),
    "informatique": lazy_gettext("Computer help"),
    FREE_HELP: lazy_gettext("Free help"),
}


def get_category(slug: str) -> Category | None:
    return db.session.get(Category, slug)


def is_free_category(slug: str) -> bool:
    category = get_category(slug)
    return category is not None and category.is_free


def category_choices() -> list[SelectChoice]:
    """Form choices, labelled lazily: each page shows them in its own language."""
    return [SelectChoice(slug, _NAMES[slug]) for slug in CATEGORIES]


def category_name(slug: str) -> str:
    """The category's name in the current language (the slug itself if unknown)."""
    return _name_text(slug, current_locale()) if slug in _NAMES else slug


@functools.lru_cache(maxsize=256)
def _name_text(slug: str, locale: str) -> str:
    """Once per (category, language) per process: lists repeat a handful of categories."""
    return str(_NAMES[slug])
