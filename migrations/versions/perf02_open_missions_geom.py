"""a GiST index on the position of open missions only, for "missions near me"

Revision ID: perf02_open_missions_geom
Revises: gbcb01_group_bank_disputes
Create Date: 2026-12-01 19:10:00

"Missions near me" searches open missions matching any of a helper's skills. The index on
(category, status, geom) cannot use a list of categories as an index condition, so with
two skills or more the nearest-first scan walked every category's entries (4 ms at 1M
missions, dense Paris). Open missions are a small share of all missions once a platform
has history; a partial index of their positions answers that search in about 1 ms, and the
single-skill search keeps the composite index. PostgreSQL only (SQLite has no geometry).
"""
from alembic import op

revision = 'perf02_open_missions_geom'
down_revision = 'gbcb01_group_bank_disputes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_missions_open_geom ON missions USING gist (geom)"
                   " WHERE status = 'open'")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_missions_open_geom")
