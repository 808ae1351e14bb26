"""Org unit names are unique under their parent, whatever their case: two imports applied at
the same moment could each make the same new unit.

A unique index on (COALESCE(parent_id, 0), lower(name)): the top level's NULL parent counts as
0, since NULLs are never equal in a unique index. Units of one name under one parent made
before (only a race could make them: the admin page refused them) keep their ids, people and
walks; all but the first are renamed "Name (2)", "Name (3)"... so that the index can be made.

Revision ID: a5d3e8f1c7b2
Revises: a4c2e8f1b6d3
Create Date: 2026-12-05 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5d3e8f1c7b2'
down_revision = 'a4c2e8f1b6d3'
branch_labels = None
depends_on = None

NAME_MAX = 120


def _rename_duplicates():
    conn = op.get_bind()
    rows = conn.execute(
        sa.text('SELECT id, parent_id, name FROM org_units ORDER BY id')
    ).all()
    taken = {(parent or 0, name.lower()) for _, parent, name in rows}
    seen = set()
    for unit_id, parent, name in rows:
        key = (parent or 0, name.lower())
        if key not in seen:
            seen.add(key)
            continue
        number = 2
        while True:
            suffix = f" ({number})"
            renamed = name[: NAME_MAX - len(suffix)] + suffix
            if (parent or 0, renamed.lower()) not in taken:
                break
            number += 1
        taken.add((parent or 0, renamed.lower()))
        seen.add((parent or 0, renamed.lower()))
        conn.execute(
            sa.text('UPDATE org_units SET name = :name WHERE id = :id'),
            {"name": renamed, "id": unit_id},
        )


def upgrade():
    _rename_duplicates()
    op.create_index(
        'uq_org_units_parent_lower_name',
        'org_units',
        [sa.text('coalesce(parent_id, 0)'), sa.text('lower(name)')],
        unique=True,
    )


def downgrade():
    op.drop_index('uq_org_units_parent_lower_name', table_name='org_units')
