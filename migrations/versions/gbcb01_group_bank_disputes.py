"""group_disputes: bank chargebacks on a group-purchase charge

Revision ID: gbcb01_group_bank_disputes
Revises: gb01_campaigns
Create Date: 2026-12-01 16:50:00

A bank dispute is a group_disputes row with the Stripe dispute id (unique: once per
dispute), the disputed payment, the bank's status, the amount withdrawn and the part the
seller bears; it has no participant who opened it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'gbcb01_group_bank_disputes'
down_revision = 'gb01_campaigns'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('group_disputes') as batch:
        batch.alter_column('opened_by_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('payment_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('stripe_dispute_id', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('bank_status', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('disputed_cents', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('seller_cents', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_group_disputes_payment_id_group_payments',
                                 'group_payments', ['payment_id'], ['id'])
        batch.create_unique_constraint('uq_group_disputes_stripe_dispute_id',
                                       ['stripe_dispute_id'])


def downgrade() -> None:
    with op.batch_alter_table('group_disputes') as batch:
        batch.drop_constraint('uq_group_disputes_stripe_dispute_id', type_='unique')
        batch.drop_constraint('fk_group_disputes_payment_id_group_payments',
                              type_='foreignkey')
        for column in ('seller_cents', 'disputed_cents', 'bank_status', 'stripe_dispute_id',
                       'payment_id'):
            batch.drop_column(column)
        batch.alter_column('opened_by_id', existing_type=sa.Integer(), nullable=False)
