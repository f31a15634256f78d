"""instant waves gate accepts: how far the current wave reaches

Revision ID: waves01
Revises: receiv01
Create Date: 2026-11-28 09:50:00

`mission_matching.reach_km` is the radius of the instant mission's current wave: only
eligible helpers within it may see and accept the mission (NULL: not offered yet).
Missions already in a wave get the radius of that wave (MATCHING_WAVES_KM, default 3,6,10).
"""
import os

import sqlalchemy as sa
from alembic import op

revision = 'waves01'
down_revision = 'receiv01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mission_matching') as batch:
        batch.add_column(sa.Column('reach_km', sa.Double(), nullable=True))
    waves = [float(km) for km in (os.environ.get("MATCHING_WAVES_KM") or "3,6,10").split(",")]
    for wave, km in enumerate(waves, start=1):
        last = wave == len(waves)
        op.execute(sa.text(
            "UPDATE mission_matching SET reach_km = :km WHERE mode = 'instant' AND "
            + ("wave >= :wave" if last else "wave = :wave")).bindparams(km=km, wave=wave))


def downgrade():
    with op.batch_alter_table('mission_matching') as batch:
        batch.drop_column('reach_km')
