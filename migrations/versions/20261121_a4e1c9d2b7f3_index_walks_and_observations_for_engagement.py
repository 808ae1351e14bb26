"""Index walks, observations, follow-ups and walk customers for the engagement figures.

Revision ID: a4e1c9d2b7f3
Revises: 7c6c50ad5f34
Create Date: 2026-11-21 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e1c9d2b7f3'
down_revision = '7c6c50ad5f34'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_walks_manager_completed', 'walks', ['manager_id', 'completed_at'])
    op.create_index('ix_walks_manager_planned', 'walks', ['manager_id', 'planned_start'])
    # Partial: only walks on which customers were spoken to (the engagement queries say the
    # same condition with the literal 1, so both databases can use it).
    op.create_index(
        'ix_walks_customer_contact', 'walks',
        ['manager_id', 'completed_at', 'status', 'customers_spoken_to'],
        sqlite_where=sa.text('customers_spoken_to >= 1'),
        postgresql_where=sa.text('customers_spoken_to >= 1'),
    )
    op.create_index(
        'ix_observations_author_made', 'observations',
        ['author_id', 'made_at', 'category', 'waste_type'],
    )
    op.create_index('ix_follow_ups_owner_status', 'follow_ups', ['owner_id', 'status', 'due_date'])
    op.create_index('ix_walk_customers_customer', 'walk_customers', ['customer_id'])


def downgrade():
    op.drop_index('ix_walk_customers_customer', table_name='walk_customers')
    op.drop_index('ix_follow_ups_owner_status', table_name='follow_ups')
    op.drop_index('ix_observations_author_made', table_name='observations')
    op.drop_index('ix_walks_customer_contact', table_name='walks')
    op.drop_index('ix_walks_manager_planned', table_name='walks')
    op.drop_index('ix_walks_manager_completed', table_name='walks')
