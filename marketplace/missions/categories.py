"""The kinds of help a mission can ask for, with their French and English names."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice

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
}


def category_choices() -> list[SelectChoice]:
    """Form choices, labelled in both languages."""
    return [SelectChoice(slug, f"{fr} — {en}") for slug, (fr, en) in CATEGORIES.items()]


def category_label(slug: str) -> str:
    fr, en = CATEGORIES.get(slug, (slug, slug))
    return f"{fr} ({en})"
