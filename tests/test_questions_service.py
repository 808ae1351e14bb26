"""Standard questions as rules: who edits a unit's list, what a walk inherits, the answers
held to their questions, and a walk keeping the questions it was asked when they change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gembawalk import limits
from gembawalk.extensions import db
from gembawalk.services.errors import Forbidden, Invalid, NotFound
from gembawalk.services.questions import rules
from gembawalk.services.walks import corrections, past
from gembawalk.services.walks import lifecycle as walks

from . import factories

NOW = datetime.now(UTC).replace(microsecond=0)


def q(kind="gemba_walk", text="Is the board up to date?", answer_type="yes_no", **extra):
    return rules.NewQuestion(walk_kind=kind, text=text, answer_type=answer_type, **extra)


@pytest.fixture
def region(app, unit):
    parent = factories.OrgUnitFactory(name="North region")
    unit.parent = parent
    db.session.commit()
    return parent


@pytest.fixture
def asked(admin, region, unit):
    """A region question every gemba walk below it asks, and two of the depot's own."""
    return {
        "board": rules.add_question(admin, region.id, q(required=True)),
        "count": rules.add_question(
            admin, unit.id, q(text="People on shift", answer_type="number")
        ),
        "mood": rules.add_question(
            admin, unit.id,
            q(text="How did the team feel?", answer_type="choice", choices="Good\nMixed\nLow"),
        ),
    }  # fmt: skip


def record(answers=None):
    start = (NOW - timedelta(hours=1)).replace(tzinfo=None)
    return walks.WalkRecord(
        started_at=start, completed_at=start + timedelta(minutes=30), customers_spoken_to=0,
        answers={str(k): v for k, v in (answers or {}).items()},
    )  # fmt: skip


def started(manager, kind="gemba_walk"):
    plan = walks.WalkPlan(kind=kind, day=None, at=None)
    return walks.plan_walk(manager, plan, start_now=True, now=NOW - timedelta(hours=1))


def test_only_whoever_leads_the_unit_or_an_admin_edits_its_questions(app, unit, manager, admin):
    with pytest.raises(Forbidden):
        rules.add_question(manager, unit.id, q())
    other = factories.OrgUnitFactory(name="Elsewhere")
    with pytest.raises(NotFound):
        rules.add_question(manager, other.id, q())
    unit.leaders.append(manager)
    db.session.commit()
    assert rules.add_question(manager, unit.id, q()).org_unit_id == unit.id
    assert rules.add_question(admin, other.id, q()).org_unit_id == other.id


def test_a_walk_is_asked_its_units_questions_and_those_above_highest_first(asked, manager, unit):
    found = rules.for_walk(unit.id, walks.WalkKind.GEMBA_WALK)
    assert [x.text for x in found] == [
        "Is the board up to date?", "People on shift", "How did the team feel?"
    ]  # fmt: skip
    assert rules.for_walk(unit.id, walks.WalkKind.CUSTOMER_VISIT) == []
    rules.move_question(factories.PersonFactory(roles=["admin"]), asked["mood"].id, by=-1)
    assert [x.text for x in rules.for_walk(unit.id, walks.WalkKind.GEMBA_WALK)][1] == (
        "How did the team feel?"
    )


def test_a_question_is_refused_with_every_message_at_once(admin, unit):
    with pytest.raises(Invalid) as refused:
        rules.add_question(admin, unit.id, q(kind="tour", text="", answer_type="choice"))
    assert set(refused.value.errors) == {"walk_kind", "text", "choices"}
    with pytest.raises(Invalid) as refused:
        rules.add_question(admin, unit.id, q(answer_type="choice", choices="Only one"))
    assert "choices" in refused.value.errors


def test_a_unit_asks_only_a_short_list_on_each_kind(admin, unit):
    for n in range(limits.QUESTIONS_PER_KIND):
        rules.add_question(admin, unit.id, q(text=f"Question {n}"))
    with pytest.raises(Invalid) as refused:
        rules.add_question(admin, unit.id, q(text="One too many"))
    assert "walk_kind" in refused.value.errors
    rules.add_question(admin, unit.id, q(kind="customer_visit", text="Another kind"))


