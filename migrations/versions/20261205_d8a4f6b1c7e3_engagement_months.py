"""Sum each manager's days per month too: a board over whole months reads a row per manager
and month.

Where days were already summed, their months are summed from them here (one GROUP BY).

Revision ID: d8a4f6b1c7e3
Revises: a9d3e5f7c1b2
Create Date: 2026-12-05 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8a4f6b1c7e3'
down_revision = 'a9d3e5f7c1b2'
branch_labels = None
depends_on = None

FACTS = (
    'done', 'gemba_walks', 'on_time', 'done_planned', 'customer_engagements',
    'customer_contacts', 'planned_done', 'planned_open', 'planned_cancelled', 'observations',
    'value_demand', 'failure_demand',
)


def upgrade():
    op.create_table('engagement_months',
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in FACTS),
    sa.Column('last_engaged_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['manager_id'], ['people.id'], name=op.f('fk_engagement_months_manager_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('manager_id', 'month', name=op.f('pk_engagement_months')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('engagement_months', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_months_month', ['month'], unique=False)
    # Days already summed: their months, from them.
    if op.get_bind().dialect.name == 'postgresql':
        month = "CAST(date_trunc('month', day) AS DATE)"
    else:
        month = "date(day, 'start of month')"
    sums = ', '.join(f'sum({name})' for name in FACTS)
    op.execute(
        f"INSERT INTO engagement_months (manager_id, month, {', '.join(FACTS)}, last_engaged_on) "
        f"SELECT manager_id, {month}, {sums}, "
        "max(CASE WHEN customer_engagements > 0 THEN day END) "
        f"FROM engagement_days GROUP BY manager_id, {month}"
    )
    # The planner's picture of the new table: without it a quarter's months are estimated at
    # a few hundred rows, and a board of thousands is joined one row at a time.
    op.execute('ANALYZE engagement_months')


def downgrade():
    with op.batch_alter_table('engagement_months', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_months_month')
    op.drop_table('engagement_months')
