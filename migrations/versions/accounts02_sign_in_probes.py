"""sign_in_probes: the lockout's counters for emails no account uses

Revision ID: accounts02_sign_in_probes
Revises: perf01
Create Date: 2026-12-01 15:20:00

Wrong passwords typed for an unknown email are counted like an account's own, so that the
"locked" answer does not reveal which addresses have an account. Rows hold a keyed digest of
the email, never the address, and are deleted once their window and cool-down have passed.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.core.models  # noqa: F401  (custom column types)

revision = 'accounts02_sign_in_probes'
down_revision = 'perf01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_probes',
        sa.Column('email_digest', sa.String(length=64), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('failed_logins_since', marketplace.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('locked_until', marketplace.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('expires_at', marketplace.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('email_digest', name=op.f('pk_sign_in_probes')),
    )
    op.create_index(op.f('ix_sign_in_probes_expires_at'), 'sign_in_probes', ['expires_at'])


def downgrade():
    op.drop_index(op.f('ix_sign_in_probes_expires_at'), table_name='sign_in_probes')
    op.drop_table('sign_in_probes')
