"""Walks started without a plan, and walks recorded after the fact, are marked as such.

Every walk so far was planned and recorded as it happened, so both flags start false. The
engagement days gain `done_planned`, the done walks that had a plan (what the on-time share
is taken of): until now every done walk had one, so it starts equal to `done`.

Revision ID: b3f7c2d9e1a4
Revises: 63d7dd23b0c9
Create Date: 2026-12-05 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f7c2d9e1a4'
down_revision = '63d7dd23b0c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unplanned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('recorded_after', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('engagement_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_planned', sa.Integer(), nullable=False, server_default='0'))
    op.execute('UPDATE engagement_days SET done_planned = done')
    # The walks' defaults stay (walks loaded with SQL are planned and live); the days' was
    # for the rows already there: the rollup writes every fact.
    with op.batch_alter_table('engagement_days', schema=None) as batch_op:
        batch_op.alter_column('done_planned', server_default=None)


def downgrade():
    with op.batch_alter_table('engagement_days', schema=None) as batch_op:
        batch_op.drop_column('done_planned')
    with op.batch_alter_table('walks', schema=None) as batch_op:
        batch_op.drop_column('recorded_after')
        batch_op.drop_column('unplanned')
