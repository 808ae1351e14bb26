"""What matters, in the customer's own words (issue 18): a what matters note names the register
customer who said it, and the customer's page gathers what they said, from every manager who
met them, to whoever may see those walks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import CustomerKind, Observation, WalkStatus
from gembawalk.services import customers
from gembawalk.services.errors import Invalid, NotFound
from gembawalk.services.walks import corrections
from gembawalk.services.walks.observations import add_observation

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented

WORDS = "I just want to know when the van is coming"


@pytest.fixture
def world(app):
    top = factories.OrgUnitFactory(name="Council")
    north = factories.OrgUnitFactory(name="North", parent=top)
    south = factories.OrgUnitFactory(name="South", parent=top)
    maya = factories.PersonFactory(org_unit=north, display_name="Maya North")
    nick = factories.PersonFactory(org_unit=north, display_name="Nick North")
    sam = factories.PersonFactory(org_unit=south, display_name="Sam South")
    director = factories.PersonFactory(roles=["director"], org_unit=top, display_name="Dee")
    director.leads = [north]
    db.session.commit()
    patel = factories.CustomerFactory(org_unit=north, kind=CustomerKind.EXTERNAL, name="Mrs Patel")
    far = factories.CustomerFactory(org_unit=south, kind=CustomerKind.EXTERNAL, name="Mr Far")
    return {"maya": maya, "nick": nick, "sam": sam, "director": director, "patel": patel,
            "far": far, "north": north}  # fmt: skip


def started(manager, customers=()):
    now = datetime.now(UTC)
    return factories.WalkFactory(
        manager=manager,
        status=WalkStatus.IN_PROGRESS,
        planned_start=now - timedelta(minutes=30),
        started_at=now - timedelta(minutes=30),
        customers=list(customers),
    )


def say(manager, walk, customer, text=WORDS, **extra):
    fields = {"category": "what_matters", "said_by": "customer", **extra}
    return add_observation(manager, walk.uuid, text=text, customer_id=customer.id, **fields)


def test_a_what_matters_note_names_the_customer_who_said_it(world):
    walk = started(world["maya"])
    note = say(world["maya"], walk, world["patel"])
    assert note.customer_id == world["patel"].id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "waste", "waste_type": "waiting"}, "customer_id"),
        ({"said_by": "walker"}, "said_by"),
        ({"customer_id": "x"}, "customer_id"),
    ],
)
def test_only_a_what_matters_note_said_by_a_customer_names_one(world, fields, field):
    walk = started(world["maya"])
    fields = dict(fields)  # the same dict serves each database's run
    customer_id = fields.pop("customer_id", world["patel"].id)
    body = {"category": "what_matters", "said_by": "customer", **fields}
    with pytest.raises(Invalid) as refused:
        add_observation(world["maya"], walk.uuid, text=WORDS, customer_id=customer_id, **body)
    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_a_customer_outside_the_walkers_register_is_refused_unless_met_on_the_walk(world):
    walk = started(world["maya"])
    with pytest.raises(Invalid) as refused:
        say(world["maya"], walk, world["far"])
    assert "register" in refused.value.errors["customer_id"]
    met = started(world["maya"], customers=[world["far"]])
    assert say(world["maya"], met, world["far"]).customer_id == world["far"].id


def test_a_correction_can_name_the_customer_and_keeps_who_was_named_before(world):
    walk = started(world["maya"])
    note = add_observation(world["maya"], walk.uuid, category="what_matters", text=WORDS)
    walk.status, walk.completed_at = WalkStatus.DONE, datetime.now(UTC)
    walk.customers_spoken_to = 1
    db.session.commit()
    corrections.correct_observation(
        world["maya"],
        walk.uuid,
        note.uuid,
        category="what_matters",
        waste_type=None,
        said_by="customer",
        text=WORDS,
        customer_id=world["patel"].id,
    )
    assert note.customer_id == world["patel"].id
    shown = [(c.label, c.old, c.new) for c in corrections.shown_history(walk)[0].changes]
    assert ("Customer who said it", "None", "Mrs Patel") in shown


def test_the_customers_page_gathers_their_words_from_every_manager_the_reader_may_see(world):
    first = say(world["maya"], started(world["maya"]), world["patel"], text="First words")
    say(world["nick"], started(world["nick"]), world["patel"], text="Later words")
    first.made_at = datetime.now(UTC) - timedelta(days=30)
    db.session.commit()
    seen = customers.customer_words(world["director"], world["patel"].id)
    assert [o.text for o in seen.sayings] == ["Later words", "First words"]
    own = customers.customer_words(world["maya"], world["patel"].id)
    assert [o.text for o in own.sayings] == ["First words"]  # Nick's walk is not hers to see
    with pytest.raises(NotFound):
        customers.customer_words(world["sam"], world["patel"].id)  # another unit's register


def test_the_customer_page_as_a_request(client, world):
    say(world["maya"], started(world["maya"]), world["patel"], text="Tell me <b>when</b>")
    sign_in(client, world["director"])
    page = client.get(f"/engagement/customers/{world['patel'].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Tell me &lt;b&gt;when&lt;/b&gt;" in text
    assert "Maya North" in text
    reach = client.get(f"/engagement/customers?unit={world['north'].id}").get_data(as_text=True)
    assert f"/engagement/customers/{world['patel'].id}" in reach
    assert client.get(f"/engagement/customers/{world['far'].id}").status_code == 404
    assert client.get("/engagement/customers/999999").status_code == 404


def test_the_walk_page_names_the_customer_and_offers_them(client, world):
    walk = started(world["maya"], customers=[world["patel"]])
    sign_in(client, world["maya"])
    page = client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert f'<option value="{world["patel"].id}">Mrs Patel</option>' in page
    sent = client.post(
        f"/walks/{walk.uuid}/observations",
        data={
            "category": "what_matters",
            "waste_type": "",
            "said_by": "customer",
            "customer_id": str(world["patel"].id),
            "text": WORDS,
            "observation_id": str(uuid.uuid4()),
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True).split("form-errors")[-1][:600]
    page = client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert f"/engagement/customers/{world['patel'].id}" in page
    refused = client.post(
        f"/walks/{walk.uuid}/observations",
        data={
            "category": "waste",
            "waste_type": "waiting",
            "said_by": "customer",
            "customer_id": str(world["patel"].id),
            "text": "Queue",
            "observation_id": str(uuid.uuid4()),
        },
    )
    assert refused.status_code == 422
    assert "Only a what matters note" in refused.get_data(as_text=True)


def test_the_api_takes_and_answers_the_customer_as_documented(client, world):
    walk = started(world["maya"])
    sign_in(client, world["maya"])
    body = {
        "walk_id": str(walk.uuid),
        "category": "what_matters",
        "said_by": "customer",
        "text": WORDS,
        "customer_id": world["patel"].id,
    }
    made = client.put(f"/api/v1/observations/{uuid.uuid4()}", json=body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["customer_id"] == world["patel"].id
    assert_documented(client, made, "put", "/observations/{observation_id}")
    refused = client.put(
        f"/api/v1/observations/{uuid.uuid4()}", json={**body, "customer_id": world["far"].id}
    )
    assert refused.status_code == 422
    assert "customer_id" in refused.get_json()["fields"]
    assert_documented(client, refused, "put", "/observations/{observation_id}")
    plain = client.put(f"/api/v1/observations/{uuid.uuid4()}", json={**body, "customer_id": None})
    assert plain.status_code == 201
    assert plain.get_json()["customer_id"] is None
