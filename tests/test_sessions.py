"""A session per device: signing in makes one, signing out ends that one only, the sessions
page lists and ends them, and the idle, absolute and remember-me limits hold for each."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import inspect, select

from gembawalk.auth.session import SEEN_AT
from gembawalk.extensions import db
from gembawalk.models import AuditEvent, DeviceSession
from gembawalk.services.errors import NotFound
from gembawalk.services.people import accounts as people
from gembawalk.services.people import devices, sessions
from gembawalk.timeutil import utcnow

from .conftest import count_queries
from .factories import PASSWORD, PersonFactory

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0"


def rows(person) -> list[DeviceSession]:
    db.session.expire_all()
    query = select(DeviceSession).where(DeviceSession.person_id == person.id)
    return list(db.session.scalars(query.order_by(DeviceSession.id)))


def device(app, person, user_agent: str = PHONE, remember: bool = False):
    """A test client signed in as `person`, as a browser with this User-Agent."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    data = {"email": person.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302
    return client


def named(device_session: DeviceSession) -> tuple[str, str]:
    return device_session.browser, device_session.system


def cookie(client, name: str = "session") -> str:
    return client.get_cookie(name).value


def replayed(app, name: str, value: str, path: str = "/api/v1/me"):
    other = app.test_client()
    other.set_cookie(name, value)
    return other.get(path)


def forget_session_cookie(client) -> None:
    """What a browser does when the session cookie ends but the remember cookie stays."""
    client.delete_cookie("session")


def kinds() -> list[str]:
    db.session.expire_all()
    return [e.kind for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# The service


def test_a_session_keeps_only_a_hash_of_its_secret(app, manager):
    made, cookie_id = sessions.start(manager, remember=False, user_agent=PHONE, address="192.0.2.7")
    person_id, secret = cookie_id.split(":")
    assert person_id == str(manager.id)
    assert len(secret) >= 43  # 256 random bits
    [row] = rows(manager)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(getattr(row, column.key)) for column in inspect(DeviceSession).columns]
    assert not any(secret in value for value in stored)
    assert (row.browser, row.system, row.address) == ("Chrome 131", "Android 14", "192.0.2.7")
    assert sessions.resume(cookie_id).id == made.id


def test_each_sign_in_is_a_session_of_its_own(app, manager):
    first = sessions.start(manager, remember=False, user_agent=PHONE, address=None)[1]
    second = sessions.start(manager, remember=False, user_agent=LAPTOP, address=None)[1]
    assert first != second
    assert len(rows(manager)) == 2
    assert sessions.resume(first).id != sessions.resume(second).id


@pytest.mark.parametrize(
    "cookie_id",
    [
        "",
        "7",
        "7:",
        ":secret",
        "x:secret",
        "١:secret",  # a digit to str.isdigit, not to the database
        "99999999999999999999999:secret",  # over 64 bits
        "1:se\x00cret",
        "1:" + "a" * 5000,
    ],
)
def test_a_malformed_cookie_is_nobody(app, manager, cookie_id):
    sessions.start(manager, remember=False, user_agent=None, address=None)
    assert sessions.resume(cookie_id) is None


def test_a_secret_names_its_own_person_only(app, manager, admin):
    cookie_id = sessions.start(manager, remember=False, user_agent=None, address=None)[1]
    secret = cookie_id.split(":")[1]
    assert sessions.resume(f"{admin.id}:{secret}") is None


def test_an_idle_session_ends_and_activity_keeps_it_until_its_absolute_limit(app, manager):
    idle = timedelta(minutes=app.config["GEMBAWALK_SESSION_IDLE_MINUTES"])
    longest = timedelta(hours=app.config["GEMBAWALK_SESSION_MAX_HOURS"])
    start = utcnow()
    made, cookie_id = sessions.start(
        manager, remember=False, user_agent=None, address=None, now=start
    )
    # "Last seen" may lag a minute behind the last request, so the limit allows for it.
    assert sessions.resume(cookie_id, now=start + idle + sessions.TOUCH_EVERY / 2) is not None
    assert sessions.resume(cookie_id, now=start + idle + 2 * sessions.TOUCH_EVERY) is None

    at = start
    while at < start + longest - idle:  # active all day long
        at += idle / 2
        live = sessions.resume(cookie_id, now=at)
        assert live is not None
        sessions.touch(live, address=None, now=at)
    assert sessions.resume(cookie_id, now=start + longest + timedelta(seconds=1)) is None


