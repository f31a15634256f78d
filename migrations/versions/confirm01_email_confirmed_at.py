"""users.email_confirmed_at: a sign-up is confirmed through a link emailed to its owner

Revision ID: confirm01
Revises: webhook02
Create Date: 2026-12-01 11:00:00

NULL until the owner follows the signed link sent at sign-up; an unconfirmed account cannot
sign in (marketplace/accounts/confirmation.py). Every account that exists already counts as
confirmed: the upgrade stamps them with the time of the migration.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import marketplace.core.models  # noqa: F401  (custom column types)

revision = 'confirm01'
down_revision = 'webhook02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email_confirmed_at',
                                   marketplace.core.models.UTCDateTime(timezone=True),
                                   nullable=True))
    users = sa.table('users', sa.column('email_confirmed_at',
                                        marketplace.core.models.UTCDateTime(timezone=True)))
    op.execute(users.update().where(users.c.email_confirmed_at.is_(None))
               .values(email_confirmed_at=datetime.now(UTC)))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email_confirmed_at')
