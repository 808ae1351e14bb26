"""A session per device, as a manager lives it: signing out on the laptop leaves the phone in
the pocket syncing; ending the phone's session from the laptop's sessions page is what makes
the phone say "Sign in to sync", and nothing it holds is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from . import DESKTOP, sign_in
from .offline import go_offline, observations_saying, observe_in_shell, records, wait_for_states

pytestmark = pytest.mark.browser

NOTE = "Forms copied by hand at the counter"
LATER = "Queue back out of the door by ten"


def test_the_laptop_signing_out_leaves_the_phone_syncing(on_a_walk, new_context):
    phone, on_phone, email, walk_path = on_a_walk
    go_offline(phone, on_phone, walk_path)
    observe_in_shell(on_phone, "Waste", NOTE)
    [first] = records(on_phone)

    laptop = new_context(**DESKTOP).new_page()
    sign_in(laptop, email, PASSWORD)
    laptop.goto("/account/sessions")
    cards = laptop.locator("[data-session]")
    expect(cards).to_have_count(2)
    here = cards.filter(has_text="This device")
    expect(here).to_have_count(1)
    here.get_by_role("button", name="Sign out").click()
    laptop.wait_for_url("**/sign-in")
    expect(laptop.get_by_text("You are signed out on this device.")).to_be_visible()

    phone.set_offline(False)  # the phone's session is its own: the record goes
    wait_for_states(on_phone, {first["uuid"]: "sent"})
    assert observations_saying(NOTE) == 1
    expect(on_phone.get_by_text("Sign in to sync")).to_be_hidden()


def test_a_phone_signed_out_from_the_laptop_asks_to_sign_in_and_keeps_its_records(
    on_a_walk, new_context
):
    phone, on_phone, email, walk_path = on_a_walk
    laptop = new_context(**DESKTOP).new_page()
    sign_in(laptop, email, PASSWORD)
    laptop.goto("/account/sessions")
    other = laptop.locator("[data-session]").filter(has_not_text="This device")
    expect(other).to_contain_text("Chrome")
    other.get_by_role("button", name="Sign out").click()
    expect(laptop.get_by_text("Signed out: Chrome")).to_be_visible()
    expect(laptop.locator("[data-session]")).to_have_count(1)
    expect(laptop.get_by_role("button", name="Sign out everywhere else")).to_have_count(0)

    go_offline(phone, on_phone, walk_path)
    observe_in_shell(on_phone, "Waste", LATER)
    [record] = records(on_phone)
    phone.set_offline(False)
    expect(on_phone.get_by_text("Sign in to sync")).to_be_visible()
    assert observations_saying(LATER) == 0
    assert records(on_phone)[0]["state"] == "pending"

    sign_in(on_phone, email, PASSWORD)
    wait_for_states(on_phone, {record["uuid"]: "sent"})
    assert observations_saying(LATER) == 1
    expect(laptop.get_by_text("Signed out: Chrome")).to_be_visible()  # the laptop stays in
    laptop.reload()
    expect(laptop.locator("[data-session]")).to_have_count(2)
