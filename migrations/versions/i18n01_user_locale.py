"""users.locale: the language a person chose (None: follow the browser)

Revision ID: i18n01_user_locale
Revises: confirm01
Create Date: 2026-12-01 12:10:00

Pages and notifications read it (marketplace/core/i18n.py). The language chosen so far in
the notification settings is copied into it, so nobody's notifications change language.
"""
import sqlalchemy as sa
from alembic import op

revision = 'i18n01_user_locale'
down_revision = 'confirm01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=2), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('locale', sa.String(2)))
    settings = sa.table('notification_settings', sa.column('user_id', sa.Integer),
                        sa.column('locale', sa.String(2)))
    chosen = (sa.select(settings.c.locale).where(settings.c.user_id == users.c.id)
              .scalar_subquery())
    op.execute(users.update().where(
        sa.exists().where(settings.c.user_id == users.c.id,
                          settings.c.locale.in_(('fr', 'en')))).values(locale=chosen))


def downgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locale')
