"""Every page of the app as each demo role sees it, for the checks that must cover them all
(HTML validity, accessibility, screenshots).

The list is built, not written: starting from each role's home page and every address of the
URL map that takes no arguments, the crawler follows the app's own links and keeps one address
per page (endpoint and query-string shape). Then
`unvisited` compares what it reached with the URL map, so a page added later without a link to
it, or left out of the checks, fails the test that uses this module instead of going unchecked.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from . import oidc_provider

DEMO_PASSWORD = "gemba-demo"  # documented in the README and printed by `make run`
ROLES = {
    "manager": "manager@example.org",
    "director": "director@example.org",
    "coach": "coach@example.org",
    "admin": "admin@example.org",
}

# GET endpoints that are not pages a person reads, each with the reason.
NOT_PAGES = {
    "static": "files, not pages",
    "calendar.feed": "an iCalendar feed for calendar apps",
    "calendar.walk_ics": "an iCalendar file",
    "api.openapi": "JSON for programs",
    "pwa.manifest": "the web app manifest (JSON)",
    "pwa.service_worker": "the service worker script",
    "pwa.walk_histories": "walk pages' history blocks for the device to keep (JSON)",
    "walks.start": "a Start sent again (Back) is sent back to the walk's page",
    # Only with single sign-on set up; anonymous_pages checks the pages they answer with.
    "sso.start": "a redirect to the OpenID provider",
    "sso.callback": "the provider's way back: a redirect once signed in",
    "sso.confirm": "a redirect to the OpenID provider, to confirm who one is",
    "wall.qr": "the wall's QR code (an SVG image)",
}
# Pages no crawl can reach once the demo exists, each with the reason.
UNREACHABLE = {
    "auth.first_run": "only before anybody exists; redirects to sign-in afterwards",
}

# Every page is checked in each language (README: Languages): the source and each catalogue.
LANGUAGES = ("en", "nl", "cy")
HTML_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"")


def speaking(client, language: str):
    """The test client asking for `language` on every request (its Accept-Language)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def wrong_language(pages: dict[str, str], language: str) -> list[str]:
    """The pages whose `<html lang>` is not `language`, each with what it says instead."""
    found = {name: HTML_LANG.search(html) for name, html in pages.items()}
    return [
        f"{name}: lang={match.group(1) if match else None!r}"
        for name, match in found.items()
        if match is None or match.group(1) != language
    ]


HREF = re.compile(r"""href="([^"#]*)(?:#[^"]*)?\"""")
# Query-string values that make a page look different; other values are one shape.
SHAPING = {"show", "category", "period", "tab", "view"}


@dataclass
class Crawl:
    """What one role's crawl reached: page key → address, and its HTML."""

    role: str
    pages: dict[tuple, str] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)

    @property
    def endpoints(self) -> set[str]:
        return {key[0] for key in self.pages}


def page_endpoints(app: Flask) -> set[str]:
    """Endpoints answering GET with an HTML page (the API and files left out)."""
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith("/api/") or rule.rule.endswith((".ics", ".csv", ".json", ".js")):
            continue
        found.add(rule.endpoint)
    return found


def bare_addresses(app: Flask) -> list[str]:
    """Addresses of the pages that take no arguments, straight from the URL map."""
    pages = page_endpoints(app)
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint in pages and not rule.arguments and "GET" in (rule.methods or ())
    )


def _key(app: Flask, address: str) -> tuple | None:
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint in NOT_PAGES or endpoint not in page_endpoints(app):
        return None
    shape = tuple(
        sorted((k, v if k in SHAPING else "") for k, v in parse_qsl(parts.query) if v != "")
    )
    return (endpoint, shape)


