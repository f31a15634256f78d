"""notification deliveries may go out by push (the API's registered phones)

Revision ID: api02_push_channel
Revises: api01_tokens
Create Date: 2026-12-01 12:45:00
"""
from alembic import op

revision = 'api02_push_channel'
down_revision = 'api01_tokens'
branch_labels = None
depends_on = None

TABLE, NAME = 'notification_deliveries', 'ck_notification_deliveries_channel'


def _channels(values: list[str]) -> None:
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_="check")
        batch_op.create_check_constraint(op.f(NAME), f"channel IN ({listed})")


def upgrade():
    _channels(['email', 'sms', 'push'])


def downgrade():
    op.execute(f"DELETE FROM {TABLE} WHERE channel = 'push'")  # noqa: S608 (our names)
    _channels(['email', 'sms'])