def test_a_remembered_session_outlives_the_idle_limit_but_not_its_days(app, manager):
    days = timedelta(days=app.config["GEMBAWALK_REMEMBER_DAYS"])
    start = utcnow()
    cookie_id = sessions.start(manager, remember=True, user_agent=None, address=None, now=start)[1]
    assert sessions.resume(cookie_id, now=start + timedelta(days=3)) is not None
    assert sessions.resume(cookie_id, now=start + days + timedelta(seconds=1)) is None


def test_last_seen_is_written_at_most_once_a_minute(app, manager):
    start = utcnow()
    made, cookie_id = sessions.start(
        manager, remember=False, user_agent=None, address=None, now=start
    )
    with count_queries() as statements:
        for second in (1, 20, 59):
            live = sessions.resume(cookie_id, now=start + timedelta(seconds=second))
            assert (
                sessions.touch(live, address=None, now=start + timedelta(seconds=second)) is False
            )
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    later = start + timedelta(seconds=61)
    assert sessions.touch(sessions.resume(cookie_id, now=later), address="198.51.100.4", now=later)
    [row] = rows(manager)
    assert (row.last_seen_at, row.address) == (later, "198.51.100.4")


def test_signing_in_clears_away_the_persons_sessions_that_ran_out(app, manager):
    long_ago = utcnow() - timedelta(days=90)
    sessions.start(manager, remember=True, user_agent=None, address=None, now=long_ago)
    sessions.start(manager, remember=False, user_agent=None, address=None, now=long_ago)
    assert len(rows(manager)) == 2
    sessions.start(manager, remember=False, user_agent=None, address=None)
    assert len(rows(manager)) == 1


def test_the_list_holds_ones_own_live_sessions_only(app, manager, admin):
    sessions.start(manager, remember=False, user_agent=PHONE, address=None)
    sessions.start(manager, remember=False, user_agent=LAPTOP, address=None)
    sessions.start(admin, remember=False, user_agent=LAPTOP, address=None)
    sessions.start(
        manager, remember=False, user_agent=None, address=None, now=utcnow() - timedelta(days=2)
    )
    listed = sessions.list_for(manager)
    assert [named(d) for d in listed] == [("Firefox 133", "macOS"), ("Chrome 131", "Android 14")]
    phone = listed[1]
    assert [named(d) for d in sessions.list_for(manager, first=phone.id)] == [
        ("Chrome 131", "Android 14"),
        ("Firefox 133", "macOS"),
    ]


def test_nobody_ends_someone_elses_session(app, manager, admin):
    theirs, cookie_id = sessions.start(admin, remember=False, user_agent=None, address=None)
    with pytest.raises(NotFound):
        sessions.end(manager, theirs.id)
    assert sessions.resume(cookie_id) is not None


def test_signing_out_everywhere_else_keeps_this_one(app, manager, admin):
    kept, kept_cookie = sessions.start(manager, remember=False, user_agent=None, address=None)
    others = [
        sessions.start(manager, remember=True, user_agent=None, address=None)[1] for _ in range(3)
    ]
    admins = sessions.start(admin, remember=False, user_agent=None, address=None)[1]
    assert sessions.end_others(manager, kept.id) == 3
    assert [sessions.resume(c) for c in others] == [None, None, None]
    assert sessions.resume(kept_cookie) is not None
    assert sessions.resume(admins) is not None


def test_a_new_password_ends_every_session(app, manager):
    cookies = [sessions.start(manager, remember=True, user_agent=None, address=None)[1]] * 2
    people.change_password(manager, current=PASSWORD, new="another long passphrase")
    assert [sessions.resume(c) for c in cookies] == [None, None]


