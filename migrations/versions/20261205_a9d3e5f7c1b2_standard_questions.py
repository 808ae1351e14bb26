"""Standard questions: each unit's short, ordered list per kind of walk, and on each walk the
questions it was asked (a snapshot) and its answers.

Walks done before have no snapshot (null) and no answers ({}).

Revision ID: a9d3e5f7c1b2
Revises: a5d3e8f1c7b2
Create Date: 2026-12-05 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9d3e5f7c1b2'
down_revision = 'a5d3e8f1c7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('walk_kind', sa.Enum('customer_visit', 'gemba_walk', name='question_walk_kind', native_enum=False, length=20, create_constraint=True), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=200), nullable=False),
        sa.Column('answer_type', sa.Enum('text', 'yes_no', 'number', 'choice', name='answer_type', native_enum=False, length=20, create_constraint=True), nullable=False),
        sa.Column('choices_json', sa.Text(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_unit_questions_org_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_questions')),
    )
    with op.batch_alter_table('unit_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_questions_org_unit_id'), ['org_unit_id'], unique=False)
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions_json', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answers_json', sa.Text(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('answers_json')
        batch_op.drop_column('questions_json')
    with op.batch_alter_table('unit_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_questions_org_unit_id'))
    op.drop_table('unit_questions')
