"""API tables: bearer tokens, idempotency keys, push devices

Revision ID: api01_tokens
Revises: places01_addresses (written on confirm01; re-chained after merging main)
Create Date: 2026-12-01 12:05:00
"""
import sqlalchemy as sa
from alembic import op

import marketplace.core.models

revision = 'api01_tokens'
down_revision = 'places01_addresses'
branch_labels = None
depends_on = None

UTC = marketplace.core.models.UTCDateTime


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('family', sa.String(length=32), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('expires_at', UTC(timezone=True), nullable=False),
        sa.Column('used_at', UTC(timezone=True), nullable=True),
        sa.Column('revoked_at', UTC(timezone=True), nullable=True),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'])
    op.create_index(op.f('ix_api_tokens_family'), 'api_tokens', ['family'])
    op.create_table(
        'api_idempotency_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('content_type', sa.String(length=100), nullable=True),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_idempotency_keys_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_keys')),
        sa.UniqueConstraint('user_id', 'key', name='uq_api_idempotency_user_key'),
    )
    op.create_index('ix_api_idempotency_created', 'api_idempotency_keys', ['created_at'])
    op.create_table(
        'api_push_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('platform', sa.String(length=10), nullable=False),
        sa.Column('token', sa.String(length=4096), nullable=False),
        sa.Column('last_seen_at', UTC(timezone=True), nullable=False),
        sa.Column('created_at', UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_push_devices_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_push_devices')),
        sa.UniqueConstraint('platform', 'token', name='uq_api_push_device'),
    )
    op.create_index(op.f('ix_api_push_devices_user_id'), 'api_push_devices', ['user_id'])


def downgrade():
    op.drop_table('api_push_devices')
    op.drop_table('api_idempotency_keys')
    op.drop_table('api_tokens')
