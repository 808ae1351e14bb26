"""Each manager's walks and observations summed per local day: what the engagement figures
read, so a board over a quarter reads a few rows per manager and week, never every walk.

Rows are derived, never edited: services/engagement/rollup.py recomputes a manager's day from
the walks and observations whenever one of them changes, in the same transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class Counts:
    """What a day, or a month, of one manager sums: the same counters for both."""

    # Done in it.
    done: Mapped[int] = mapped_column(Integer, default=0)
    gemba_walks: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    # Done in it and planned beforehand: what the on-time share is taken of.
    done_planned: Mapped[int] = mapped_column(Integer, default=0)
    customer_engagements: Mapped[int] = mapped_column(Integer, default=0)
    customer_contacts: Mapped[int] = mapped_column(Integer, default=0)
    # Planned for it, by what became of them.
    planned_done: Mapped[int] = mapped_column(Integer, default=0)
    planned_open: Mapped[int] = mapped_column(Integer, default=0)  # missed once the day is past
    planned_cancelled: Mapped[int] = mapped_column(Integer, default=0)
    # Observations made in it.
    observations: Mapped[int] = mapped_column(Integer, default=0)
    value_demand: Mapped[int] = mapped_column(Integer, default=0)
    failure_demand: Mapped[int] = mapped_column(Integer, default=0)


class EngagementDay(Counts, Model):
    """One manager's day in the organisation's time zone. Walks count on the day they were
    done (completed_at) or planned for (planned_start); observations on the day they were
    made; days with nothing are absent."""

    __tablename__ = "engagement_days"
    __table_args__ = (
        # The days with a customer engagement, newest first per manager: the last engagement
        # and the streak are read from this alone, however long the history.
        Index(
            "ix_engagement_days_engaged",
            "manager_id",
            "day",
            sqlite_where=text("customer_engagements > 0"),
            postgresql_where=text("customer_engagements > 0"),
        ),
        # A period's days for a whole organisation: without it PostgreSQL reads every day
        # ever summed (a board of thousands of managers is cheaper by date than by manager).
        Index("ix_engagement_days_day", "day"),
        # SQLite keeps the rows in key order: a manager's days are read in one sweep.
        {"sqlite_with_rowid": False},
    )

    manager_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class EngagementMonth(Counts, Model):
    """One manager's month: the sum of their days in it (`month` is its first day), and the
    last day in it with a customer engagement. A board over whole months (a quarter) reads
    one row per manager and month instead of every day; rollup.py recomputes a month from
    its days whenever one of them is, in the same transaction."""

    __tablename__ = "engagement_months"
    __table_args__ = (
        # A period's months for a whole organisation.
        Index("ix_engagement_months_month", "month"),
        {"sqlite_with_rowid": False},
    )

    manager_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    last_engaged_on: Mapped[date | None] = mapped_column(Date)  # None: no engagement that month


class RollupState(Model):
    """The time zone the days were cut in (one row). Changing GEMBAWALK_TIMEZONE makes the
    rows stale: the next read rebuilds them, or `flask rebuild-engagement` does it first."""

    __tablename__ = "rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str | None] = mapped_column(String(64))


# The facts a day and a month both hold, by column name, in the order Counts declares them.
FACTS = tuple(Counts.__annotations__)
