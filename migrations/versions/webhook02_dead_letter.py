"""webhook events dead-lettered after repeated handler failures

Revision ID: webhook02
Revises: sessions01
Create Date: 2026-12-01 10:00:00

`stripe_events.dead_lettered_at` is set when an event's handler failed for good (a permanent
error MAX_ATTEMPTS times): the sweeper no longer re-queues it and operators see it in their
queues. NULL for every event stored so far.
"""
import sqlalchemy as sa
from alembic import op

revision = 'webhook02'
down_revision = 'sessions01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stripe_events') as batch:
        batch.add_column(sa.Column('dead_lettered_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('stripe_events') as batch:
        batch.drop_column('dead_lettered_at')
