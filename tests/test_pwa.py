"""The installable app's files: manifest, service worker and the app shell it keeps."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

from flask_babel import force_locale, get_translations, gettext
from PIL import Image

from gembawalk import limits
from gembawalk.api.walks import SCHEMAS as WALK_SCHEMAS
from gembawalk.extensions import db
from gembawalk.models import Correction
from gembawalk.pwa import texts as pwa_texts
from gembawalk.pwa import views as pwa_views
from gembawalk.services.sync import walks as sync_walks
from gembawalk.timeutil import utcnow
from tests.conftest import sign_in
from tests.factories import PersonFactory, WalkFactory, done_walk


def test_the_manifest_makes_the_app_installable(client, manager):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    manifest = json.loads(response.get_data())
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["theme_color"] == "#0f5c4d"
    assert {"name", "short_name"} <= manifest.keys()
    sizes = {}
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).get_data()))
        assert icon["sizes"] == f"{image.width}x{image.height}"
        sizes[(icon["sizes"], icon["purpose"])] = image.format
    assert sizes == {
        ("192x192", "any"): "PNG",
        ("512x512", "any"): "PNG",
        ("512x512", "maskable"): "PNG",
    }


def test_the_service_worker_is_served_from_the_root_and_always_revalidated(client, manager):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"


def worker_config(client) -> dict:
    first_line = client.get("/sw.js").get_data(as_text=True).splitlines()[0]
    return json.loads(re.fullmatch(r"self\.GEMBA_SW = (.*);", first_line).group(1))


def test_the_worker_precaches_the_versioned_bundles_the_pages_use(client, manager):
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    bundles = re.findall(r'(/static/gen/app\.[0-9a-f]+\.(?:css|js))"', page)
    config = worker_config(client)
    assert len(bundles) == 2
    assert set(bundles) <= set(config["precache"])
    assert config["shell"] in config["precache"]
    for url in config["precache"]:
        assert client.get(url).status_code == 200, url


def test_a_new_release_gets_a_new_cache_name(app, client, manager, monkeypatch):
    before = worker_config(client)["release"]
    monkeypatch.setitem(app.config, "PWA_RELEASE", "next")
    assert worker_config(client)["release"] != before


def test_the_shell_holds_no_persons_data_and_no_csrf_token(app, client, manager):
    WalkFactory(manager=manager, place="Counter B")
    anonymous = client.get("/app").get_data(as_text=True)
    sign_in(client, manager)
    app.config["WTF_CSRF_ENABLED"] = True
    signed_in = client.get("/app").get_data(as_text=True)
    assert signed_in == anonymous  # the same page for everyone: safe to keep in a cache
    for private in ("csrf", manager.email, manager.display_name, "Counter B"):
        assert private not in signed_in
    assert client.get("/outbox").get_data(as_text=True) == signed_in


def embedded_vocabulary(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="gw-vocabulary">(.*?)</script>', page)
    assert found, "no vocabulary on the page"
    return json.loads(found.group(1))


def test_the_shell_and_the_pages_carry_the_words_and_limits_for_the_offline_scripts(
    client, manager
):
    vocabulary = embedded_vocabulary(client.get("/app").get_data(as_text=True))
    words, given = vocabulary["words"], vocabulary["limits"]
    assert ["walker", "Me (the walker)"] in words["said_by"]  # once shortened to "Me" in JS
    assert ["failure_demand", "Failure demand"] in words["category"]
    assert given["text"]["observation"] == limits.TEXT["observation"]
    assert given["walk_minutes"][0] == [15, "15 minutes"]
    assert [m for m, _ in given["walk_minutes"]] == list(limits.WALK_MINUTES)
    assert given["photo"]["side"] == limits.PHOTO_DEVICE_SIDE
    sign_in(client, manager)
    walk = WalkFactory(manager=manager)
    page = client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    assert embedded_vocabulary(page) == vocabulary  # the enhanced server pages read it too


SCRIPTS = Path(__file__).resolve().parents[1] / "static" / "js"
# How the scripts ask for a sentence or a counted phrase: say("name"), say(vocab, "name"),
# count("name", n), words().count(vocab, "name", n), "state_" + a record's state.
ASKED = re.compile(r'\b(say|count)\((?:\w+(?:\(\))?, )?"(\w+)"[,)]')


def test_every_sentence_the_offline_scripts_say_is_stated_once_in_python():
    asked: dict[str, set[str]] = {"say": set(), "count": set()}
    for script in SCRIPTS.glob("*.js"):
        for kind, name in ASKED.findall(script.read_text()):
            asked[kind].add(name)
    assert len(asked["say"]) > 80
    assert asked["count"]
    assert asked["say"] - set(pwa_texts.TEXTS) == set()
    assert asked["count"] - set(pwa_texts.PLURALS) == set()
    # Names the scripts put together: "state_" + a record's state, "too_long_" + a field, and
    # the outbox's sentences about a walk the device no longer holds.
    states = {f"state_{s}" for s in ("pending", "sent", "attention", "conflict", "removed")}
    fields = {"observation", "place", "purpose", "frontline_met", "summary"}
    unknown = {f"outbox_{s}_unknown" for s in ("undo_tally", "observation", "photo")}
    built = states | {f"too_long_{field}" for field in fields} | unknown
    assert built <= set(pwa_texts.TEXTS)
    # The node tests' vocabulary has no sentence the server does not.
    fixture = (Path(__file__).parent / "js" / "vocabulary.js").read_text()
    named = set(re.findall(r"^\s+(\w+): ", fixture.split("texts: {")[1].split("plurals:")[0], re.M))
    assert named
    assert named <= set(pwa_texts.TEXTS)


# A string literal that reads as words for people: two words or more, capitalised or with a
# sentence's punctuation (CSS class lists are neither).
SENTENCE = re.compile(r'"([A-Z][\w’\']*(?: [^"]+)+|[a-z][\w’\']* [^"]*[.:!?…][^"]*)"')


def test_the_offline_scripts_hold_no_words_of_their_own():
    """Every word meant for people comes from the vocabulary: none is written into a script
    (its comments, console messages and the product's name aside)."""
    found = []
    for script in sorted(SCRIPTS.glob("*.js")):
        for number, line in enumerate(script.read_text().splitlines(), 1):
            code = "" if line.lstrip().startswith("//") else line.split(" // ")[0]
            if "console." in code or "Error(" in code:
                continue
            found += [
                f"{script.name}:{number}: {words}"
                for words in SENTENCE.findall(code)
                if words != "Gemba Walk"
            ]
    assert found == []


def test_the_offline_app_speaks_the_readers_language(client, manager):
    """The shell in Welsh: `<html lang="cy">`, the catalogue's sentences, and each counted
    phrase in Welsh's six plural forms (zero, one, two, few, many, other)."""
    page = client.get("/app", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="cy">' in page
    vocabulary = embedded_vocabulary(page)
    assert vocabulary["language"] == "cy"
    with force_locale("cy"):
        assert vocabulary["texts"]["sync_now"] == gettext("Sync now") != "Sync now"
        assert vocabulary["texts"]["choose_category"] == gettext("Choose what you saw.")
        assert gettext("Opening what is saved on this device…") in page
        samples = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 7}
        wanted = {
            category: get_translations().ngettext("%(num)d observation", "%(num)d observations", n)
            for category, n in samples.items()
        }
    assert vocabulary["plurals"]["observations"] == wanted
    english = embedded_vocabulary(client.get("/app").get_data(as_text=True))
    assert english["plurals"]["observations"] == {
        "one": "%(num)d observation",
        "other": "%(num)d observations",
    }
    assert english["texts"]["sync_now"] == "Sync now"


def test_new_words_or_limits_give_a_new_release(client, manager, monkeypatch):
    before = worker_config(client)["release"]
    changed = {**pwa_views.offline_vocabulary(), "defaults": {"walk_minutes": 45}}
    monkeypatch.setattr(pwa_views, "offline_vocabulary", lambda: changed)
    assert worker_config(client)["release"] != before


def test_pages_link_the_manifest_and_hold_the_status_area(client, manager):
    sign_in(client, manager)
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'data-syncbar data-user-id="{manager.id}"' in page


def test_a_fresh_install_serves_the_installable_app_before_anybody_exists(client):
    # Nobody exists yet: pages go to the first-run page, but the browser that opened it must
    # still be able to install the worker, whose precache list (shell, manifest, icons) would
    # otherwise be filled with the first-run page and its CSRF token.
    assert client.get("/").headers["Location"] == "/first-run"
    assert client.get("/sw.js").status_code == 200
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    for icon in manifest.get_json()["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon["src"]
    for url in worker_config(client)["precache"]:
        assert client.get(url).status_code == 200, url  # not a redirect to /first-run
    assert client.get("/outbox").status_code == 200
    assert client.get("/").headers["Location"] == "/first-run"  # still nobody


def test_the_walk_fields_the_device_sends_are_the_ones_the_api_reads(client):
    """The offline client types no walk field: it sends the list the page embeds, which is
    what services/sync/walks.py reads and what the OpenAPI document names for WalkInput."""
    sent = embedded_vocabulary(client.get("/app").get_data(as_text=True))["fields"]["walk"]
    assert tuple(sent) == sync_walks.WALK_FIELDS
    assert set(sent) == set(WALK_SCHEMAS["WalkInput"]["properties"]) - {"base_version"}
    assert sync_walks.wanted_walk({"place": "Gate", "unplanned": True}) == {
        "place": "Gate",
        "unplanned": True,
    }


def test_the_language_a_person_reads_is_not_a_new_release(client):
    """One release for every reader: the worker keeps the shell in the person's language by
    fetching it again (sw.js keepShellIn), never by offering an update."""
    english = worker_config(client)["release"]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "cy"
    assert worker_config(client)["release"] == english


def test_a_device_keeps_corrected_walks_histories_as_their_pages_draw_them(client, manager):
    """GET /app/history: the walk page's "Corrected" block for each walk asked that the reader
    may see, and the walk's JSON says how many corrections its history holds."""
    walk = done_walk(manager, utcnow() - timedelta(hours=2), summary="Returns wait two days.")
    other = done_walk(PersonFactory(roles=["manager"]), utcnow() - timedelta(hours=2))
    for record in (walk, other):
        changes = {"summary": ["Returns wait a day.", "Returns wait two days."]}
        db.session.add(
            Correction(
                walk_id=record.id,
                version=2,
                changed_by_id=record.manager_id,
                changes_json=json.dumps(changes),
            )
        )
    db.session.commit()
    asked = f"/app/history?walk={walk.uuid}&walk={other.uuid}&walk=not-a-uuid"
    assert "/sign-in" in client.get(asked).headers["Location"]  # as every page

    sign_in(client, manager)
    [listed] = [
        w for w in client.get("/api/v1/walks").get_json()["walks"] if w["uuid"] == str(walk.uuid)
    ]
    assert listed["corrections"] == 1
    drawn = client.get(asked).get_json()["history"]
    assert list(drawn) == [str(walk.uuid)]  # someone else's walk is left out
    page = client.get(f"/walks/{walk.uuid}").get_data(as_text=True)
    block = re.search(r'<section class="card stack history".*?</section>', page, re.S)
    assert block is not None
    assert drawn[str(walk.uuid)].strip() == block.group(0).strip()