def test_an_admins_end_sessions_ends_every_device(app, admin, manager):
    cookies = [
        sessions.start(manager, remember=r, user_agent=None, address=None)[1] for r in (0, 1)
    ]
    mine = sessions.start(admin, remember=False, user_agent=None, address=None)[1]
    people.end_sessions_of(admin, manager.id)
    assert [sessions.resume(c) for c in cookies] == [None, None]
    assert sessions.resume(mine) is not None


@pytest.mark.parametrize(
    ("user_agent", "browser", "system"),
    [
        (PHONE, "Chrome 131", "Android 14"),
        (LAPTOP, "Firefox 133", "macOS"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Safari 17",
            "iOS 17",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
            "Edge 131",
            "Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
            "Samsung Internet 23",
            "Android 13",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
            "Chrome 120",
            "iPadOS 16",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome 131",
            "ChromeOS",
        ),
        ("python-requests/2.32.3", "python-requests 2", ""),
        ("", "", ""),
        (None, "", ""),
        ("Mozilla/5.0 " + "(" * 10000, "", ""),
        ("\x00\x01<script>", "", ""),
    ],
)
def test_the_user_agent_reads_as_a_browser_and_a_system(user_agent, browser, system):
    assert devices.describe(user_agent) == (browser, system)


# Pages and the API: two test clients are two devices


def test_signing_out_on_one_device_keeps_the_other_signed_in(app, manager):
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    captured = cookie(laptop)
    assert laptop.post("/sign-out").status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200
    assert phone.get("/api/v1/me").status_code == 200
    assert replayed(app, "session", captured).status_code == 401  # the ended one stays ended
    assert [named(r) for r in rows(manager)] == [("Chrome 131", "Android 14")]
    signed_out = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "sign_out")).one()
    assert signed_out.detail == "Firefox 133 on macOS"


def test_the_sessions_page_lists_mine_and_marks_this_one(app, manager, admin):
    laptop = device(app, manager, LAPTOP)
    device(app, manager, PHONE)
    device(app, admin, PHONE)
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("data-session=") == 2
    assert 'Firefox 133 on macOS <span class="tag">This device</span>' in html
    assert "Chrome 131 on Android 14</h2>" in html
    # This device first, though the phone signed in (and was seen) since.
    assert html.index("This device") < html.index("Chrome 131 on Android 14")
    assert "Sign out everywhere else" in html
    assert "/account/sessions" in laptop.get("/account").get_data(as_text=True)


def said(app, code: str, message: str, **variables) -> str:
    """What the catalogue says for `message` in language `code`."""
    with app.test_request_context(), force_locale(code):
        return gettext(message, **variables)


@pytest.mark.parametrize("code", ["nl", "cy"])
def test_the_sessions_page_names_devices_in_the_persons_language(app, manager, code):
    """The product names stay as stored; "on" and the unknown browser and system are the
    catalogue's words in the person's own language, and the audit log keeps English."""
    manager.language = code
    db.session.commit()
    laptop = device(app, manager, LAPTOP)
    device(app, manager, "")
    [unknown_id] = [r.id for r in rows(manager) if r.browser == ""]
    assert named(db.session.get(DeviceSession, unknown_id)) == ("", "")
    on = "%(browser)s on %(system)s"
    firefox = said(app, code, on, browser="Firefox 133", system="macOS")
    unknown = said(
        app,
        code,
        on,
        browser=said(app, code, "Unknown browser"),
        system=said(app, code, "Unknown system"),
    )
    assert firefox != "Firefox 133 on macOS"  # the catalogue has the words
    page = unescape(laptop.get("/account/sessions").get_data(as_text=True))
    assert f'<h2 class="h3">{firefox} <span class="tag">' in page
    assert f'<h2 class="h3">{unknown}</h2>' in page
    assert "Unknown browser" not in page
    assert " on macOS" not in page

    response = laptop.post(f"/account/sessions/{unknown_id}/end")
    flashed = unescape(laptop.get(response.headers["Location"]).get_data(as_text=True))
    assert said(app, code, "Signed out: %(device)s.", device=unknown) in flashed
    signed_out = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "sign_out")).one()
    assert signed_out.detail == "Unknown browser on Unknown system"


