"""matching: categories, availability, matching state, PostGIS geometry

Revision ID: matching01
Revises: notify02
Create Date: 2026-11-28 07:30:00

PostgreSQL requires PostGIS: `geom` columns (SRID from GEO_SRID, default 2154 Lambert-93)
are filled by a trigger from lat/lng and indexed with GiST; they exist only there, so the
ORM never maps them. `haversine_km` is a SQL function on PostgreSQL; on SQLite the app
registers the same function on every connection (missions/geo).
"""
import os

import sqlalchemy as sa
from alembic import op

revision = 'matching01'
down_revision = 'notify02'
branch_labels = None
depends_on = None

CATEGORIES = [
    ("bricolage", "Bricolage", "Small DIY jobs", False),
    ("montage-meubles", "Montage de meubles", "Furniture assembly", False),
    ("demenagement", "Manutention / déménagement", "Moving and handling", False),
    ("garde-enfants", "Garde d'enfants", "Childcare", False),
    ("garde-animaux", "Garde d'animaux", "Pet-sitting", False),
    ("depannage", "Dépannage", "Breakdown help", False),
    ("jardinage", "Jardinage", "Gardening", False),
    ("menage", "Ménage", "Cleaning", False),
    ("courses", "Courses", "Errands", False),
    ("informatique", "Informatique", "Computer help", False),
    ("coup-de-main", "Coup de main (gratuit)", "Free help", True),
]

HAVERSINE = """
CREATE OR REPLACE FUNCTION haversine_km(lat1 float8, lng1 float8, lat2 float8, lng2 float8)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 2 * 6371.0088 * asin(least(1.0, sqrt(
    power(sin((radians(lat2) - radians(lat1)) / 2), 2)
    + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lng2 - lng1) / 2), 2))))
$$"""

SET_GEOM = """
CREATE OR REPLACE FUNCTION entraide_set_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.geom := ST_Transform(ST_SetSRID(ST_MakePoint(NEW.lng, NEW.lat), 4326), {srid});
  RETURN NEW;
END $$"""


