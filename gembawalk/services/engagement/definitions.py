"""README.md's "Engagement" definitions as SQL, each written once: what a customer engagement
is, which walks a period holds, and how a share is taken. The figures (figures.py), the days they
are summed into (rollup.py), the board's pages and exports (leaderboard.py, exports.py) and the
trends use these.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnClause, ColumnElement, and_, exists, literal_column, or_, select

from ...models import (
    Customer,
    CustomerKind,
    Observation,
    Person,
    SaidBy,
    Walk,
    WalkStatus,
    walk_customers,
)

# Written into the SQL rather than bound, so both databases match the partial index
# ix_walks_customer_contact (whose WHERE says the same) whatever the plan.
ONE: ColumnClause[int] = literal_column("1")


def with_external_customer():
    """At least one external customer is on the walk: only they count (README.md, "Engagement")."""
    return exists().where(
        walk_customers.c.walk_id == Walk.id,
        walk_customers.c.customer_id == Customer.id,
        counts_as_engagement(Customer),
    )


def counts_as_engagement(customer):
    """Whether contact with this customer counts as customer engagement: only an external
    one does. On the Customer class (or an alias of it) it is SQL; on a customer, a bool."""
    return customer.kind == CustomerKind.EXTERNAL


def spoke_with_customers():
    return and_(Walk.status == WalkStatus.DONE, Walk.customers_spoken_to >= ONE)


def customer_engagement():
    """A done walk on which the manager spoke with customers, at least one of them external.
    A walk is one row however often it was edited or sent, so it counts once."""
    return and_(spoke_with_customers(), with_external_customer())


def done_within(start: datetime, end: datetime):
    """Done walks count in the period (or week) they were completed in."""
    return and_(Walk.status == WalkStatus.DONE, Walk.completed_at >= start, Walk.completed_at < end)


def in_period(start: datetime, end: datetime):
    """The walks behind a manager's figures for a period: planned for it, or done in it."""
    return or_(and_(Walk.planned_start >= start, Walk.planned_start < end), done_within(start, end))


def had_a_plan():
    """Planned beforehand: a walk started without a plan ("Start a walk now") or recorded after
    the fact is left out of plan adherence and on time (its planned start is only its start)."""
    return Walk.unplanned.is_(False)


def walked() -> ColumnElement[bool]:
    """A unit is walked by a done walk of either kind (a gemba walk or a customer visit); a
    planned, missed, cancelled or unfinished one has seen nobody yet."""
    return Walk.status == WalkStatus.DONE


def walks_in_unit():
    """The two ways a walk is in an org unit (README.md, "Who has nobody been to see?"): its
    walker belongs to the unit, or it met a customer on the unit's register. Each is a query of
    (unit id, walk id, completed_at) to group by unit; a walk in two units counts in both."""
    by_walker = select(Person.org_unit_id.label("unit_id"), Walk.id, Walk.completed_at).join(
        Person, Person.id == Walk.manager_id
    )
    by_customer = (
        select(Customer.org_unit_id.label("unit_id"), Walk.id, Walk.completed_at)
        .join(walk_customers, walk_customers.c.walk_id == Walk.id)
        .join(Customer, Customer.id == walk_customers.c.customer_id)
    )
    return by_walker, by_customer


# Who said it, when it is someone the walk went to hear: the walker's own notes do not count.
VOICES = (SaidBy.CUSTOMER, SaidBy.FRONTLINE)


def has_observations():
    return exists().where(Observation.walk_id == Walk.id)


def voices_heard():
    """At least one of the walk's observations says a customer or frontline staff said it.
    A walk with observations and none of them is one whose notes never say who said them (every
    note left at the form's "Me (the walker)")."""
    return exists().where(Observation.walk_id == Walk.id, Observation.said_by.in_(VOICES))


# The coverage figures' definitions in words, for the page beside them (README.md says the same).
COVERAGE_WORDS = {
    "unit_walked": _l(
        "A unit is walked by a done gemba walk or customer visit whose walker belongs "
        "to it or that met a customer on its register; planned, missed and cancelled walks do not "
        "count. Among the walks you may see; the window runs from the same weekday that many weeks "
        "ago to today, both included."
    ),
    "heat": _l(
        "Each done walk counts once, at the hour it started in the organisation's time "
        "zone. An empty cell is an hour of the week no walk has seen: a shift nobody visits."
    ),
    "unheard": _l(
        "A done walk with observations none of which says a customer or frontline "
        "staff said it: every note was left at “Me (the walker)”. The share is of the done walks "
        "with observations."
    ),
}


def share(part: int, whole: int | float | None) -> float | None:
    """part ÷ whole, or None where there is nothing to divide by."""
    return part / whole if whole else None


def measured_span(first: date, last: date, started_on: date, left_on: date | None):
    """The days of first..last a manager is measured on: from the day they joined to the
    day they left (both included), or None when the period lies wholly outside. Their
    counts and their cadence targets (prorated to these days) cover only this span."""
    first = max(first, started_on)
    last = min(last, left_on) if left_on is not None else last
    return (first, last) if first <= last else None


def measured_day(day_column, person=Person):
    """measured_span as a condition on a manager's local DATE column, joined to the person."""
    return and_(
        day_column >= person.started_on, or_(person.left_on.is_(None), day_column <= person.left_on)
    )
