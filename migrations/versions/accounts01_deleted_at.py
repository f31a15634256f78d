"""users.deleted_at: an account its owner deleted stays as a pseudonymised row

Revision ID: accounts01_deleted_at
Revises: places01_addresses (confirm01 when written; re-chained after merging main)
Create Date: 2026-12-01 12:00:00

The row is kept (payments, payouts and the ledger refer to it for the legal retention of
accounting records) but its personal data is erased when `deleted_at` is set.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.core.models  # noqa: F401  (custom column types)

revision = 'accounts01_deleted_at'
down_revision = 'api02_push_channel'  # re-chained at merge (after the API's tables)
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('deleted_at',
                                   marketplace.core.models.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('deleted_at')
