"""POST /api/v1/sync writes a batch's new observations together (services/sync/batch.py): each
is still answered exactly as its own PUT, in order with the records around it, and should the
one INSERT meet a row a concurrent device made meanwhile, each is put again on its own."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from gembawalk.extensions import db
from gembawalk.models import Comment, EngagementDay, Observation, SyncConflict, Walk
from gembawalk.models.rollup import FACTS
from gembawalk.models.vocabulary import Category, SaidBy
from gembawalk.services.engagement import rollup
from gembawalk.services.sync import batch, tombstones

from . import factories
from .test_api_sync_batch import (
    observation_body,
    planned_walk_body,
    post_batch,
    put_alone,
    record,
    started_walk_body,
    statuses,
)

MADE = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


def note(walk_id, text: str = "Waited for the forklift", **changes) -> dict:
    return observation_body(walk_id, **{"text": text, "made_at": MADE.isoformat(), **changes})


class Scenario:
    """One world of records for the mixed batch: the same shape under fresh UUIDs, so that it
    can be sent once as single PUTs and once as a batch, and the answers compared."""

    def __init__(self, client) -> None:
        self.ids = {name: uuid.uuid4() for name in ("walk", "plan", "kept", "edited", "gone")}
        self.ids.update({f"n{n}": uuid.uuid4() for n in range(10)})
        self.ids["gone_note"] = uuid.uuid4()
        ids = self.ids
        # Before: a walk with a note edited once (version 2), and a walk removed with its note.
        setup = [
            record("walk", started_walk_body(planned_start=MADE.isoformat()), ids["kept"]),
            record("observation", note(ids["kept"], "First words"), ids["edited"]),
            record("observation", note(ids["kept"], "Second words", base_version=1), ids["edited"]),
            record("walk", started_walk_body(planned_start=MADE.isoformat()), ids["gone"]),
            record("observation", note(ids["gone"]), ids["gone_note"]),
        ]
        for item in setup:
            assert put_alone(client, item)[0] in (200, 201)
        removed = db.session.scalar(select(Walk).where(Walk.uuid == ids["gone"]))
        tombstones.remove_walks([removed], "The series was ended.")
        db.session.commit()
        walk = started_walk_body(planned_start=MADE.isoformat(), started_at=MADE.isoformat())
        plan = planned_walk_body(planned_start=(MADE + timedelta(days=1)).isoformat())
        self.records = [
            record("walk", walk, ids["walk"]),  # new: 201
            record("observation", note(ids["walk"]), ids["n0"]),  # new: 201
            record("observation", note(ids["walk"], category="picnic"), ids["n1"]),  # 422
            record("observation", note(ids["walk"]), ids["n0"]),  # a repeat in the batch: 200
            record("observation", note(ids["walk"], "Boxes"), ids["n2"]),  # new: 201
            record("observation", note(ids["walk"], "Crates"), ids["n2"]),  # another body: 422
            record("observation", note(ids["kept"], "Mine", base_version=1), ids["edited"]),  # 409
            record("observation", note(ids["kept"], "Mine", base_version=1), ids["edited"]),  # 409
            record("observation", note(ids["gone"]), ids["gone_note"]),  # removed: 410
            record("observation", note(ids["gone"]), ids["n3"]),  # on a removed walk: 410
            record("observation", note(uuid.uuid4()), ids["n4"]),  # a walk never sent: 422
            record("observation", note(ids["kept"], "On the old walk"), ids["n5"]),  # 201
            record(
                "observation",
                note(ids["walk"], made_at=(MADE + timedelta(days=2)).isoformat()),
                ids["n6"],
            ),  # not yet: 422
            record("walk", plan, ids["plan"]),  # new: 201
            record("observation", note(ids["plan"]), ids["n7"]),  # not started: 422
            record("walk", {**plan, "place": "Gate 2", "base_version": 1}, ids["plan"]),  # 200
            record("observation", note(ids["walk"], "Last"), ids["n8"]),  # new: 201
            record("observation", note(ids["walk"], "Last"), ids["n8"]),  # a repeat: 200
        ]

    def normalised(self, results: list[tuple[int, dict]], other: Scenario) -> str:
        """The answers with this world's UUIDs written as the other's, and no database ids."""
        for _status, body in results:
            if isinstance(body.get("conflict"), dict):
                body["conflict"].pop("id")
        text = json.dumps(results, sort_keys=True)
        for name, value in self.ids.items():
            text = text.replace(str(value), str(other.ids[name]))
        return text


def test_a_mixed_batch_answers_each_record_exactly_as_its_put_sent_alone(manager_client):
    alone, batched = Scenario(manager_client), Scenario(manager_client)
    answers = [put_alone(manager_client, item) for item in alone.records]
    response = post_batch(manager_client, batched.records)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["uuid"] for r in results] == [r["uuid"] for r in batched.records]
    in_batch = [(r["status"], r["body"]) for r in results]
    expected = [201, 201, 422, 200, 201, 422, 409, 409, 410, 410, 422, 201, 422, 201, 422, 200]
    assert [status for status, _ in in_batch] == [*expected, 201, 200]
    assert alone.normalised(answers, batched) == batched.normalised(in_batch, batched)

    def stored(world: Scenario) -> list[tuple]:
        found = db.session.execute(
            select(Observation.uuid, Observation.text, Observation.version).where(
                Observation.uuid.in_(world.ids.values())
            )
        )
        names = {value: name for name, value in world.ids.items()}
        return sorted((names[uuid_], text, version) for uuid_, text, version in found)

    db.session.rollback()
    assert stored(alone) == stored(batched)
    conflicts = select(func.count()).select_from(SyncConflict)
    assert db.session.scalar(conflicts) == 2  # one a world: the same stale edit twice is one


def _days() -> list[tuple]:
    rows = db.session.scalars(select(EngagementDay).order_by(EngagementDay.day)).all()
    return [(row.manager_id, row.day, *(getattr(row, fact) for fact in FACTS)) for row in rows]


def test_observations_written_together_are_in_the_engagement_days(manager_client):
    walk_id = uuid.uuid4()
    records = [record("walk", started_walk_body(), walk_id)] + [
        record("observation", observation_body(walk_id, category=category, text=f"Note {n}"))
        for n, category in enumerate(["value_demand", "failure_demand", "failure_demand"])
    ]
    assert statuses(post_batch(manager_client, records)) == [201] * 4
    db.session.rollback()
    summed = _days()
    assert sum(row[2 + FACTS.index("observations")] for row in summed) == 3
    rollup.rebuild()
    assert _days() == summed


def test_a_later_record_sees_the_observations_held_before_it(manager, manager_client):
    """The held observations are written before the next record of another kind: a
    follow-up on one finds it, and the walk downloaded after lists them all."""
    walk_id, note_id = uuid.uuid4(), uuid.uuid4()
    follow_up = {
        "walk_id": str(walk_id),
        "observation_id": str(note_id),
        "action": "Fix the answer script",
        "owner_id": manager.id,
        "due_date": (datetime.now(UTC).date() + timedelta(days=3)).isoformat(),
    }
    records = [
        record("walk", started_walk_body(), walk_id),
        record("observation", observation_body(walk_id), note_id),
        record("follow_up", follow_up),
        record("observation", observation_body(walk_id, text="Again")),
    ]
    assert statuses(post_batch(manager_client, records)) == [201, 201, 201, 201]
    download = manager_client.get("/api/v1/walks").get_json()
    notes = [o["uuid"] for w in download["walks"] for o in w["observations"]]
    assert sorted(notes) == sorted([records[1]["uuid"], records[3]["uuid"]])


# --- a concurrent create meets the one INSERT -----------------------------------------------


def _made_meanwhile(monkeypatch, rows: list[dict]) -> None:
    """After the batch has read its records, these observations appear, as if a concurrent
    device had sent them (on SQLite nothing else can write while a batch holds the lock, so
    they are written in the batch's own transaction, before its INSERT)."""
    preload = batch.preload

    def preload_then_race(wanted):
        preload(wanted)
        db.session.execute(insert(Observation), rows)

    monkeypatch.setattr(batch, "preload", preload_then_race)


def _row(record_item: dict, walk: Walk, author_id: int, text: str) -> dict:
    return {
        "uuid": uuid.UUID(record_item["uuid"]),
        "walk_id": walk.id,
        "author_id": author_id,
        "category": Category(record_item["body"]["category"]),
        "said_by": SaidBy(record_item["body"]["said_by"]),
        "text": text,
        "made_at": datetime.fromisoformat(record_item["body"]["made_at"]),
        "received_at": datetime.now(UTC),
        "version": 1,
    }


@pytest.mark.parametrize("theirs", ["the same", "other words", "another manager's"])
def test_a_create_that_races_the_one_insert_is_put_again_alone(
    app, manager, manager_client, monkeypatch, theirs
):
    walk_id = uuid.uuid4()
    post_batch(manager_client, [record("walk", started_walk_body(), walk_id)])
    walk = db.session.scalar(select(Walk).where(Walk.uuid == walk_id))
    records = [record("observation", observation_body(walk_id, text=f"Tray {n}")) for n in range(5)]
    raced = records[2]
    author = manager
    if theirs == "another manager's":
        author = factories.PersonFactory(roles=["manager"], org_unit=manager.org_unit)
    text = raced["body"]["text"] if theirs == "the same" else "Someone else's words"
    row = _row(raced, walk, author.id, text)
    db.session.commit()
    _made_meanwhile(monkeypatch, [row])

    response = post_batch(manager_client, records)
    assert response.status_code == 200
    results = response.get_json()["results"]
    expected = {"the same": 200, "other words": 422, "another manager's": 422}[theirs]
    assert statuses(response) == [201, 201, expected, 201, 201]
    monkeypatch.undo()
    # Each answered as its own PUT answers now (a created one, as a repeat).
    for item, result in zip(records, results, strict=True):
        status, body = put_alone(manager_client, item)
        assert (status, body) == (
            200 if result["status"] == 201 else result["status"],
            result["body"],
        )
    db.session.rollback()
    counted = select(func.count(Observation.id), func.count(func.distinct(Observation.uuid)))
    assert db.session.execute(counted).one() == (5, 5)
    assert (
        db.session.scalar(
            select(Observation.text).where(Observation.uuid == uuid.UUID(raced["uuid"]))
        )
        == text
    )


def test_a_raced_insert_keeps_the_records_before_it_and_applies_those_after(
    manager_client, manager, monkeypatch
):
    """The held observations are put again in their places, around a record of another kind
    (which the first group's INSERT comes before) and alongside a raced one."""
    walk_id = uuid.uuid4()
    post_batch(manager_client, [record("walk", started_walk_body(), walk_id)])
    walk = db.session.scalar(select(Walk).where(Walk.uuid == walk_id))
    first = [record("observation", observation_body(walk_id, text=f"A{n}")) for n in range(3)]
    second = [record("observation", observation_body(walk_id, text=f"B{n}")) for n in range(3)]
    comment = record("comment", {"walk_id": str(walk_id), "body": "Ask the night shift"})
    row = _row(first[1], walk, manager.id, first[1]["body"]["text"])
    db.session.commit()
    _made_meanwhile(monkeypatch, [row])
    response = post_batch(manager_client, [*first, comment, *second])
    assert statuses(response) == [201, 200, 201, 201, 201, 201, 201]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Observation.id))) == 6
    assert db.session.scalar(select(func.count(Comment.id))) == 1
