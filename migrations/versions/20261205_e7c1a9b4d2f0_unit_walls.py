"""Unit walls: each org unit's private "you said, we did" link, and the frontline's
anonymous "Fixed for us?" answers (once per device and item).

New tables only: no unit had a wall before, so both start empty.

Revision ID: e7c1a9b4d2f0
Revises: f3b9d1e7a2c4
Create Date: 2026-12-05 05:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7c1a9b4d2f0'
down_revision = 'f3b9d1e7a2c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_walls',
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_unit_walls_org_unit_id_org_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('org_unit_id', name=op.f('pk_unit_walls')),
        sa.UniqueConstraint('token', name=op.f('uq_unit_walls_token')),
    )
    op.create_table(
        'wall_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('observation_id', sa.Integer(), nullable=False),
        sa.Column('device', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.Enum('yes', 'not_yet', name='fixed_for_us', native_enum=False, length=20, create_constraint=True), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['observation_id'], ['observations.id'], name=op.f('fk_wall_answers_observation_id_observations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wall_answers')),
        sa.UniqueConstraint('observation_id', 'device', name=op.f('uq_wall_answers_observation_id')),
    )
    with op.batch_alter_table('wall_answers', schema=None) as batch_op:
        batch_op.create_index('ix_wall_answers_address_answered_at', ['address', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_wall_answers_observation_id'), ['observation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('wall_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wall_answers_observation_id'))
        batch_op.drop_index('ix_wall_answers_address_answered_at')
    op.drop_table('wall_answers')
    op.drop_table('unit_walls')
