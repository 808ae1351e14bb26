"""Each person's own language: NULL (everyone today) means as their browser asks, then the
organisation's GEMBAWALK_LANGUAGE.

Revision ID: a4c2e8f1b6d3
Revises: e7c1a9b4d2f0
Create Date: 2026-12-05 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c2e8f1b6d3'
down_revision = 'e7c1a9b4d2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('language')
