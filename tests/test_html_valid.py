"""Every page is valid HTML: the Nu Html Checker (npm `vnu-jar`) over each page each demo role
reaches, the forms' error states and the pages seen before signing in, in English, Dutch and
Welsh (each saying so in `<html lang>`), in one Java run."""

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


def every_page(app) -> tuple[dict[str, str], list[str]]:
    """Address (with the role and language) → HTML, for every page of the demo, in each
    language: the same walk started and the same pages crawled in English, Dutch and Welsh,
    each page saying its language in `<html lang>` (the pages that do not: the second)."""
    load_demo()
    found: dict[str, str] = {}
    wrong: list[str] = []
    for language in pages.LANGUAGES:
        anonymous = pages.anonymous_pages(pages.speaking(app.test_client(), language))
        wrong += pages.wrong_language(anonymous, language)
        found.update({f"anonymous {a} [{language}]": html for a, html in anonymous.items()})
    crawls = []
    for role, email in pages.ROLES.items():
        client = app.test_client()
        response = client.post("/sign-in", data={"email": email, "password": pages.DEMO_PASSWORD})
        assert response.status_code == 302, f"{role} could not sign in"
        walk = pages.start_a_walk(client) if role == "manager" else None
        also = pages.correct_addresses(client) if role == "manager" else ()
        for language in pages.LANGUAGES:
            pages.speaking(client, language)
            crawl = pages.crawl(app, client, role, also=also)
            crawls.append(crawl)
            seen = {**crawl.html, **pages.error_pages(client, role, walk)}
            wrong += pages.wrong_language({f"{role} {a}": h for a, h in seen.items()}, language)
            found.update({f"{role} {a} [{language}]": html for a, html in seen.items()})
    missing = pages.unvisited(app, crawls) - {"auth.sign_in"}
    assert not missing, f"pages no role reached, so never checked: {sorted(missing)}"
    return found, wrong


def test_every_page_is_valid_html(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("markup does not depend on the database: checked once, on SQLite")
    vnu = _vnu()
    documents, wrong_language = every_page(app)
    names = {}
    for n, (address, html) in enumerate(documents.items()):
        path = tmp_path / f"page-{n:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = address
    assert len(names) > 3 * 40, "the crawl found too few pages to mean anything"
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
    assert not wrong_language, "not in the language asked for:\n" + "\n".join(wrong_language)
