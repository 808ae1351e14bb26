"""Who a board is of: the managers in a set of org units, as the few columns a board needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from ...database import plain_rows
from ...models import CadencePeriod, Person, PersonRole, Role
from .periods import _on_postgres


def manager_ids_in(unit_ids: set[int] | list[int]):
    """A query for the ids of everyone with the manager role whose unit is one of these,
    those who left included."""
    return (
        select(Person.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(one_of(Person.org_unit_id, unit_ids), PersonRole.role == Role.MANAGER)
    )


def one_of(column, values: set[int] | list[int]):
    """`column IN values`; on PostgreSQL `= ANY` of one array parameter: a whole
    organisation's hundreds of units, named in each part of a board's query, are then one
    value to send and plan each time instead of hundreds."""
    if _on_postgres():
        return column == any_(bindparam(None, sorted(values), type_=ARRAY(Integer), unique=True))
    return column.in_(sorted(values))


@dataclass(frozen=True, slots=True)
class Manager:
    """What a board needs of a manager: who they are, whether they left, their own cadence.
    (A board of thousands costs less without thousands of full people behind it.)"""

    id: int
    display_name: str
    email: str
    active: bool
    org_unit_id: int | None
    cadence_period: CadencePeriod | None
    cadence_customer_visits: int | None
    cadence_gemba_walks: int | None
    started_on: date
    left_on: date | None


def managers_in(unit_ids: set[int] | list[int]) -> list[Manager]:
    """The people manager_ids_in names, by name."""
    return managers_in_where(unit_ids)


def managers_in_where(unit_ids: set[int] | list[int], *where) -> list[Manager]:
    """The people manager_ids_in names who meet these conditions, by name."""
    columns = [getattr(Person, name) for name in Manager.__slots__]
    return [
        Manager(*row)
        for row in plain_rows(
            select(*columns)
            .where(Person.id.in_(manager_ids_in(unit_ids)), *where)
            .order_by(Person.display_name)
        )
    ]
