"""The server's walk page when a sync lands (issue 14, point 10): the parts a sync changes (the
observations, the records' states) are drawn again from the server in place, while the next
note being typed keeps every character and the focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .offline import a_manager, a_walk_in_progress, signed_in_phone, until

pytestmark = pytest.mark.browser


def test_the_walk_page_redraws_what_a_sync_landed_and_keeps_the_note_being_typed(
    live_server, new_context
):
    manager = a_manager()
    walk_path = f"/walks/{a_walk_in_progress(manager).uuid}"
    context, page = signed_in_phone(new_context, manager.email, walk_path)
    expect(page.get_by_role("heading", name="Counter B", level=1)).to_be_visible()

    # The signal drops on the server's page: the note is kept on the device and shown there.
    context.set_offline(True)
    page.get_by_label("What matters", exact=True).check()
    page.get_by_label("Note").fill("Wants to know when the van comes")
    page.get_by_role("button", name="Add", exact=True).tap()
    item = page.locator("[data-observations] li").filter(has_text="when the van comes")
    expect(item.locator("[data-record]")).to_have_text("Saved on this device")
    uuid = item.locator("[data-record]").get_attribute("data-record")

    # The next note is being typed when the signal comes back and the sync lands.
    note = page.get_by_label("Note")
    note.fill("Half a thought about the")
    note.focus()
    context.set_offline(False)
    server_item = page.locator(f"[data-observations] li[data-observation='{uuid}']")
    expect(server_item).to_be_visible(timeout=15_000)  # the server's own drawing of it
    expect(server_item).to_contain_text("Wants to know when the van comes")
    expect(page.locator("[data-observations] li")).to_have_count(1)
    expect(page.locator("#obs-heading .count")).to_have_text("1")
    expect(note).to_have_value("Half a thought about the")
    assert until(page, "() => document.activeElement && document.activeElement.name === 'text'")