def test_a_device_is_signed_out_from_the_sessions_page(app, manager):
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    [phone_id] = [r.id for r in rows(manager) if r.browser == "Chrome 131"]
    response = laptop.post(f"/account/sessions/{phone_id}/end")
    assert response.status_code == 302
    assert "Signed out: Chrome 131 on Android 14." in laptop.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    ended = phone.get("/walks/")
    assert ended.status_code == 302
    assert "/sign-in" in ended.headers["Location"]
    assert "Your session ended" in phone.get(ended.headers["Location"]).get_data(as_text=True)
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/walks/").status_code == 200
    # Ending it again, or a session that is not mine, finds nothing.
    assert laptop.post(f"/account/sessions/{phone_id}/end").status_code == 404


def test_nobody_ends_another_persons_session_from_the_page(app, manager, admin):
    theirs = device(app, admin, PHONE)
    mine = device(app, manager, LAPTOP)
    [their_row] = rows(admin)
    assert mine.post(f"/account/sessions/{their_row.id}/end").status_code == 404
    assert theirs.get("/api/v1/me").status_code == 200


def test_signing_out_this_device_from_the_sessions_page(app, manager):
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    [laptop_row] = [r for r in rows(manager) if r.browser == "Firefox 133"]
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert 'action="/sign-out"' in page  # this device's button is the ordinary sign-out
    response = laptop.post(f"/account/sessions/{laptop_row.id}/end")
    assert response.headers["Location"].endswith("/sign-in")
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200


def test_sign_out_everywhere_else(app, manager):
    laptop = device(app, manager, LAPTOP)
    phones = [device(app, manager, PHONE, remember=True) for _ in range(2)]
    remembered = [cookie(p, "remember_token") for p in phones]
    response = laptop.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert "2 devices" in laptop.get("/account/sessions").get_data(as_text=True)
    assert all(p.get("/api/v1/me").status_code == 401 for p in phones)
    assert all(replayed(app, "remember_token", r).status_code == 401 for r in remembered)
    assert laptop.get("/api/v1/me").status_code == 200
    assert [r.browser for r in rows(manager)] == ["Firefox 133"]
    assert "Sign out everywhere else" not in laptop.get("/account/sessions").get_data(as_text=True)


def test_the_sessions_page_needs_a_sign_in_and_its_forms_csrf(app, client, manager):
    assert client.get("/account/sessions").status_code == 302
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    [phone_id] = [r.id for r in rows(manager) if r.browser == "Chrome 131"]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert laptop.post("/account/sessions/end-others").status_code == 400  # no token
        assert laptop.post(f"/account/sessions/{phone_id}/end").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert phone.get("/api/v1/me").status_code == 200


def test_changing_the_password_ends_the_other_devices_and_keeps_this_one(app, manager):
    laptop = device(app, manager, LAPTOP, remember=True)
    phone = device(app, manager, PHONE, remember=True)
    old_remember = cookie(laptop, "remember_token")
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "another long passphrase",
            "confirm": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 200
    assert replayed(app, "remember_token", old_remember).status_code == 401
    [row] = rows(manager)
    assert (row.browser, row.remember) == ("Firefox 133", True)  # still kept signed in
    forget_session_cookie(laptop)
    assert laptop.get("/api/v1/me").status_code == 200  # from its new remember cookie


@pytest.mark.parametrize("action", ["deactivate", "end-sessions"])
def test_deactivation_and_end_sessions_end_every_device(app, admin, manager, action):
    admin_client = device(app, admin, LAPTOP)
    phone = device(app, manager, PHONE, remember=True)
    laptop = device(app, manager, LAPTOP)
    remembered = cookie(phone, "remember_token")
    assert admin_client.post(f"/admin/people/{manager.id}/{action}").status_code == 302
    assert phone.get("/api/v1/me").status_code == 401
    assert laptop.get("/api/v1/me").status_code == 401
    assert replayed(app, "remember_token", remembered).status_code == 401
    assert rows(manager) == []
    assert admin_client.get("/api/v1/me").status_code == 200


