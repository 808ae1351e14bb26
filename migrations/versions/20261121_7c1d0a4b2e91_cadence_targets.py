"""Cadence targets: a default per org unit and a person's own setting.

A row has a cadence when cadence_period is set; nothing set means "inherit" (the unit above,
else the product default), so existing rows need no backfill.

Revision ID: 7c1d0a4b2e91
Revises: e6d76e64251e
Create Date: 2026-11-21 21:02:03.467599
"""

import sqlalchemy as sa
from alembic import op

revision = "7c1d0a4b2e91"
down_revision = "e6d76e64251e"
branch_labels = None
depends_on = None

TABLES = ("org_units", "people")


def cadence_period() -> sa.Enum:
    return sa.Enum(
        "week",
        "month",
        name="cadence_period",
        native_enum=False,
        create_constraint=True,
        length=20,
    )


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("cadence_customer_visits", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("cadence_gemba_walks", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("cadence_period", cadence_period(), nullable=True))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            # SQLite rebuilds the table: the CHECK must go before the column it reads.
            batch_op.drop_constraint(op.f(f"ck_{table}_cadence_period"), type_="check")
            batch_op.drop_column("cadence_period")
            batch_op.drop_column("cadence_gemba_walks")
            batch_op.drop_column("cadence_customer_visits")
