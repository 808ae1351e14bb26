"""Keep a tombstone for each record removed on the server (a series' later walks, with what was
on them), so that a phone sending one again is answered 410 and its UUID is never reused.

Nothing is backfilled: walks removed before this revision left no trace to rebuild from.

Revision ID: 63d7dd23b0c9
Revises: c5e8f1a2d3b4
Create Date: 2026-12-05 01:25:02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '63d7dd23b0c9'
down_revision = 'c5e8f1a2d3b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('removed_records',
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_removed_records_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_removed_records'))
    )
    with op.batch_alter_table('removed_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_records_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('removed_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_records_person_id'))
    op.drop_table('removed_records')