def test_an_idle_device_ends_while_the_other_carries_on(app, manager):
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    idle = timedelta(minutes=app.config["GEMBAWALK_SESSION_IDLE_MINUTES"])
    [laptop_row] = [r for r in rows(manager) if r.browser == "Firefox 133"]
    laptop_row.last_seen_at = utcnow() - idle - 2 * sessions.TOUCH_EVERY
    db.session.commit()
    # Even a cookie whose own clock says "seen just now" is refused: the server's row decides.
    assert laptop.get("/walks/").status_code == 302
    assert phone.get("/walks/").status_code == 200


def test_a_device_at_its_absolute_limit_ends_while_the_other_carries_on(app, manager):
    laptop = device(app, manager, LAPTOP)
    phone = device(app, manager, PHONE)
    longest = timedelta(hours=app.config["GEMBAWALK_SESSION_MAX_HOURS"])
    [laptop_row] = [r for r in rows(manager) if r.browser == "Firefox 133"]
    laptop_row.created_at = utcnow() - longest - timedelta(seconds=5)
    db.session.commit()
    assert laptop.get("/api/v1/me").status_code == 401
    assert phone.get("/api/v1/me").status_code == 200


def test_the_cookie_clock_still_ends_an_idle_session(app, manager):
    laptop = device(app, manager, LAPTOP)
    idle = app.config["GEMBAWALK_SESSION_IDLE_MINUTES"] * 60
    with laptop.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - idle - 5
    assert laptop.get("/walks/").status_code == 302


def test_remember_me_restores_the_same_session_and_dies_with_it(app, manager):
    phone = device(app, manager, PHONE, remember=True)
    laptop = device(app, manager, LAPTOP, remember=True)
    phone_remember = cookie(phone, "remember_token")
    forget_session_cookie(phone)
    assert phone.get("/api/v1/me").status_code == 200  # restored from the remember cookie
    assert len(rows(manager)) == 2  # the same session, not a new one
    phone.post("/sign-out")
    assert replayed(app, "remember_token", phone_remember).status_code == 401
    forget_session_cookie(laptop)
    assert laptop.get("/api/v1/me").status_code == 200  # the laptop's is its own


def test_the_api_sign_in_is_a_session_per_device(app, manager):
    phones = [app.test_client() for _ in range(2)]
    for phone in phones:
        phone.environ_base["HTTP_USER_AGENT"] = PHONE
        body = {"email": manager.email, "password": PASSWORD}
        assert phone.post("/api/v1/session", json=body).status_code == 200
    assert len(rows(manager)) == 2
    assert phones[0].delete("/api/v1/session").status_code == 204
    assert phones[0].get("/api/v1/me").status_code == 401
    assert phones[1].get("/api/v1/me").status_code == 200


def test_last_seen_is_not_written_on_every_request(app, manager):
    phone = device(app, manager, PHONE)
    [row] = rows(manager)
    row.last_seen_at = utcnow() - 2 * sessions.TOUCH_EVERY
    db.session.commit()
    with count_queries() as statements:
        for _ in range(5):
            assert phone.get("/api/v1/me").status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE DEVICE_SESSIONS")]
    assert len(writes) == 1
    assert utcnow() - rows(manager)[0].last_seen_at < timedelta(seconds=30)


def test_static_files_and_the_app_shell_do_not_touch_the_session(app, manager):
    phone = device(app, manager, PHONE)
    [row] = rows(manager)
    row.last_seen_at = seen = utcnow() - 2 * sessions.TOUCH_EVERY
    db.session.commit()
    assert phone.get("/static/icons/icon.svg").status_code == 200
    assert phone.get("/sw.js").status_code == 200
    assert rows(manager)[0].last_seen_at == seen


def test_a_person_without_sessions_sees_an_empty_list_after_ending_all(app, manager):
    # Every button on the page answers, whatever is left: no 500 on an empty list.
    laptop = device(app, manager, LAPTOP)
    laptop.post("/account/sessions/end-others")
    assert laptop.get("/account/sessions").status_code == 200
    assert sessions.list_for(PersonFactory()) == []


def test_ending_a_session_is_in_the_audit_log(app, manager):
    laptop = device(app, manager, LAPTOP)
    device(app, manager, PHONE)
    laptop.post("/account/sessions/end-others")
    assert kinds()[-1] == "sessions_ended"
