"""users.session_version: signing out ends every copy of a session

Revision ID: sessions01
Revises: waves01
Create Date: 2026-12-01 10:00:00

Session and remember-me cookies carry `<user id>:<session_version>`; bumping the version
(sign-out, sign-out everywhere, new password, suspension) invalidates every cookie issued
before it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'sessions01'
down_revision = 'waves01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                   nullable=False))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('session_version')