def crawl(
    app: Flask, client, role: str, start: str = "/", limit: int = 60, also: tuple[str, ...] = ()
) -> Crawl:
    """Follow links from `start` as the signed-in `client`, one address per page shape; `also`
    names pages the links from the home page would not reach first."""
    result = Crawl(role)
    # The links from the home page first, then every page the URL map can address by itself.
    queue = [start, *also, *bare_addresses(app)]
    seen_keys: set[tuple] = set()
    while queue and len(result.pages) < limit:
        address = queue.pop(0)
        key = _key(app, address)
        if key is None or key in seen_keys:
            continue
        seen_keys.add(key)
        response = client.get(address, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        final = response.request.path + (
            "?" + response.request.query_string.decode() if response.request.query_string else ""
        )
        final_key = _key(app, final) or key
        if final_key in result.pages:
            continue
        seen_keys.add(final_key)
        html = response.get_data(as_text=True)
        result.pages[final_key] = final
        result.html[final] = html
        queue.extend(href.replace("&amp;", "&") for href in HREF.findall(html))
    return result


def unvisited(app: Flask, crawls: list[Crawl]) -> set[str]:
    """Page endpoints that no role's crawl reached (the known unreachable ones left out)."""
    reached = set().union(*(c.endpoints for c in crawls)) if crawls else set()
    return page_endpoints(app) - reached - set(UNREACHABLE)


START = re.compile(r'action="(/walks/[0-9a-f-]{36}/start)"')


def start_a_walk(client) -> str | None:
    """Start the first walk planned for today (from Today), so that the record-a-walk screen
    and Complete exist; returns the walk's address."""
    html = client.get("/").get_data(as_text=True)
    found = START.search(html)
    if not found:
        return None
    client.post(found.group(1))
    return found.group(1).removesuffix("/start")


WALK = re.compile(r'href="(/walks/[0-9a-f-]{36})"')
CORRECT = re.compile(r'href="(/walks/[0-9a-f-]{36}(?:/observations/[0-9a-f-]{36})?/correct)"')


def correct_addresses(client) -> tuple[str, ...]:
    """The Correct pages of the most recent done walk the manager may still correct (one
    walk's page is all a crawl reads, and it is the walk being recorded)."""
    done = client.get("/walks/?show=done").get_data(as_text=True)
    for walk in dict.fromkeys(WALK.findall(done)):
        found = CORRECT.findall(client.get(walk).get_data(as_text=True))
        if found:
            return tuple(found[:2])
    return ()


# Forms sent empty, to check how their errors read: address → what to post.
EMPTY_FORMS = {
    "manager": ["/walks/new", "{walk}/observations", "{walk}/complete", "/account/password"],
    "coach": ["/account/password"],
    "admin": [
        "/admin/people/new",
        "/admin/units/new",
        "/admin/customers/new",
        "/admin/import/people",
    ],
}
# Files sent to the admin's import pages: the preview of every change, and the list of
# problems of a file refused (pages only a POST shows).
IMPORT_FILES = {
    "preview": (
        "email,name,org_unit,roles\nnew.person@example.org,New Person,Imported / Team,manager\n"
    ),
    "refused": "email,name,org_unit,roles\nnot-an-address,,,boss\n",
}


def error_pages(client, role: str, walk: str | None) -> dict[str, str]:
    """Each of the role's forms sent empty: the page that says what to fix, by a label."""
    found = {}
    for address in EMPTY_FORMS.get(role, []):
        if "{walk}" in address:
            if walk is None:
                continue
            address = address.format(walk=walk)
        response = client.post(address, data={})
        if response.mimetype == "text/html" and response.status_code in (200, 400, 422):
            found[f"POST {address} (empty)"] = response.get_data(as_text=True)
    if role == "director":  # a unit's standard questions, the Add form sent empty
        from gembawalk.extensions import db
        from gembawalk.models import OrgUnit

        top = db.session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        if top is not None:
            response = client.post(f"/questions/{top}", data={"action": "add"})
            assert response.status_code == 422, response.status_code
            found["POST /questions/<unit> (empty)"] = response.get_data(as_text=True)
    if role == "admin":
        for name, text in IMPORT_FILES.items():
            data = {"file": (io.BytesIO(text.encode()), "people.csv")}
            response = client.post("/admin/import/people", data=data)
            assert response.status_code in (200, 422), response.status_code
            found[f"POST /admin/import/people ({name})"] = response.get_data(as_text=True)
    return found


def wall_pages(client) -> dict[str, str]:
    """A unit's wall and its poster as the frontline opens them, with no sign-in (the unit
    with the most on its wall, so that answered, unanswered and open items are all drawn)."""
    from gembawalk.extensions import db
    from gembawalk.models import OrgUnit
    from gembawalk.services import wall

    units = list(db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None))))
    if not units:
        return {}
    token = wall.wall_token(units[0])
    return {
        "/wall/<token>": client.get(f"/wall/{token}").get_data(as_text=True),
        "/wall/<token>/poster": client.get(f"/wall/{token}/poster").get_data(as_text=True),
    }


def anonymous_pages(client) -> dict[str, str]:
    """What a person sees before signing in, a failed sign-in included, a missing page, a
    unit's wall and poster (anonymous by design), and single sign-on's pages (with a provider
    that does not answer: they need none)."""
    app = client.application
    down = f"http://127.0.0.1:{oidc_provider.free_port()}"
    with oidc_provider.configured(app, down):
        sso = {
            "/sign-in (single sign-on)": client.get("/sign-in").get_data(as_text=True),
            "/sign-in/oidc (provider down)": client.get("/sign-in/oidc").get_data(as_text=True),
            "/sign-in/oidc/callback (refused)": client.get(
                "/sign-in/oidc/callback?state=made-up&code=made-up"
            ).get_data(as_text=True),
        }
    with oidc_provider.configured(app, down, PASSWORD_SIGN_IN=False):
        sso["/sign-in (password sign-in off)"] = client.get("/sign-in").get_data(as_text=True)
    return {
        **sso,
        **wall_pages(client),
        "/sign-in": client.get("/sign-in").get_data(as_text=True),
        "POST /sign-in (wrong password)": client.post(
            "/sign-in", data={"email": ROLES["manager"], "password": "not-it"}
        ).get_data(as_text=True),
        "/no-such-page": client.get("/no-such-page").get_data(as_text=True),
    }
