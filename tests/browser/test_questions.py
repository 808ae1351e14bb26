"""Standard questions on a phone (390×844): asked on Complete walk offline and online, the
required ones asked for before anything is saved, the answers sent through the outbox and
shown on the walk's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Walk, WalkStatus
from gembawalk.services.questions import rules
from tests.factories import PersonFactory

from .offline import a_manager, a_walk_in_progress, go_offline, signed_in_phone, until

pytestmark = pytest.mark.browser


def with_questions(manager, kind: str = "gemba_walk") -> None:
    admin = PersonFactory(roles=["admin"])
    for text, answer_type, extra in (
        ("Is the board up to date?", "yes_no", {"required": True}),
        ("How did the team feel?", "choice", {"choices": "Good\nMixed\nLow"}),
        ("People on shift", "number", {}),
    ):
        new = rules.NewQuestion(walk_kind=kind, text=text, answer_type=answer_type, **extra)
        rules.add_question(admin, manager.org_unit_id, new)


def test_questions_answered_offline_reach_the_walk_page(live_server, new_context):
    manager = a_manager()
    with_questions(manager)
    manager_id, email = manager.id, manager.email
    context, page = signed_in_phone(new_context, email)

    go_offline(context, page, "/walks/start-now")
    page.get_by_label("Gemba walk", exact=True).check()
    page.get_by_label("Place").fill("Goods in")
    page.get_by_role("button", name="Start now").tap()
    expect(page.get_by_text("Walk started. Add what you see. Saved on this device")).to_be_visible()
    page.get_by_role("link", name="Complete walk").tap()
    page.get_by_label("How many customers did you speak with?").fill("0")
    page.get_by_role("button", name="Complete walk").tap()
    # The required question is asked for; nothing is saved yet.
    expect(page.locator(".form-errors")).to_contain_text(
        "Is the board up to date?: Answer this question."
    )
    group = page.get_by_role("group", name="Is the board up to date?")
    group.get_by_label("Yes").check()
    page.get_by_role("group", name="How did the team feel?").get_by_label("Mixed").check()
    page.get_by_label("People on shift").fill("7")
    page.get_by_role("button", name="Complete walk").tap()
    expect(
        page.get_by_text("Walk done. Thank you for going to see. Saved on this device")
    ).to_be_visible()
    # The walk's page on the device shows the answers before the server has them.
    expect(page.locator("[data-walk-questions] dd").first).to_have_text("Yes")

    context.set_offline(False)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    db.session.rollback()
    walk = db.session.scalars(select(Walk).where(Walk.manager_id == manager_id)).one()
    assert walk.status == WalkStatus.DONE
    by_text = {q["text"]: walk.answers.get(str(q["id"])) for q in walk.questions}
    assert by_text == {
        "Is the board up to date?": "yes",
        "How did the team feel?": "Mixed",
        "People on shift": "7",
    }
    page.goto(f"/walks/{walk.uuid}")
    answers = page.locator("[data-walk-questions]")
    expect(answers).to_contain_text("Is the board up to date?")
    expect(answers.locator("dd").first).to_have_text("Yes")
    expect(answers).to_contain_text("Mixed")


def test_questions_online_ask_for_the_required_ones_on_complete(live_server, new_context):
    manager = a_manager()
    with_questions(manager)
    walk = a_walk_in_progress(manager)
    walk.kind = walk.kind.GEMBA_WALK
    db.session.commit()
    walk_id, email = walk.uuid, manager.email
    context, page = signed_in_phone(new_context, email)

    page.goto(f"/walks/{walk_id}")
    expect(page.locator("[data-walk-questions]")).to_contain_text("Is the board up to date?")
    go_offline(context, page, f"/walks/{walk_id}")
    expect(page.locator("[data-walk-questions]")).to_contain_text("Is the board up to date?")
    context.set_offline(False)
    page.goto(f"/walks/{walk_id}/complete")
    page.get_by_label("How many customers did you speak with?").fill("0")
    page.get_by_role("button", name="Complete walk").tap()
    expect(page.locator(".form-errors")).to_contain_text("Answer this question.")
    page.get_by_role("group", name="Is the board up to date?").get_by_label("No").check()
    page.get_by_role("button", name="Complete walk").tap()
    expect(page.get_by_text("Walk done. Thank you for going to see.")).to_be_visible()
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    page.goto(f"/walks/{walk_id}")
    expect(page.locator("[data-walk-questions] dd").first).to_have_text("No")
    expect(page.locator("[data-walk-questions]")).to_contain_text("Not answered")


def test_answers_corrected_offline_keep_the_others_and_reach_the_server(live_server, new_context):
    """Correct walk offline shows the questions the walk was asked with its answers filled in;
    changing one sends all of them, so the rest are kept (a form without them would clear them)."""
    from datetime import UTC, datetime, timedelta

    from gembawalk.services.questions import answers as walk_answers
    from tests.factories import done_walk

    manager = a_manager()
    with_questions(manager)
    finished = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    walk = done_walk(manager, finished, kind="gemba_walk", summary="Board is behind.")
    walk_answers.keep(walk)
    ids = {q["text"]: str(q["id"]) for q in walk.questions}
    walk_answers.store(walk, {ids["Is the board up to date?"]: "no", ids["People on shift"]: "7"})
    db.session.commit()
    walk_id, email = walk.uuid, manager.email
    context, page = signed_in_phone(new_context, email)

    go_offline(context, page, f"/walks/{walk_id}")
    page.get_by_role("link", name="Correct", exact=True).tap()
    expect(page.get_by_role("heading", name="Correct walk", level=1)).to_be_visible()
    board = page.get_by_role("group", name="Is the board up to date?")
    expect(board.get_by_label("No")).to_be_checked()
    expect(page.get_by_label("People on shift")).to_have_value("7")
    page.get_by_label("People on shift").fill("9")
    page.get_by_role("button", name="Save correction").tap()
    expect(page.get_by_text("Walk corrected.")).to_be_visible()

    context.set_offline(False)
    until(page, "async () => (await Gemba.store.records()).every(r => r.state === 'sent')")
    db.session.rollback()
    stored = db.session.scalars(select(Walk).where(Walk.uuid == walk_id)).one()
    db.session.refresh(stored)
    by_text = {q["text"]: stored.answers.get(str(q["id"])) for q in stored.questions}
    assert by_text == {
        "Is the board up to date?": "no",
        "How did the team feel?": None,
        "People on shift": "9",
    }
