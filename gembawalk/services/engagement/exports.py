"""The leaderboard and the walks behind it, as rows for CSV and as JSON for the API."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...extensions import db
from ...models import Observation, Person, Walk, WalkStatus
from ...timeutil import local
from .. import access
from ..demand import tallies
from ..people.org import subtree_ids
from ..questions import answers as walk_answers
from ..walks.agenda import missed_clause
from .definitions import customer_engagement, in_period, measured_span, with_external_customer
from .figures import Figures, manager_ids_in
from .leaderboard import Board


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


LEADERBOARD_HEADER = [
    _l("rank"),
    _l("manager"),
    _l("email"),
    _l("left"),
    _l("cadence attainment %"),
    _l("customer engagements"),
    _l("cadence target"),
    _l("customer contacts"),
    _l("last customer engagement"),
    _l("days since last customer engagement"),
    _l("streak weeks"),
    _l("plan adherence %"),
    _l("on time %"),
    _l("observations"),
    _l("failure demand %"),
    _l("follow-ups open"),
    _l("follow-ups overdue"),
    # Added later, at the end, so the columns before keep their places for those who read them.
    _l("gemba-walk attainment %"),
    _l("gemba walks"),
    _l("gemba-walk target"),
    _l("measured from"),
    _l("measured to"),
]


def leaderboard_rows(board: Board) -> Iterator[Sequence[object]]:
    yield [str(name) for name in LEADERBOARD_HEADER]  # in the reader's language
    yes, never = _("yes"), _("never")
    for f in board.rows:
        yield [
            f.rank,
            f.manager.display_name,
            f.manager.email,
            yes if f.left else "",
            _percent(f.cadence_attainment),
            f.customer_engagements,
            round(f.target, 2),
            f.customer_contacts,
            f.last_engagement.isoformat() if f.last_engagement else never,
            f.days_since_last,
            f.streak_weeks,
            _percent(f.plan_adherence),
            _percent(f.on_time_share),
            f.observations,
            _percent(f.failure_demand_share),
            f.follow_ups_open,
            f.follow_ups_overdue,
            _percent(f.gemba_walk_attainment),
            f.gemba_walks,
            round(f.gemba_target, 2),
            *_measured(f, board),
        ]


def _measured(f: Figures, board: Board) -> list[str]:
    """The days of the period the row was measured on (empty when none)."""
    span = measured_span(
        board.period.first, board.period.last, f.manager.started_on, f.manager.left_on
    )
    return [day.isoformat() for day in span] if span else ["", ""]


WALKS_HEADER = [
    _l("manager"),
    _l("email"),
    _l("walk"),
    _l("kind"),
    _l("status"),
    _l("planned day"),
    _l("planned time"),
    _l("done at"),
    _l("done on the planned day"),
    _l("customers spoken to"),
    _l("external customer on the walk"),
    _l("customer engagement"),
    _l("observations"),
    _l("place"),
    _l("unplanned"),
    _l("recorded after the fact"),
    _l("demand types"),
    _l("answers"),
]


def walks_rows(actor: Person, board: Board) -> Iterator[Sequence[object]]:
    """Every walk behind the board: planned for the period or done in it, by its managers.
    Columns, not whole walks, are read: a quarter of a big organisation is many thousands."""
    period, zone = board.period, board.period.zone
    yield [str(name) for name in WALKS_HEADER]
    yes, no, missed_word = _("yes"), _("no"), _("Missed")  # once, not per row
    if not board.rows:
        return
    observations = (
        select(func.count()).where(Observation.walk_id == Walk.id).correlate(Walk).scalar_subquery()
    )
    scope = (
        Walk.manager_id.in_(manager_ids_in(subtree_ids(board.unit.id))),
        access.visible_walks_clause(actor),
        in_period(period.start, period.end),
    )
    query = (
        select(
            Person.display_name,
            Person.email,
            Walk.uuid,
            Walk.kind,
            Walk.status,
            Walk.planned_start,
            Walk.started_at,
            Walk.completed_at,
            Walk.customers_spoken_to,
            with_external_customer(),
            customer_engagement(),
            observations,
            Walk.place,
            missed_clause(period.today_start),
            Walk.unplanned,
            Walk.recorded_after,
            Walk.questions_json,
            Walk.answers_json,
        )
        .join(Person, Person.id == Walk.manager_id)
        .where(*scope)
        .order_by(Person.display_name, Walk.planned_start)
    )
    tallied = tallies.counts_by_walk(select(Walk.id).where(*scope))
    for (
        name,
        email,
        walk_id,
        kind,
        status,
        planned_start,
        started_at,
        completed_at,
        spoke,
        external,
        engaged,
        notes,
        place,
        missed,
        unplanned,
        recorded_after,
        questions_json,
        answers_json,
    ) in db.session.connection().execute(query):  # plain rows: tens of thousands of them
        planned = local(planned_start, zone)
        done = status == WalkStatus.DONE
        on_plan = done and not unplanned  # a walk without a plan has no planned day to keep
        yield [
            name,
            email,
            str(walk_id),
            kind.label,
            missed_word if missed else status.label,
            "" if unplanned else planned.date().isoformat(),
            "" if unplanned else planned.strftime("%H:%M"),
            local(completed_at, zone).isoformat(timespec="minutes") if done else "",
            (yes if local(started_at, zone).date() == planned.date() else no) if on_plan else "",
            spoke if done else "",
            yes if external else no,
            yes if engaged else no,
            notes,
            place,
            yes if unplanned else no,
            yes if recorded_after else no,
            "; ".join(f"{type_name} × {number}" for type_name, number in tallied.get(walk_id, ())),
            walk_answers.in_one_line(
                json.loads(questions_json or "[]"), json.loads(answers_json or "{}")
            ),
        ]


def row_json(f: Figures) -> dict:
    return {
        "rank": f.rank,
        "manager": {"id": f.manager.id, "name": f.manager.display_name, "email": f.manager.email},
        "customer_engagements": f.customer_engagements,
        "customer_contacts": f.customer_contacts,
        "days_since_last_customer_engagement": f.days_since_last,
        "cadence_attainment": _ratio(f.cadence_attainment),
        "gemba_walks": f.gemba_walks,
        "gemba_walk_attainment": _ratio(f.gemba_walk_attainment),
        "streak_weeks": f.streak_weeks,
        "plan_adherence": _ratio(f.plan_adherence),
        "on_time_share": _ratio(f.on_time_share),
        "observations": f.observations,
        "failure_demand_share": _ratio(f.failure_demand_share),
        "follow_ups_open": f.follow_ups_open,
        "follow_ups_overdue": f.follow_ups_overdue,
    }


def board_json(board: Board) -> dict:
    return {
        "unit": {"id": board.unit.id, "name": board.unit.name},
        "from": board.period.first.isoformat(),
        "to": board.period.last.isoformat(),
        "rows": [row_json(f) for f in board.rows],
    }


def file_stem(board: Board, what: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in board.unit.name.lower()).strip("-")
    return f"{what}-{safe or 'unit'}-{board.period.first}-{board.period.last}"
