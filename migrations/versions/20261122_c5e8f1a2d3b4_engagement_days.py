"""Sum each manager's walks and observations per local day: what the engagement figures read.

The rows are derived from walks and observations. This revision makes the tables and, where
walks exist, marks the days as not cut yet (an empty zone): the first page that reads them,
or `flask rebuild-engagement`, fills them in the organisation's time zone.

Revision ID: c5e8f1a2d3b4
Revises: a7d1e2c3b4f5
Create Date: 2026-11-22 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e8f1a2d3b4'
down_revision = 'a7d1e2c3b4f5'
branch_labels = None
depends_on = None

FACTS = (
    'done', 'gemba_walks', 'on_time', 'customer_engagements', 'customer_contacts',
    'planned_done', 'planned_open', 'planned_cancelled', 'observations', 'value_demand',
    'failure_demand',
)


def upgrade():
    op.create_table('engagement_days',
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False) for name in FACTS),
    sa.ForeignKeyConstraint(['manager_id'], ['people.id'], name=op.f('fk_engagement_days_manager_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('manager_id', 'day', name=op.f('pk_engagement_days')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('engagement_days', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_days_day', ['day'], unique=False)
        batch_op.create_index('ix_engagement_days_engaged', ['manager_id', 'day'], unique=False, sqlite_where=sa.text('customer_engagements > 0'), postgresql_where=sa.text('customer_engagements > 0'))

    state = op.create_table('rollup_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_state'))
    )
    # Walks already recorded: their days are not cut yet. (A new database records its zone
    # with its first walk.)
    if op.get_bind().execute(sa.text('SELECT 1 FROM walks LIMIT 1')).first():
        op.bulk_insert(state, [{'id': 1, 'zone': ''}])


def downgrade():
    op.drop_table('rollup_state')
    with op.batch_alter_table('engagement_days', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_days_day')
        batch_op.drop_index('ix_engagement_days_engaged', sqlite_where=sa.text('customer_engagements > 0'), postgresql_where=sa.text('customer_engagements > 0'))

    op.drop_table('engagement_days')