def upgrade():
    categories = op.create_table(
        'categories',
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('name_fr', sa.String(length=80), nullable=False),
        sa.Column('name_en', sa.String(length=80), nullable=False),
        sa.Column('is_free', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_categories')))
    op.bulk_insert(categories, [
        {"slug": s, "name_fr": fr, "name_en": en, "is_free": free, "position": i}
        for i, (s, fr, en, free) in enumerate(CATEGORIES)])
    op.create_table(
        'helper_availability_slots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('helper_profile_id', sa.Integer(), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('start_minute', sa.Integer(), nullable=False),
        sa.Column('end_minute', sa.Integer(), nullable=False),
        sa.CheckConstraint('start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440',
                           name=op.f('ck_helper_availability_slots_minute_range')),
        sa.CheckConstraint('weekday BETWEEN 0 AND 6',
                           name=op.f('ck_helper_availability_slots_weekday_range')),
        sa.ForeignKeyConstraint(['helper_profile_id'], ['helper_profiles.id'],
                                name=op.f('fk_helper_availability_slots_helper_profile_id_helper_profiles')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_availability_slots')))
    op.create_index(op.f('ix_helper_availability_slots_helper_profile_id'),
                    'helper_availability_slots', ['helper_profile_id'], unique=False)
    op.create_table(
        'helper_time_off',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('helper_profile_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_helper_time_off_period_order')),
        sa.ForeignKeyConstraint(['helper_profile_id'], ['helper_profiles.id'],
                                name=op.f('fk_helper_time_off_helper_profile_id_helper_profiles')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_helper_time_off')))
    op.create_index(op.f('ix_helper_time_off_helper_profile_id'), 'helper_time_off',
                    ['helper_profile_id'], unique=False)
    _matching_tables()
    _conversation_tables()
    op.create_index('ix_helper_profiles_lat_lng', 'helper_profiles', ['lat', 'lng'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        _postgis()


def _matching_tables():
    op.create_table(
        'mission_matching',
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('mode', sa.Enum('choose', 'instant', 'operator', name='matchingmode',
                                  native_enum=False, length=20, create_constraint=True),
                  nullable=False),
        sa.Column('wave', sa.Integer(), nullable=False),
        sa.Column('next_wave_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalation_reason', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_mission_matching_mission_id_missions')),
        sa.PrimaryKeyConstraint('mission_id', name=op.f('pk_mission_matching')))
    op.create_index('ix_mission_matching_due', 'mission_matching', ['next_wave_at'], unique=False)
    op.create_index(op.f('ix_mission_matching_escalated_at'), 'mission_matching',
                    ['escalated_at'], unique=False)
    op.create_table(
        'mission_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('helper_id', sa.Integer(), nullable=False),
        sa.Column('wave', sa.Integer(), nullable=False),
        sa.Column('distance_km', sa.Double(), nullable=False),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message', sa.String(length=1000), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['helper_id'], ['users.id'],
                                name=op.f('fk_mission_offers_helper_id_users')),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_mission_offers_mission_id_missions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mission_offers')),
        sa.UniqueConstraint('mission_id', 'helper_id', name='uq_mission_offer'))
    op.create_index(op.f('ix_mission_offers_helper_id'), 'mission_offers', ['helper_id'])
    op.create_index(op.f('ix_mission_offers_mission_id'), 'mission_offers', ['mission_id'])


def _conversation_tables():
    op.create_table(
        'mission_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('as_operator', sa.Boolean(), nullable=False),
        sa.Column('body', sa.String(length=2000), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_mission_messages_author_id_users')),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_mission_messages_mission_id_missions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mission_messages')))
    op.create_index(op.f('ix_mission_messages_mission_id'), 'mission_messages', ['mission_id'])
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('stars', sa.Integer(), nullable=False),
        sa.Column('comment', sa.String(length=2000), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.Column('hidden_note', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('stars BETWEEN 1 AND 5', name=op.f('ck_reviews_stars_range')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_reviews_author_id_users')),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'],
                                name=op.f('fk_reviews_hidden_by_id_users')),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_reviews_mission_id_missions')),
        sa.ForeignKeyConstraint(['subject_id'], ['users.id'],
                                name=op.f('fk_reviews_subject_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
        sa.UniqueConstraint('mission_id', 'author_id', name='uq_review_once'))
    op.create_index(op.f('ix_reviews_mission_id'), 'reviews', ['mission_id'])
    op.create_index(op.f('ix_reviews_subject_id'), 'reviews', ['subject_id'])
    op.create_table(
        'call_logs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('operator_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=2000), nullable=False),
        sa.Column('follow_up', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id'],
                                name=op.f('fk_call_logs_mission_id_missions')),
        sa.ForeignKeyConstraint(['operator_id'], ['users.id'],
                                name=op.f('fk_call_logs_operator_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_logs')))
    op.create_index(op.f('ix_call_logs_mission_id'), 'call_logs', ['mission_id'])


def _postgis():
    srid = int(os.environ.get("GEO_SRID") or 2154)
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")  # contrib, shipped with PostgreSQL
    op.execute(HAVERSINE)
    op.execute(SET_GEOM.format(srid=srid))
    for table in ("missions", "helper_profiles"):
        op.execute(f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, {srid})")
        op.execute(f"UPDATE {table} SET geom = ST_Transform("
                   f"ST_SetSRID(ST_MakePoint(lng, lat), 4326), {srid})")
        op.execute(f"CREATE TRIGGER trg_{table}_geom BEFORE INSERT OR UPDATE OF lat, lng "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION entraide_set_geom()")
    op.execute("CREATE INDEX ix_missions_geom ON missions USING gist (geom)")
    # the usual search (one skill, open missions) prunes inside the index, not on the heap
    op.execute("CREATE INDEX ix_missions_category_status_geom ON missions "
               "USING gist (category, status, geom)")
    op.execute("CREATE INDEX ix_helper_profiles_geom ON helper_profiles USING gist (geom)")
    op.execute("CREATE INDEX ix_helper_profiles_area ON helper_profiles "
               "USING gist (ST_Expand(geom, radius_km * 1010.0))")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in ("missions", "helper_profiles"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_geom ON {table}")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom")
        op.execute("DROP FUNCTION IF EXISTS entraide_set_geom()")
        op.execute("DROP FUNCTION IF EXISTS haversine_km(float8, float8, float8, float8)")
    op.drop_index('ix_helper_profiles_lat_lng', table_name='helper_profiles')
    op.drop_table('call_logs')
    op.drop_table('reviews')
    op.drop_table('mission_messages')
    op.drop_table('mission_offers')
    op.drop_table('mission_matching')
    op.drop_table('helper_time_off')
    op.drop_table('helper_availability_slots')
    op.drop_table('categories')
