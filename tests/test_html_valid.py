"""Every page is valid HTML: the Nu Html Checker (npm `vnu-jar`) over each page each demo role
reaches, the forms' error states and the pages seen before signing in, in one Java run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gembawalk.demo.load import load_demo
from gembawalk.extensions import db

from . import pages

VNU_JAR = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist"


def _vnu() -> list[str]:
    java = shutil.which("java")
    if not java:
        pytest.skip("HTML validity: Java is not installed (the Nu Html Checker needs it)")
    jar = VNU_JAR / "vnu.jar"
    if not jar.exists():
        pytest.skip("HTML validity: vnu.jar is missing; `make install` runs `npm ci` for it")
    return [java, "-jar", str(jar)]


def every_page(app) -> dict[str, str]:
    """Address (with the role) → HTML, for every page of the demo."""
    load_demo()
    found = {f"anonymous {a}": html for a, html in pages.anonymous_pages(app.test_client()).items()}
    crawls = []
    for role, email in pages.ROLES.items():
        client = app.test_client()
        response = client.post("/sign-in", data={"email": email, "password": pages.DEMO_PASSWORD})
        assert response.status_code == 302, f"{role} could not sign in"
        walk = pages.start_a_walk(client) if role == "manager" else None
        also = pages.correct_addresses(client) if role == "manager" else ()
        crawl = pages.crawl(app, client, role, also=also)
        crawls.append(crawl)
        found.update({f"{role} {a}": html for a, html in crawl.html.items()})
        found.update(
            {f"{role} {a}": html for a, html in pages.error_pages(client, role, walk).items()}
        )
    missing = pages.unvisited(app, crawls) - {"auth.sign_in"}
    assert not missing, f"pages no role reached, so never checked: {sorted(missing)}"
    return found


# The pages translated so far (README: Languages), checked again in Dutch and Welsh.
TRANSLATED = (
    "/account",
    "/account/sessions",
    "/account/password",
    "/no-such-page",
    "/",
    "/more",
    "/follow-ups/",
    "/follow-ups/?show=closed",
    "/sync/conflicts/",
)
# The walk pages and the capture forms (templates/walks, templates/_macros): these, then the walk
# under way and its Complete, the Correct pages, and Plan and Complete sent empty.
WALK_PAGES = ("/walks/", "/walks/?show=done", "/walks/new", "/walks/start-now", "/walks/record")
ADMIN_TRANSLATED = ("/admin/people", "/admin/units", "/admin/customers", "/admin/audit",
                    "/admin/import/people", "/admin/people/new", "/notifications/")  # fmt: skip


def translated_pages(app) -> dict[str, str]:
    found = {}
    for language in ("nl", "cy"):
        client = app.test_client()
        headers = {"Accept-Language": language}
        found[f"anonymous /sign-in {language}"] = client.get("/sign-in", headers=headers).text
        data = {"email": pages.ROLES["manager"], "password": pages.DEMO_PASSWORD}
        assert client.post("/sign-in", data=data).status_code == 302
        for address in TRANSLATED + WALK_PAGES:
            found[f"manager {address} {language}"] = client.get(address, headers=headers).text
        walk = pages.WALK.search(client.get("/walks/").text).group(1)
        for address in (walk, f"{walk}/complete", *pages.correct_addresses(client)):
            found[f"manager {address} {language}"] = client.get(address, headers=headers).text
        for address in ("/walks/new", f"{walk}/complete"):
            refused = client.post(address, data={}, headers=headers).text
            found[f"manager {address} errors {language}"] = refused
        refused = client.post("/account/password", data={}, headers=headers).text
        found[f"manager /account/password errors {language}"] = refused
        admin = app.test_client()
        data = {"email": pages.ROLES["admin"], "password": pages.DEMO_PASSWORD}
        assert admin.post("/sign-in", data=data).status_code == 302
        for address in ADMIN_TRANSLATED:
            found[f"admin {address} {language}"] = admin.get(address, headers=headers).text
    return found


def test_every_page_is_valid_html(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("markup does not depend on the database: checked once, on SQLite")
    vnu = _vnu()
    documents = every_page(app)
    documents.update(translated_pages(app))
    names = {}
    for n, (address, html) in enumerate(documents.items()):
        path = tmp_path / f"page-{n:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = address
    assert len(names) > 40, "the crawl found too few pages to mean anything"
    # One JVM for every page: starting Java is the slow part.
    run = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [*vnu, "--errors-only", "--format", "json", *sorted(map(str, names))],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    problems = [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))}: line {m.get('lastLine')}: "
        f"{m['message']} [{(m.get('extract') or '').strip()[:80]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not problems, "\n".join(problems)
