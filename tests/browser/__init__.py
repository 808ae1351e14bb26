"""Pieces shared by the browser tests and the screenshot script: a live server, Chromium's
launch options, the phone and desktop shapes, and signing in through the form."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

# Without these Chromium keeps calling hosts this network refuses.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_launch_args(launch_args: dict | None = None) -> dict:
    """Launch options for Debian's Chromium, or Playwright's own when it is not installed."""
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium will not sandbox itself as root
    options = {**(launch_args or {}), "args": args}
    executable = shutil.which("chromium")
    if executable:
        options["executable_path"] = executable
    return options


@dataclass
class LiveServer:
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_server(app) -> LiveServer:
    """Serve `app` on a free local port from a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(server, thread)


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
