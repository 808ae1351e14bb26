"""Signing in and out, passwords, the first-run page and `flask create-admin`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gembawalk.extensions import db
from gembawalk.models import Person, Role
from gembawalk.services.people import accounts as people
from gembawalk.services.people import passwords, sessions

from .conftest import sign_in
from .factories import PASSWORD, PersonFactory


def test_sign_in_page_has_the_labelled_fields(client, manager):
    html = client.get("/sign-in").get_data(as_text=True)
    assert '<label class="label" for="email">Email</label>' in html
    assert '<label class="label" for="password">Password</label>' in html
    assert ">Sign in</button>" in html


def test_email_is_matched_regardless_of_case(client, manager):
    response = client.post("/sign-in", data={"email": manager.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_says_so_and_keeps_the_email(client, manager):
    response = client.post("/sign-in", data={"email": manager.email, "password": "nope"})
    html = response.get_data(as_text=True)
    assert "do not match an active account" in html
    assert f'value="{manager.email}"' in html
    assert client.get("/").status_code == 302


def test_a_deactivated_person_cannot_sign_in(client, manager):
    manager.active = False
    db.session.commit()
    response = client.post("/sign-in", data={"email": manager.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_goes_only_to_a_local_path(client, manager, target):
    response = client.post(
        "/sign-in", data={"email": manager.email, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/"


def test_next_returns_to_the_page_asked_for(client, manager):
    response = client.post(
        "/sign-in", data={"email": manager.email, "password": PASSWORD, "next": "/walks/?show=done"}
    )
    assert response.headers["Location"] == "/walks/?show=done"


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, app, manager):
    sign_in(client, manager)
    copied = client.get_cookie("session").value
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/").status_code == 302


def test_change_password_signs_out_other_devices(client, app, manager):
    sign_in(client, manager)
    other_device = app.test_client()
    sign_in(other_device, manager)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert people.authenticate(manager.email, "a brand new passphrase") is not None


def test_change_password_refuses_a_wrong_current_or_short_new_one(manager_client, manager):
    html = manager_client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    ).get_data(as_text=True)
    assert "That is not your current password." in html
    html = manager_client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    ).get_data(as_text=True)
    assert "Use between 12 and 128 characters." in html
    assert people.authenticate(manager.email, PASSWORD) is not None


def test_passwords_are_argon2id_and_old_hashes_upgrade_on_sign_in(app, unit):
    weak = passwords.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    person = PersonFactory(roles=["manager"], org_unit=unit, password_hash=weak.hash(PASSWORD))
    assert people.authenticate(person.email, PASSWORD) is person
    assert person.password_hash.startswith("$argon2id$")
    assert not passwords.needs_rehash(person.password_hash)


def test_first_run_creates_the_first_admin_and_then_disappears(client):
    assert client.get("/").headers["Location"] == "/first-run"
    assert client.get("/sign-in").headers["Location"] == "/first-run"
    response = client.post(
        "/first-run",
        data={
            "display_name": "Ada Admin",
            "email": "Ada@Example.org",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert response.status_code == 302
    admin = db.session.scalar(select(Person))
    assert admin.email == "ada@example.org"
    assert admin.roles == {Role.ADMIN}
    assert client.get("/first-run").status_code == 404


def test_first_run_keeps_what_was_typed_on_error(client):
    html = client.post(
        "/first-run",
        data={
            "display_name": "Ada Admin",
            "email": "ada@example.org",
            "password": "short",
            "confirm": "short",
        },
    ).get_data(as_text=True)
    assert 'value="Ada Admin"' in html
    assert "Use between 12 and 128 characters." in html
    assert db.session.scalar(select(Person)) is None


def test_create_admin_from_the_shell(app, manager):
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "Root@Example.org",
            "--name",
            "Root",
            "--password",
            "a long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert people.authenticate("root@example.org", "a long enough password").has_role(Role.ADMIN)
    again = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "root@example.org",
            "--name",
            "Root",
            "--password",
            "a long enough password",
        ]
    )
    assert again.exit_code != 0
    assert "already has this email" in again.output


def test_people_without_the_manager_role_are_not_shown_walks(client, unit):
    coach = PersonFactory(roles=["coach"], org_unit=unit)
    sign_in(client, coach)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Waiting for review" in home  # a coach starts at the review queue
    assert client.get("/walks/new").status_code == 403


@pytest.mark.parametrize("email", ["person\x00@example.org", "x" * 300 + "@example.org"])
def test_an_impossible_email_is_a_failed_sign_in_not_an_error(client, manager, email):
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)


def test_signing_out_tells_the_browser_to_drop_what_it_kept_privately(client, manager):
    # Photos are kept privately for a year: the next person at this browser must not see them.
    sign_in(client, manager)
    assert "Clear-Site-Data" not in client.get("/").headers
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache"'


def test_signing_this_device_out_from_the_sessions_page_drops_it_too(client, manager):
    sign_in(client, manager)
    [device] = sessions.list_for(manager)
    response = client.post(f"/account/sessions/{device.id}/end")
    assert response.headers["Clear-Site-Data"] == '"cache"'
