"""commission_lines and commission_days: the operators' commission report's books

Revision ID: perf01
Revises: places01_addresses
Create Date: 2026-12-01 12:10:00

One line per captured payment with what the platform earned on it, and a daily rollup by
category, channel and booking operator; both are maintained in the same transaction as the
ledger lines (marketplace/payments/commission_book.py) and checked by the daily ledger
check. The upgrade fills them from the ledger already there.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.core.models  # noqa: F401  (custom column types)
from marketplace.payments import commission_book

revision = 'perf01'
down_revision = 'hotline02_tips'  # re-chained at merge
branch_labels = None
depends_on = None

SUMS = ('charged_cents', 'commission_cents', 'service_fee_cents', 'refunds_cents',
        'stripe_fee_cents')


def upgrade():
    op.create_table(
        'commission_lines',
        sa.Column('payment_id', sa.Integer(), sa.ForeignKey(
            'payments.id', name='fk_commission_lines_payment_id_payments'), nullable=False),
        sa.Column('mission_id', sa.Integer(), sa.ForeignKey(
            'missions.id', name='fk_commission_lines_mission_id_missions'), nullable=False),
        sa.Column('captured_at', marketplace.core.models.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('category', sa.String(40), nullable=False),
        sa.Column('channel', sa.String(20), nullable=False),
        sa.Column('booked_by_id', sa.Integer(), nullable=True),
        sa.Column('helper_id', sa.Integer(), nullable=True),
        sa.Column('currency', sa.String(3), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in SUMS],
        sa.PrimaryKeyConstraint('payment_id', name='pk_commission_lines'),
    )
    op.create_index('ix_commission_lines_mission_id', 'commission_lines', ['mission_id'])
    op.create_index('ix_commission_lines_captured', 'commission_lines',
                    ['captured_at', 'payment_id'])
    op.create_index('ix_commission_lines_helper', 'commission_lines',
                    ['helper_id', 'captured_at', 'payment_id'])
    op.create_index('ix_commission_lines_operator', 'commission_lines',
                    ['booked_by_id', 'captured_at', 'payment_id'])
    op.create_table(
        'commission_days',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(3), nullable=False),
        sa.Column('category', sa.String(40), nullable=False),
        sa.Column('channel', sa.String(20), nullable=False),
        sa.Column('booked_by_id', sa.Integer(), nullable=False),
        sa.Column('missions', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in SUMS],
        sa.PrimaryKeyConstraint('day', 'currency', 'category', 'channel', 'booked_by_id',
                                name='pk_commission_days'),
    )
    commission_book.rebuild(op.get_bind())


def downgrade():
    op.drop_table('commission_days')
    op.drop_table('commission_lines')
