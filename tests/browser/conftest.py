"""Browser fixtures: the app on a live server, driven by Chromium shaped as a phone or a laptop.

One live server runs per database for the whole session, on the same app as the other tests
(pytest-playwright's `base_url` is session-scoped, so the server must be too). The `live_server`
fixture adds the `app` fixture, so each browser test starts and ends with empty tables.
`on_a_walk` is where most offline tests start: a manager's phone, signed in, mid-walk.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import DESKTOP, PHONE, LiveServer, chromium_launch_args, start_server
from .offline import OnAWalk, a_manager, a_walk_in_progress, signed_in_phone


@pytest.fixture(scope="session")
def _live_server(_app) -> Iterator[LiveServer]:
    live = start_server(_app)
    yield live
    live.stop()


@pytest.fixture
def live_server(app, csrf_on, _live_server) -> LiveServer:
    """The running server, with CSRF checks on as in production; tables emptied afterwards."""
    return _live_server


@pytest.fixture(scope="session")
def base_url(_live_server) -> str:
    return _live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args) -> dict:
    return chromium_launch_args(browser_type_launch_args)


@pytest.fixture
def phone(live_server, new_context):
    """A page in a phone-sized, touch-enabled context (390×844)."""
    return new_context(**PHONE).new_page()


@pytest.fixture
def desktop(live_server, new_context):
    """A page in a laptop-sized context (1280×800)."""
    return new_context(**DESKTOP).new_page()


@pytest.fixture
def on_a_walk(live_server, new_context) -> OnAWalk:
    """A manager with a walk in progress at Counter B, on a phone with the app installed."""
    manager = a_manager()
    walk = a_walk_in_progress(manager)
    email, walk_path = manager.email, f"/walks/{walk.uuid}"
    context, page = signed_in_phone(new_context, email)
    return OnAWalk(context, page, email, walk_path)
