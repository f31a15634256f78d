"""users.session_version: signing out ends every copy of a session; sign-in lockout counters

Revision ID: sessions01
Revises: waves01
Create Date: 2026-12-01 10:00:00

Session and remember-me cookies carry `<user id>:<session_version>`; bumping the version
(sign-out, sign-out everywhere, new password, suspension) invalidates every cookie issued
before it. `failed_logins` since `failed_logins_since` lock the account until
`locked_until` after too many wrong passwords (marketplace/accounts/lockout.py).
"""
import sqlalchemy as sa
from alembic import op

import marketplace.core.models  # noqa: F401  (custom column types)

revision = 'sessions01'
down_revision = 'waves01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('failed_logins_since',
                                   marketplace.core.models.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('locked_until',
                                   marketplace.core.models.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins_since')
        batch.drop_column('failed_logins')
        batch.drop_column('session_version')
