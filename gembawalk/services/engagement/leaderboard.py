"""The director's view: which units they may look at, a unit's managers ranked, and one
manager's walks and observations behind their figures."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Observation, OrgUnit, Person, Role, Walk
from .. import access
from ..errors import Forbidden, NotFound
from ..people.org import TreeRow, subtree_ids, tree
from . import ranking
from .definitions import in_period
from .figures import Figures, figures_for
from .managers import manager_ids_in, managers_in, managers_in_where
from .periods import Period

DETAIL_LIMIT = 200  # walks and observations listed on a manager's page
PAGE_SIZE = 50  # rows of a board on one page; the exports hold every row


@dataclass
class Scope:
    """The unit being looked at, and every unit the actor may pick instead."""

    unit: OrgUnit
    choices: list[TreeRow]


@dataclass
class Board:
    scope: Scope
    period: Period
    rows: list[Figures]

    @property
    def unit(self) -> OrgUnit:
        return self.scope.unit

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows) // PAGE_SIZE))

    def page(self, number: int) -> list[Figures]:
        """The rows on page `number` (from 1; out of range gives the nearest page)."""
        number = min(max(number, 1), self.pages)
        return self.rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]


@dataclass
class BoardPage:
    """One page of a board: only its rows are counted in Python (ranking.py orders the rest
    in the database)."""

    scope: Scope
    period: Period
    rows: list[Figures]
    total: int  # managers on the whole board
    number: int  # this page's, from 1

    @property
    def unit(self) -> OrgUnit:
        return self.scope.unit

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass
class ManagerDetail:
    figures: Figures
    period: Period
    walks: list[Walk]
    observations: list[Observation]
    more_walks: bool
    more_observations: bool

    @property
    def manager(self) -> Person:
        assert isinstance(self.figures.manager, Person)  # manager_detail counts a full Person
        return self.figures.manager


def leads_a_unit(actor: Person) -> bool:
    """Whether the actor has a leaderboard to look at: they lead a unit, or are an admin."""
    return access.sees_everyone(actor) or bool(actor.leads)


def unit_choices(actor: Person) -> list[TreeRow]:
    """The units the actor leads and those below them (every unit for an admin), as a tree."""
    rows = tree()
    if access.sees_everyone(actor):
        return rows
    allowed = access.led_unit_ids(actor)
    if not allowed:
        raise Forbidden(_("Only people who lead an org unit have a leaderboard."))
    return [row for row in rows if row.unit.id in allowed]


def scope_for(actor: Person, unit_id: int | None) -> Scope:
    """The unit asked for, or the highest one the actor leads; one they may not see is
    Not Found, and someone who leads nothing is Forbidden."""
    choices = unit_choices(actor)
    if not choices:
        raise NotFound(_("No org units exist yet."))
    if unit_id is None:
        return Scope(unit=min(choices, key=lambda row: row.depth).unit, choices=choices)
    for row in choices:
        if row.unit.id == unit_id:
            return Scope(unit=row.unit, choices=choices)
    raise NotFound(_("No such org unit."))


def leaderboard(actor: Person, unit_id: int | None, period: Period) -> Board:
    """Every manager in the unit and below measured in the period, ranked (Figures.on_the_board:
    someone who left stays for the periods they were measured in, marked as having left)."""
    scope = scope_for(actor, unit_id)
    units = subtree_ids(scope.unit.id)
    order = ranking.rank(units, period).rows
    figures = figures_for(managers_in(units), period, among=manager_ids_in(units))
    return Board(scope=scope, period=period, rows=_in_order(figures, order))


def leaderboard_page(actor: Person, unit_id: int | None, period: Period, number: int) -> BoardPage:
    """Page `number` of leaderboard()'s board (out of range: the nearest page), with only
    that page's managers counted."""
    scope = scope_for(actor, unit_id)
    units = subtree_ids(scope.unit.id)
    number = max(number, 1)
    found = ranking.rank(units, period, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    if not found.rows:  # past the last page
        number = max(1, -(-found.total // PAGE_SIZE))
        if found.total:
            found = ranking.rank(units, period, (number - 1) * PAGE_SIZE, PAGE_SIZE)
    ids = [row.manager_id for row in found.rows]
    figures = figures_for(managers_in_where(units, Person.id.in_(ids)), period) if ids else {}
    rows = _in_order(figures, found.rows)
    return BoardPage(scope=scope, period=period, rows=rows, total=found.total, number=number)


def _in_order(figures: dict[int, Figures], order: list[ranking.Ranked]) -> list[Figures]:
    rows = []
    for ranked in order:
        row = figures[ranked.manager_id]
        row.rank = ranked.rank
        rows.append(row)
    return rows


def manager_detail(actor: Person, manager_id: int, period: Period) -> ManagerDetail:
    """One manager's figures with the walks and observations behind them: open to whoever
    may see that manager's walks (services.access), Not Found for anyone else."""
    manager = access.get_visible_person(actor, manager_id)
    if not manager.has_role(Role.MANAGER):
        raise NotFound(_("No such manager."))
    figures = figures_for([manager], period)[manager.id]
    visible = access.visible_walks_clause(actor)
    walks = db.session.scalars(
        select(Walk)
        .where(Walk.manager_id == manager.id, visible, in_period(period.start, period.end))
        .options(selectinload(Walk.customers))
        .order_by(func.coalesce(Walk.completed_at, Walk.planned_start).desc())
        .limit(DETAIL_LIMIT + 1)
    ).all()
    observations = db.session.scalars(
        select(Observation)
        .join(Walk, Walk.id == Observation.walk_id)
        .where(
            Walk.manager_id == manager.id,
            visible,
            Observation.made_at >= period.start,
            Observation.made_at < period.end,
        )
        .options(selectinload(Observation.walk))
        .order_by(Observation.made_at.desc())
        .limit(DETAIL_LIMIT + 1)
    ).all()
    return ManagerDetail(
        figures=figures,
        period=period,
        walks=list(walks[:DETAIL_LIMIT]),
        observations=list(observations[:DETAIL_LIMIT]),
        more_walks=len(walks) > DETAIL_LIMIT,
        more_observations=len(observations) > DETAIL_LIMIT,
    )
