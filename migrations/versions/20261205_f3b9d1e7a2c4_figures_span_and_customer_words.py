"""A manager's measured span (the day they joined, the day they left) and the register
customer a "what matters" observation names.

Everyone already here started on the day their account was made; nobody has a left day
(those deactivated before it was kept are measured as before, to the period's end).

Revision ID: f3b9d1e7a2c4
Revises: e4c1a7b9d2f6
Create Date: 2026-12-05 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b9d1e7a2c4'
down_revision = 'e4c1a7b9d2f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE people SET started_on = (created_at AT TIME ZONE 'UTC')::date")
    else:
        op.execute("UPDATE people SET started_on = date(created_at)")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('started_on', existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_observations_customer_id'), ['customer_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_observations_customer_id_customers'), 'customers', ['customer_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_observations_customer_id_customers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_observations_customer_id'))
        batch_op.drop_column('customer_id')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('left_on')
        batch_op.drop_column('started_on')
