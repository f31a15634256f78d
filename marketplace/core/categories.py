"""The kinds of help a mission can ask for, with their French and English names.

`CATEGORIES` is the seed the migration writes into the `categories` table; the table is
what the rules read (is it free help?), so an operator-edited name needs no deploy.
"""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

from marketplace.core.db import db
from marketplace.core.models import Category

FREE_HELP = "coup-de-main"

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


def get_category(slug: str) -> Category | None:
    return db.session.get(Category, slug)


def is_free_category(slug: str) -> bool:
    category = get_category(slug)
    return category is not None and category.is_free


def category_choices() -> list[SelectChoice]:
    """Form choices, labelled in both languages."""
    return [SelectChoice(slug, f"{fr} — {en}") for slug, (fr, en) in CATEGORIES.items()]


def category_label(slug: str) -> str:
    fr, en = CATEGORIES.get(slug, (slug, slug))
    return f"{fr} ({en})"
