"""The walks CSV builds its rows from a few queries and works each label out once, and says
exactly what it said when it worked them out row by row: compared here, cell for cell, with
the earlier way (kept below as the reference) on a world with every kind of walk, demand
types tallied, standard questions answered and a walk corrected."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Category, CustomerKind, Observation, Person, Walk, WalkStatus
from gembawalk.services import access
from gembawalk.services.demand import tallies
from gembawalk.services.demand import types as demand_types
from gembawalk.services.engagement import exports, leaderboard
from gembawalk.services.engagement.definitions import (
    customer_engagement,
    in_period,
    with_external_customer,
)
from gembawalk.services.engagement.leaderboard import Board
from gembawalk.services.engagement.managers import manager_ids_in
from gembawalk.services.engagement.periods import choose_period
from gembawalk.services.people.org import subtree_ids
from gembawalk.services.questions import answers as walk_answers
from gembawalk.services.walks.agenda import missed_clause
from gembawalk.timeutil import local

from . import factories

NOW = datetime.now(UTC).replace(microsecond=0)


def before_rows(actor: Person, board: Board) -> Iterator[Sequence[object]]:
    """exports.walks_rows as it was (5 December 2026): each label and line made per row."""
    period, zone = board.period, board.period.zone
    yield exports.WALKS_HEADER
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
            Person.display_name, Person.email, Walk.uuid, Walk.kind, Walk.status,
            Walk.planned_start, Walk.started_at, Walk.completed_at, Walk.customers_spoken_to,
            with_external_customer(), customer_engagement(), observations, Walk.place,
            missed_clause(period.today_start), Walk.unplanned, Walk.recorded_after,
            Walk.questions_json, Walk.answers_json,
        )
        .join(Person, Person.id == Walk.manager_id)
        .where(*scope)
        .order_by(Person.display_name, Walk.planned_start)
    )  # fmt: skip
    tallied = tallies.counts_by_walk(select(Walk.id).where(*scope))
    for (
        name, email, walk_id, kind, status, planned_start, started_at, completed_at, spoke,
        external, engaged, notes, place, missed, unplanned, recorded_after, questions_json,
        answers_json,
    ) in db.session.connection().execute(query):  # fmt: skip
        planned = local(planned_start, zone)
        done = status == WalkStatus.DONE
        on_plan = done and not unplanned
        yield [
            name, email, str(walk_id), kind.label, "Missed" if missed else status.label,
            "" if unplanned else planned.date().isoformat(),
            "" if unplanned else planned.strftime("%H:%M"),
            local(completed_at, zone).isoformat(timespec="minutes") if done else "",
            ("yes" if local(started_at, zone).date() == planned.date() else "no")
            if on_plan else "",
            spoke if done else "", "yes" if external else "no", "yes" if engaged else "no",
            notes, place, "yes" if unplanned else "no", "yes" if recorded_after else "no",
            "; ".join(f"{type_name} × {number}" for type_name, number in tallied.get(walk_id, ())),
            walk_answers.in_one_line(
                json.loads(questions_json or "[]"), json.loads(answers_json or "{}")
            ),
        ]  # fmt: skip


def cells(rows) -> list[list[str]]:
    return [["" if value is None else str(value) for value in row] for row in rows]


QUESTIONS = [
    {"id": 1, "text": "Board up to date?", "answer_type": "yes_no", "choices": [],
     "required": True},
    {"id": 2, "text": "Team mood", "answer_type": "choice", "choices": ["Good", "Low"],
     "required": False},
    {"id": 3, "text": "Queue length", "answer_type": "number", "choices": [], "required": False},
]  # fmt: skip


def test_the_walks_csv_says_what_it_said_row_by_row(app, unit, admin):
    director = factories.PersonFactory(roles=["manager", "director"], org_unit=unit)
    director.leads.append(unit)
    team = [
        factories.PersonFactory(roles=["manager"], org_unit=unit, display_name=name)
        for name in ("Ann Able", "Bo Baker", "Cy Cole", "ann able")
    ]
    outside = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.EXTERNAL)
    inside = factories.CustomerFactory(org_unit=unit, kind=CustomerKind.INTERNAL)
    value = demand_types.add_type(admin, unit.id, name="Report a repair", kind="value")
    failure = demand_types.add_type(admin, unit.id, name="Chasing a repair", kind="failure")
    for index, manager in enumerate(team):
        ago = timedelta(days=index + 1)
        visit = factories.done_walk(manager, NOW - ago, customers=[outside], spoke=index,
                                    place="Counter =SUM(A1)")  # fmt: skip
        factories.done_walk(manager, NOW - ago - timedelta(hours=3), customers=[inside],
                            kind="gemba_walk", started_before=timedelta(days=1))  # fmt: skip
        answered = factories.done_walk(manager, NOW - ago - timedelta(hours=6), kind="gemba_walk")
        answered.questions_json = json.dumps(QUESTIONS)
        answered.answers_json = json.dumps({"1": ["yes", "no"][index % 2], "2": "Low", "3": "4"})
        factories.done_walk(manager, NOW - ago - timedelta(hours=8), unplanned=True,
                            recorded_after=bool(index % 2))  # fmt: skip
        factories.WalkFactory(manager=manager, status=WalkStatus.PLANNED,
                              planned_start=NOW + timedelta(days=2))  # fmt: skip
        factories.WalkFactory(
            manager=manager, status=WalkStatus.PLANNED, planned_start=NOW - ago - timedelta(days=1)
        )  # missed
        factories.WalkFactory(manager=manager, status=WalkStatus.CANCELLED,
                              planned_start=NOW - ago, cancelled_at=NOW - ago)  # fmt: skip
        for kind, count in ((value, 1 + index), (failure, 2)):
            for _ in range(count):
                factories.ObservationFactory(
                    walk=visit, category=kind.category, demand_type=kind, text="", made_at=NOW - ago
                )
        factories.ObservationFactory(walk=answered, category=Category.WASTE, made_at=NOW - ago)
        # A correction: the walk's record and answers changed after it was done.
        answered.customers_spoken_to = 3
        answered.answers_json = json.dumps({"1": "no", "3": "5"})
        answered.version += 1
    db.session.commit()
    for preset in ("4w", "quarter"):
        board = leaderboard.leaderboard(director, unit.id, choose_period(preset))
        expected = cells(before_rows(director, board))
        assert len(expected) > 4 * 6
        assert cells(exports.walks_rows(director, board)) == expected
    found = cells(exports.walks_rows(director, board))
    assert "Report a repair × 4; Chasing a repair × 2" in [row[16] for row in found]
    assert "Board up to date?: No; Queue length: 5" in [row[17] for row in found]
