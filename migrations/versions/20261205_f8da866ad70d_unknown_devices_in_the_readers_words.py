"""An unknown browser or system is stored as "", and named when read, in the reader's language.

Until now the English words were stored ("Unknown browser", "Unknown system"), and the
sessions of before a session per device were named "Signed in before the upgrade" with no
system: all three become "" here. The downgrade stores the unknown words again; a session of
before the upgrade comes back as an unknown browser on an unknown system.

Revision ID: f8da866ad70d
Revises: d8a4f6b1c7e3
Create Date: 2026-12-05 13:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8da866ad70d'
down_revision = 'd8a4f6b1c7e3'
branch_labels = None
depends_on = None

# As they were stored: words frozen here, not read from the app, whose words may change.
UNKNOWN = {'browser': 'Unknown browser', 'system': 'Unknown system'}
EARLIER = 'Signed in before the upgrade'  # migration a4c9e2f7d613's browser, with system ''


def _set(column: str, old: str, new: str) -> None:
    op.get_bind().execute(
        sa.text(f"UPDATE device_sessions SET {column} = :new WHERE {column} = :old"),
        {"old": old, "new": new},
    )


def upgrade():
    for column, words in UNKNOWN.items():
        _set(column, words, '')
    _set('browser', EARLIER, '')


def downgrade():
    for column, words in UNKNOWN.items():
        _set(column, '', words)