def test_complete_asks_for_the_required_answers_and_holds_each_to_its_type(asked, manager):
    walk = started(manager)
    ids = {name: x.id for name, x in asked.items()}
    with pytest.raises(Invalid) as refused:
        walks.complete_walk(
            manager, walk.uuid, record({ids["count"]: "many", ids["mood"]: "Great"}), now=NOW
        )
    assert set(refused.value.errors) == {f"answer_{ids[n]}" for n in ("board", "count", "mood")}
    done = walks.complete_walk(
        manager, walk.uuid,
        record({ids["board"]: "Yes", ids["count"]: "12.0", ids["mood"]: "Mixed"}), now=NOW,
    )  # fmt: skip
    assert done.answers == {str(ids["board"]): "yes", str(ids["count"]): "12",
                            str(ids["mood"]): "Mixed"}  # fmt: skip


def test_answers_to_a_question_the_walk_was_not_asked_are_refused(asked, manager):
    walk = started(manager)
    with pytest.raises(Invalid) as refused:
        walks.complete_walk(manager, walk.uuid, record({asked["board"].id: "no", 999: "x"}), NOW)
    assert "answers" in refused.value.errors


def test_changing_the_questions_after_a_walk_was_answered_leaves_the_walk_as_it_was(
    asked, manager, admin, unit
):
    walk = started(manager)
    ids = {name: x.id for name, x in asked.items()}
    walks.complete_walk(manager, walk.uuid, record({ids["board"]: "yes"}), now=NOW)
    kept_questions, kept_answers = walk.questions, walk.answers
    rules.retire_question(admin, ids["board"], NOW)
    rules.add_question(admin, unit.id, q(text="A new required one", required=True))
    db.session.expire_all()
    assert walk.questions == kept_questions
    assert walk.answers == kept_answers
    assert [x["text"] for x in walk.questions][0] == "Is the board up to date?"
    # Correcting it is held to the questions it was asked, not to today's.
    corrections.correct_walk(manager, walk.uuid, record({ids["board"]: "no"}), now=NOW)
    assert walk.answers == {str(ids["board"]): "no"}
    assert walk.questions == kept_questions


def test_a_walk_keeps_the_questions_it_was_asked_when_it_started(asked, manager, admin, unit):
    walk = started(manager)
    rules.add_question(admin, unit.id, q(text="Added while the walk was under way", required=True))
    walks.complete_walk(manager, walk.uuid, record({asked["board"].id: "yes"}), now=NOW)
    assert len(walk.questions) == 3


def test_a_past_walk_keeps_the_questions_of_its_kind(asked, manager):
    start = (NOW - timedelta(hours=3)).replace(tzinfo=None)
    entry = walks.WalkRecord(
        started_at=start, completed_at=start + timedelta(hours=1), customers_spoken_to=0,
        answers={str(asked["board"].id): "no"},
    )  # fmt: skip
    walk = past.record_past_walk(
        manager, kind="gemba_walk", place="Yard", record=entry, walk_id=uuid.uuid4(), now=NOW
    )
    assert [x["id"] for x in walk.questions] == [a.id for a in asked.values()]
    assert walk.answers == {str(asked["board"].id): "no"}
    with pytest.raises(Invalid) as refused:
        past.record_past_walk(manager, kind="gemba_walk", place="Yard",
                              record=record(), walk_id=uuid.uuid4(), now=NOW)  # fmt: skip
    assert f"answer_{asked['board'].id}" in refused.value.errors


def test_a_retired_question_is_no_longer_asked_and_can_be_restored(asked, admin, unit):
    rules.retire_question(admin, asked["count"].id, NOW)
    assert asked["count"] not in rules.for_walk(unit.id, walks.WalkKind.GEMBA_WALK)
    rules.restore_question(admin, asked["count"].id)
    assert rules.for_walk(unit.id, walks.WalkKind.GEMBA_WALK)[-1] == asked["count"]
