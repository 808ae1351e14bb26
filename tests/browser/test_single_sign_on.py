"""Single sign-on in a real browser: Chromium goes from the sign-in page to a real OpenID
provider on loopback (tests/oidc/provider.mjs), signs in on its login page, and comes back
signed in; someone Gemba Walk does not know comes back to a page that says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .. import oidc_provider as op
from .offline import a_manager, let_the_server_write
from .test_a11y import violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser_provider(_live_server):
    provider = op.start(_live_server.url + "/sign-in/oidc/callback")
    yield provider
    provider.stop()


@pytest.fixture
def with_sso(app, live_server, browser_provider) -> op.Provider:
    with op.configured(app, browser_provider.issuer, OIDC_LABEL="Sign in with Eastmere"):
        yield browser_provider


def sign_in_at_the_provider(page: Page, provider: op.Provider, login: str) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with Eastmere").tap()
    page.wait_for_url(lambda url: url.startswith(provider.issuer))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").tap()


def test_a_manager_signs_in_through_the_provider(phone: Page, with_sso, base_url):
    manager = a_manager(email="maya.manager@example.org")
    manager_id = str(manager.id)
    let_the_server_write()
    sign_in_at_the_provider(phone, with_sso, "Maya.Manager@example.org")
    phone.wait_for_url(lambda url: url.startswith(base_url) and "/sign-in" not in url)
    # Today, drawn by the server for the person signed in (asking /api/v1/me beside the page's
    # own sync would only race it).
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("[data-syncbar]")).to_have_attribute("data-user-id", manager_id)


def test_someone_unknown_comes_back_to_a_page_that_says_why(phone: Page, with_sso):
    a_manager()
    let_the_server_write()
    sign_in_at_the_provider(phone, with_sso, "stranger@example.org")
    expect(phone.get_by_role("heading", name="You cannot sign in to Gemba Walk")).to_be_visible()
    expect(phone.get_by_text("Nobody in Gemba Walk has the email address")).to_be_visible()
    assert phone.request.get("/api/v1/me").status == 401
    assert not violations(phone)
    phone.goto("/sign-in")
    assert not violations(phone)  # the sign-in page with its single sign-on button
