"""A real OpenID provider for the single sign-on tests: tests/oidc/provider.mjs (the npm package
oidc-provider) on loopback, started by the suite as the HTML checker is, and a person's way
through its development login page, which takes any login name (see the script)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
PACKAGE = ROOT / "node_modules" / "oidc-provider"
CLIENT_ID = "gemba-walk"
OTHER_CLIENT_ID = CLIENT_ID + "-other"  # another app of the organisation, same provider
AUTH_TIME_CLIENT_ID = CLIENT_ID + "-auth-time"  # ours, with auth_time in every ID token
CLIENT_SECRET = "a-test-client-secret-of-the-local-provider"
START_SECONDS = 20


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*redirect_uris: str) -> Provider:
    """A provider with one confidential client allowed to return to `redirect_uris`; skips the
    test when Node or the npm package is missing (`make install` runs `npm ci`)."""
    node = shutil.which("node")
    if not node:
        pytest.skip("single sign-on: Node.js is not installed (the test provider needs it)")
    if not PACKAGE.exists():
        pytest.skip("single sign-on: node_modules/oidc-provider is missing; run `make install`")
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="oidc-provider-", suffix=".log")[1])
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own script
            [node, str(SCRIPT), str(port), CLIENT_ID, CLIENT_SECRET, ",".join(redirect_uris)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    provider = Provider(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider stopped:\n{log.read_text()}")
        try:
            requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=1)
        except requests.ConnectionError:
            time.sleep(0.1)
        else:
            return provider
    provider.stop()
    raise RuntimeError(f"the test OpenID provider did not start:\n{log.read_text()}")


@contextmanager
def configured(app, issuer: str, **settings):
    """The app set up for single sign-on with `issuer` (and any other settings) while the
    `with` lasts."""
    wanted = {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        **settings,
    }
    before = {name: app.config.get(name) for name in wanted}
    app.config.update(wanted)
    try:
        yield
    finally:
        app.config.update(before)


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def sign_in_at_provider(authorize_url: str, login: str, redirect_uri: str) -> str:
    """Go through the provider's login page as `login` (any password), as a browser would;
    the address it sends the browser back to (redirect_uri?code=...&state=...)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=5)
    submitted = False
    for _ in range(10):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(redirect_uri):
                return target
            response = browser.get(target, allow_redirects=False, timeout=5)
            continue
        found = FORM_ACTION.search(response.text)
        if submitted or not found:
            raise AssertionError(f"the provider answered {response.status_code}: {response.text}")
        response = browser.post(
            urljoin(response.url, found.group(1)),
            data={"prompt": "login", "login": login, "password": "any password"},
            allow_redirects=False,
            timeout=5,
        )
        submitted = True
    raise AssertionError("the provider never sent the browser back")


def token_for_another_app(provider: Provider, login: str, redirect_uri: str, nonce: str) -> dict:
    """The tokens the provider issues to the other app for `login`, asked with `nonce`."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": OTHER_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": "openid email",
        "state": secrets.token_urlsafe(16),
        "nonce": nonce,
        "code_challenge": challenge.decode().rstrip("="),
        "code_challenge_method": "S256",
    }
    back = sign_in_at_provider(f"{provider.issuer}/auth?{urlencode(query)}", login, redirect_uri)
    discovery = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=5)
    response = requests.post(
        discovery.json()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": parse_qs(urlsplit(back).query)["code"][0],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(OTHER_CLIENT_ID, CLIENT_SECRET),
        timeout=5,
    )
    response.raise_for_status()
    return response.json()
