"""The wheel holds everything: built from this checkout, installed into a fresh virtual
environment in an empty folder far from any checkout, it migrates, builds its assets, loads the
demo and serves pages with their CSS through gunicorn, as in production.

Slow-ish (about a minute): marked `slow`, and run by `make test` like every other test.
Dependencies come from a wheelhouse kept in the current virtual environment
(`<.venv>/wheelhouse`), filled from the registry the first time at the versions this
environment has; the install itself runs with `--no-index`.
"""

from __future__ import annotations

import http.client
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WHEELHOUSE = Path(sys.prefix) / "wheelhouse"
PACKED = ("templates", "static", "migrations")
LEFT_OUT = ("static/screenshots/",)
PASSWORD = "gemba-demo"  # noqa: S105 - the documented demo sign-in


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)  # noqa: S603
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    pip = [sys.executable, "-m", "pip"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)])
    (built,) = out.glob("gembawalk-*.whl")
    return built


def tracked(folder: str) -> set[str]:
    listed = run(["git", "-C", str(ROOT), "ls-files", "--", folder]).stdout.split()
    return {path for path in listed if not path.startswith(LEFT_OUT)}


def test_the_wheel_carries_templates_static_files_and_migrations(wheel):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the app's")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in PACKED:
        expected = {f"gembawalk/{path}" for path in tracked(folder)}
        assert expected, folder
        assert expected <= names, sorted(expected - names)[:5]
    packed = [n for n in names if n.startswith(tuple(f"gembawalk/{f}/" for f in PACKED))]
    assert not [n for n in packed if "/screenshots/" in n or "/gen/" in n]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # The compiled translations, though git ignores them (README: Languages); not the hook.
    for code in ("nl", "cy"):
        assert f"gembawalk/translations/{code}/LC_MESSAGES/messages.mo" in names
    assert "gembawalk/translations/build_hook.py" not in names
    # Nothing of the checkout's own beside the package: no tests, no top-level folders.
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert {n.split("/")[0] for n in names} == {"gembawalk", dist_info}


def fresh_environment(wheel: Path, folder: Path) -> Path:
    """A virtual environment in `folder` with the wheel and its dependencies, from wheels only."""
    pins = folder / "pins.txt"
    frozen = run([sys.executable, "-m", "pip", "freeze", "--exclude", "gembawalk"]).stdout
    pins.write_text("\n".join(line for line in frozen.splitlines() if "==" in line) + "\n")
    WHEELHOUSE.mkdir(exist_ok=True)
    # The dependencies at this environment's versions; only what the wheelhouse lacks is fetched.
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(WHEELHOUSE)]
        + ["--find-links", str(WHEELHOUSE), "-c", str(pins), str(wheel)]
    )
    for stale in WHEELHOUSE.glob("gembawalk-*.whl"):
        stale.unlink()
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q"]
        + ["--no-index", "--find-links", str(WHEELHOUSE), str(wheel)]
    )
    return venv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Visitor:
    """Just enough HTTP to read pages and sign in; cookies kept by hand (a Secure cookie is sent
    back on loopback, as browsers do for localhost)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def get(self, path: str, form: dict | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form is None:
            conn.request("GET", path, headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request("POST", path, body=urlencode(form), headers=headers)
        response = conn.getresponse()
        body = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start within 60 s")


def test_installed_from_the_wheel_it_migrates_builds_and_serves(wheel, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    venv = fresh_environment(wheel, tmp_path)
    bin_dir = venv / "bin"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "GEMBAWALK_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "GEMBAWALK_BASE_URL": "http://127.0.0.1",
    }
    flask = [str(bin_dir / "flask"), "--app", "gembawalk"]

    where = run(
        [str(bin_dir / "python"), "-c", "import gembawalk; print(gembawalk.__file__)"],
        cwd=folder,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel's copy, not this checkout
    run([*flask, "db", "upgrade"], cwd=folder, env=env)
    run([*flask, "assets", "build"], cwd=folder, env=env)
    run([*flask, "demo"], cwd=folder, env=env)
    # Its database and key live in the environment's instance folder, not in site-packages.
    assert (venv / "var" / "gembawalk-instance" / "gembawalk.sqlite").exists()
    assert list(folder.iterdir()) == []

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [str(bin_dir / "gunicorn"), "--no-control-socket", "-w", "2", f"-b=127.0.0.1:{port}"]
        + ["--log-level=warning", "gembawalk:create_app()"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port, server)
        visitor = Visitor(port)
        status, _, page = visitor.get("/sign-in?lang=cy")
        assert status == 200
        assert '<html lang="cy">' in page.decode()
        assert "<h1>Mewngofnodi</h1>" in page.decode()  # from the wheel's compiled catalogue
        status, _, page = visitor.get("/sign-in?lang=en")
        assert status == 200
        html = page.decode()
        css = re.search(r'href="(/static/gen/app\.[0-9a-f]+\.css)"', html)
        js = re.search(r'src="(/static/gen/app\.[0-9a-f]+\.js)"', html)
        assert css, html[:2000]
        assert js, html[:2000]
        status, headers, body = visitor.get(css.group(1))
        assert status == 200
        assert headers["content-type"].startswith("text/css")
        assert b"--" in body
        assert len(body) > 1000
        assert visitor.get(js.group(1))[0] == 200
        status, _, worker = visitor.get("/sw.js")
        assert status == 200
        assert b"GEMBA_SW" in worker

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        assert token
        form = {"email": "manager@example.org", "password": PASSWORD}
        status, headers, _ = visitor.get("/sign-in", {**form, "csrf_token": token.group(1)})
        assert status == 302, headers
        status, _, today = visitor.get("/")
        assert status == 200
        assert css.group(1).encode() in today
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert b"Traceback" not in output, output.decode()[-3000:]
