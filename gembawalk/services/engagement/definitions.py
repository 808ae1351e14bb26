"""PRODUCT.md's definitions as SQL, each written once: what a customer engagement is, when a
walk counts, and how a share is taken. The figures (services/engagement/figures.py), the days
they are summed into (services/engagement/rollup.py) and the cadence reminder
(services/cadence/due.py) use these.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnClause, and_, exists, literal_column

from ...models import Customer, CustomerKind, Walk, WalkStatus, walk_customers

# Written into the SQL rather than bound, so both databases match the partial index
# ix_walks_customer_contact (whose WHERE says the same) whatever the plan.
ONE: ColumnClause[int] = literal_column("1")


def with_external_customer():
    """At least one external customer is on the walk: only they count (seed 004)."""
    return exists().where(
        walk_customers.c.walk_id == Walk.id,
        walk_customers.c.customer_id == Customer.id,
        Customer.kind == CustomerKind.EXTERNAL,
    )


def spoke_with_customers():
    return and_(Walk.status == WalkStatus.DONE, Walk.customers_spoken_to >= ONE)


def customer_engagement():
    """A done walk on which the manager spoke with customers, at least one of them external.
    A walk is one row however often it was edited or sent, so it counts once."""
    return and_(spoke_with_customers(), with_external_customer())


def done_within(start: datetime, end: datetime):
    """Done walks count in the period (or week) they were completed in."""
    return and_(Walk.status == WalkStatus.DONE, Walk.completed_at >= start, Walk.completed_at < end)


def share(part: int, whole: int | float | None) -> float | None:
    """part ÷ whole, or None where there is nothing to divide by."""
    return part / whole if whole else None
