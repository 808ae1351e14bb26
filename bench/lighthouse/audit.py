"""`make audit`: Lighthouse (npm, mobile profile) on the pages people use on their feet.

Builds the demo in a throwaway folder, serves it with gunicorn as in production, signs in as
the demo manager, starts today's walk (so the record-a-walk screen exists), then runs
Lighthouse on each page and prints its scores and the bytes it moved. Exits 1 when a budget
is missed, 2 when the tools are missing. Needs npm's lighthouse (`make install`) and Chromium
(CHROME_PATH, /usr/bin/chromium by default).

Not in bench/*.py on purpose: `make bench` runs those, and this needs a browser.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PASSWORD = "gemba-demo"  # noqa: S105 - the documented demo sign-in
MANAGER, DIRECTOR = "manager@example.org", "director@example.org"
LEADERBOARD = "/engagement/leaderboard"  # for those who lead a unit: the director

# The budgets of issue 8.
MIN_SCORES = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0}
MAX_BYTES = {"Record a walk": 60 * 1024}  # first visit, compressed, everything included
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
)


@dataclass
class Result:
    name: str
    path: str
    scores: dict[str, float]
    bytes: int
    requests: int
    failing: list[str]

    def misses(self) -> list[str]:
        missed = [
            f"{self.name}: {cat} {self.scores.get(cat, 0):.2f} < {need:.2f}"
            for cat, need in MIN_SCORES.items()
            if self.scores.get(cat, 0) < need
        ]
        limit = MAX_BYTES.get(self.name)
        if limit is not None and self.bytes > limit:
            missed.append(f"{self.name}: {self.bytes / 1024:.1f} KB > {limit / 1024:.0f} KB")
        return missed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browserless:
    """Just enough HTTP to sign in and start a walk: cookies kept by hand (a Secure cookie is
    still sent back here, on the loopback address, as browsers do for localhost)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, response.getheader("Location"), text

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items() if v)

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def sign_in(self, email: str) -> None:
        _, _, html = self.request("GET", "/sign-in")
        form = {"email": email, "password": PASSWORD, "csrf_token": self.csrf(html)}
        if self.request("POST", "/sign-in", form)[0] != 302:
            raise SystemExit(f"could not sign in as {email}")


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def lighthouse(url: str, cookie: str, out: Path, chrome: str) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    subprocess.run(command, env=env, check=True, timeout=300)  # noqa: S603 - our own arguments
    return json.loads(out.read_text())


def main() -> int:
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not LIGHTHOUSE.exists() or not Path(chrome).exists():
        print("make audit needs npm's lighthouse (make install) and Chromium (CHROME_PATH).")
        return 2
    instance = Path(tempfile.mkdtemp(prefix="gembawalk-audit-"))
    env = {
        **os.environ,
        "GEMBAWALK_INSTANCE": str(instance),
        "FLASK_APP": "gembawalk",
        "GEMBAWALK_BASE_URL": "http://127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    bin_dir = Path(sys.executable).parent
    flask = [str(bin_dir / "flask"), "--app", "gembawalk"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run([*flask, "demo"], env=env, check=True, capture_output=True)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            str(bin_dir / "gunicorn"),
            "--workers=2",
            "--threads=4",
            f"--bind=127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level=warning",
            "gembawalk:create_app()",
        ],
        env=env,
    )
    results: list[Result] = []
    try:
        wait_for(port)
        web = Browserless(port)
        web.sign_in(MANAGER)
        _, _, today = web.request("GET", "/")
        start = re.search(r'action="(/walks/[0-9a-f-]{36})/start"', today)
        if not start:
            raise SystemExit("the demo has no walk planned for today to start")
        web.request("POST", start.group(1) + "/start", {"csrf_token": web.csrf(today)})
        pages = [
            ("Sign in", "/sign-in", ""),
            ("Today", "/", web.cookie_header()),
            ("Record a walk", start.group(1), web.cookie_header()),
        ]
        director = Browserless(port)
        director.sign_in(DIRECTOR)
        if director.request("GET", LEADERBOARD)[0] == 200:
            pages.append(("Leaderboard", LEADERBOARD, director.cookie_header()))
        else:
            print("(No leaderboard page in this version: not audited.)")
        for name, path, cookie in pages:
            report = lighthouse(
                f"http://127.0.0.1:{port}{path}", cookie, instance / "lh.json", chrome
            )
            audits = report["audits"]
            results.append(
                Result(
                    name=name,
                    path=path,
                    scores={k: v["score"] or 0 for k, v in report["categories"].items()},
                    bytes=int(audits["total-byte-weight"]["numericValue"]),
                    requests=len(audits["network-requests"]["details"]["items"]),
                    failing=[
                        f"{cat}: {ref['id']} ({audits[ref['id']]['score']})"
                        for cat, body in report["categories"].items()
                        for ref in body["auditRefs"]
                        if ref["weight"] > 0
                        and (audits[ref["id"]]["score"] or 0) < 1
                        and audits[ref["id"]]["scoreDisplayMode"] in ("binary", "numeric")
                    ],
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)

    print(f"\nLighthouse {report['lighthouseVersion']}, mobile profile, gunicorn serving the demo")
    print(f"{'page':<15}{'perf':>6}{'a11y':>6}{'best':>6}{'KB moved':>10}{'requests':>10}")
    for r in results:
        s = r.scores
        print(
            f"{r.name:<15}{s['performance']:>6.2f}{s['accessibility']:>6.2f}"
            f"{s['best-practices']:>6.2f}{r.bytes / 1024:>10.1f}{r.requests:>10}"
        )
    missed = [m for r in results for m in r.misses()]
    for r in results:
        if r.failing and r.misses():
            print(f"  {r.name}, audits below 1: " + ", ".join(r.failing))
    if missed:
        print("\nBudgets missed:\n  " + "\n  ".join(missed))
        return 1
    print("\nEvery budget met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
