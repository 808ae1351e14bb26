"""A session per device: device_sessions replaces the person's one session token.

Each person's old token becomes one session, kept as a remembered one, so that nobody is
signed out by the upgrade (the cookies of before name "<person id>:<token>", and the table
keeps the token's SHA-256). Signing out on any device of before ends that one session, as it
did; new sign-ins each get their own.

Revision ID: a4c9e2f7d613
Revises: f3b9c1d7e2a5
Create Date: 2026-12-05 04:20:00

"""
import hashlib
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c9e2f7d613'
down_revision = 'f3b9c1d7e2a5'
branch_labels = None
depends_on = None

EARLIER = "Signed in before the upgrade"


def upgrade():
    op.create_table(
        'device_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('secret_hash', sa.String(length=64), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('browser', sa.String(length=60), nullable=False),
        sa.Column('system', sa.String(length=60), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_device_sessions_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_device_sessions')),
        sa.UniqueConstraint('secret_hash', name=op.f('uq_device_sessions_secret_hash')),
    )
    with op.batch_alter_table('device_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_sessions_person_id'), ['person_id'], unique=False)

    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    if bind.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)  # as the app stores times there: naive UTC
    people = bind.execute(
        sa.text("SELECT id, session_token FROM people WHERE active = :yes"), {"yes": True}
    ).all()
    sessions = sa.table(
        'device_sessions',
        sa.column('person_id', sa.Integer()),
        sa.column('secret_hash', sa.String()),
        sa.column('remember', sa.Boolean()),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('last_seen_at', sa.DateTime(timezone=True)),
        sa.column('browser', sa.String()),
        sa.column('system', sa.String()),
        sa.column('address', sa.String()),
    )
    rows = [
        {
            'person_id': person_id,
            'secret_hash': hashlib.sha256(token.encode()).hexdigest(),
            'remember': True,
            'created_at': now,
            'last_seen_at': now,
            'browser': EARLIER,
            'system': '',
            'address': None,
        }
        for person_id, token in people
        if token
    ]
    if rows:
        op.bulk_insert(sessions, rows)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    # A token for each person again: every session of now ends (there is no way back to them).
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    for (person_id,) in bind.execute(sa.text("SELECT id FROM people")).all():
        bind.execute(
            sa.text("UPDATE people SET session_token = :token WHERE id = :id"),
            {"token": secrets.token_urlsafe(24), "id": person_id},
        )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('device_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_sessions_person_id'))
    op.drop_table('device_sessions')
