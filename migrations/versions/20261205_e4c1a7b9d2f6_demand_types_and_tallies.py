"""Demand types per org unit; an observation (a tally) and a follow-up may name one.

New columns are nullable: every observation and follow-up made before stays untyped.

Revision ID: e4c1a7b9d2f6
Revises: a4c9e2f7d613
Create Date: 2026-12-05 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4c1a7b9d2f6'
down_revision = 'a4c9e2f7d613'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'demand_types',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_unit_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.Enum('value', 'failure', name='demand_kind', native_enum=False, length=20, create_constraint=True), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_demand_types_org_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_types')),
    )
    with op.batch_alter_table('demand_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_types_org_unit_id'), ['org_unit_id'], unique=False)
    for table in ('observations', 'follow_ups'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('demand_type_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_demand_type_id'), ['demand_type_id'], unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_demand_type_id_demand_types'), 'demand_types', ['demand_type_id'], ['id']
            )


def downgrade():
    for table in ('follow_ups', 'observations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_demand_type_id_demand_types'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_demand_type_id'))
            batch_op.drop_column('demand_type_id')
    with op.batch_alter_table('demand_types', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_types_org_unit_id'))
    op.drop_table('demand_types')
