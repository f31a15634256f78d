"""Search objects that exist only in the migration (one dialect each), unmapped on purpose."""

from __future__ import annotations

FTS_TABLE = "ban_addresses_fts"
TRGM_INDEX = "ix_ban_addresses_search_trgm"


def is_unmapped(type_: str, name: str | None) -> bool:
    """Alembic / schema-drift hook: the FTS5 table (and its shadow tables), the GIN index."""
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return True
    return type_ == "index" and name == TRGM_INDEX
