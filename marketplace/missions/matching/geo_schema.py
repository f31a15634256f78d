"""PostGIS objects that live only on PostgreSQL and are not mapped (see missions/geo).

Alembic's autogenerate and the schema-drift test skip them.
"""

from __future__ import annotations

from marketplace.places.schema import is_unmapped

UNMAPPED = frozenset({
    ("table", "spatial_ref_sys"), ("column", "geom"), ("index", "ix_missions_geom"),
    ("index", "ix_helper_profiles_area"), ("index", "ix_helper_profiles_geom"),
    ("index", "ix_missions_category_status_geom"), ("index", "ix_missions_open_geom"),
})


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Alembic hook: compare everything but the PostGIS-only objects."""
    return (type_, name) not in UNMAPPED and not is_unmapped(type_, name)
