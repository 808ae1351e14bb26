"""Corrections of done walks and their observations, each keeping what it replaced.

A new table only: nothing was ever corrected before, so it starts empty.

Revision ID: d8a2f4c6b1e7
Revises: b3f7c2d9e1a4
Create Date: 2026-12-05 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a2f4c6b1e7'
down_revision = 'b3f7c2d9e1a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('walk_id', sa.Integer(), nullable=False),
        sa.Column('observation_uuid', sa.Uuid(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['people.id'], name=op.f('fk_corrections_changed_by_id_people')),
        sa.ForeignKeyConstraint(['walk_id'], ['walks.id'], name=op.f('fk_corrections_walk_id_walks'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')),
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_walk_id'), ['walk_id'], unique=False)


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_walk_id'))
    op.drop_table('corrections')
