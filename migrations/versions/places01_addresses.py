"""places: missions and helper homes keep their geocoded address; the imported BAN table

Revision ID: places01_addresses
Revises: i18n01_user_locale
Create Date: 2026-12-01 12:30:00

missions.address already held the typed text; it now holds the geocoder's label, beside
postcode, INSEE code (citycode) and commune. Helper profiles gain the same for their home.
Existing rows keep their coordinates and get NULLs: pages then show the commune nearest the
position (GeoNames) to others, and "position only" where no commune is near.

ban_addresses holds one row per BAN address (flask places import-ban). Its text search is
per dialect and unmapped: PostgreSQL gets pg_trgm and a GIN trigram index on search_text;
SQLite an FTS5 table over search_text kept in sync by triggers.
"""
import sqlalchemy as sa
from alembic import op

revision = 'places01_addresses'
down_revision = 'i18n01_user_locale'  # re-chained after merging main (was confirm01)
branch_labels = None
depends_on = None

FTS = "ban_addresses_fts"


def upgrade():
    for column in ('postcode', 'citycode'):
        op.add_column('missions', sa.Column(column, sa.String(length=5), nullable=True))
    op.add_column('missions', sa.Column('city', sa.String(length=100), nullable=True))
    op.add_column('helper_profiles', sa.Column('home_label', sa.String(length=255),
                                               nullable=True))
    for column in ('home_postcode', 'home_citycode'):
        op.add_column('helper_profiles', sa.Column(column, sa.String(length=5), nullable=True))
    op.add_column('helper_profiles', sa.Column('home_city', sa.String(length=100),
                                               nullable=True))
    op.create_table(
        'ban_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ban_id', sa.String(length=64), nullable=False),
        sa.Column('departement', sa.String(length=3), nullable=False),
        sa.Column('housenumber', sa.String(length=16), nullable=True),
        sa.Column('street', sa.String(length=200), nullable=False),
        sa.Column('postcode', sa.String(length=5), nullable=False),
        sa.Column('citycode', sa.String(length=5), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('label', sa.String(length=255), nullable=False),
        sa.Column('search_text', sa.String(length=255), nullable=False),
        sa.Column('lat', sa.Double(), nullable=False),
        sa.Column('lon', sa.Double(), nullable=False),
        sa.CheckConstraint('lat BETWEEN -90 AND 90', name=op.f('ck_ban_addresses_lat_range')),
        sa.CheckConstraint('lon BETWEEN -180 AND 180', name=op.f('ck_ban_addresses_lon_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ban_addresses')),
        sa.UniqueConstraint('ban_id', name=op.f('uq_ban_addresses_ban_id')),
    )
    op.create_index(op.f('ix_ban_addresses_departement'), 'ban_addresses', ['departement'])
    op.create_index('ix_ban_addresses_lat_lon', 'ban_addresses', ['lat', 'lon'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_ban_addresses_search_trgm ON ban_addresses "
                   "USING gin (search_text gin_trgm_ops)")
    else:
        _sqlite_fts()


def _sqlite_fts():
    op.execute(f"DROP TABLE IF EXISTS {FTS}")  # a schema reset drops mapped tables only
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, content='ban_addresses', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    op.execute(f"""CREATE TRIGGER ban_addresses_ai AFTER INSERT ON ban_addresses BEGIN
  INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
END""")
    op.execute(f"""CREATE TRIGGER ban_addresses_ad AFTER DELETE ON ban_addresses BEGIN
  INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END""")
    op.execute(f"""CREATE TRIGGER ban_addresses_au AFTER UPDATE ON ban_addresses BEGIN
  INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
  INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
END""")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index('ix_ban_addresses_lat_lon', table_name='ban_addresses')
    op.drop_index(op.f('ix_ban_addresses_departement'), table_name='ban_addresses')
    op.drop_table('ban_addresses')
    with op.batch_alter_table('helper_profiles') as batch:
        for column in ('home_city', 'home_citycode', 'home_postcode', 'home_label'):
            batch.drop_column(column)
    with op.batch_alter_table('missions') as batch:
        for column in ('city', 'citycode', 'postcode'):
            batch.drop_column(column)
