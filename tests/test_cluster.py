"""The cluster on loopback (bench/cluster.py): two gunicorn hosts behind nginx, with PostgreSQL,
Redis and SeaweedFS. A session, the sign-in limit and photos are shared by the hosts, scheduled
digests go once when both hosts run the timer, and killing a host mid-sync loses nothing.

Slow (about a minute and a half: SeaweedFS, the demo, two hosts): marked `slow`, and run by
`make test` like every other test. Skipped, saying what is missing, only where nginx (`make
nginx`), Redis at 127.0.0.1:6379, PostgreSQL at 127.0.0.1:5432 or SeaweedFS are unavailable.
The README's nginx block is checked on its own too, with `nginx -t`, in a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import _cluster  # noqa: E402  (bench/_cluster.py)

CHECKS = ("session", "sign-in", "photo", "scheduled", "throughput", "kill")


@pytest.mark.slow
def test_the_cluster_checks_pass():
    lacks = _cluster.missing()
    if lacks:
        pytest.skip("the cluster needs " + "; ".join(lacks))
    env = {**os.environ, "CLUSTER_SECONDS": "1", "CLUSTER_RECORDS": "100"}
    done = subprocess.run(  # noqa: S603  (our own bench, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "cluster.py")],
        capture_output=True, text=True, timeout=900, env=env, cwd=ROOT,
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    for check in CHECKS:
        assert f"ok    {check}" in said, said
    assert "FAIL" not in said


def test_the_readme_nginx_block_is_what_nginx_accepts(tmp_path):
    """The README's example, rendered as the bench serves it, passes `nginx -t`; and the
    rendering kept its proxy settings and replaced only addresses and TLS."""
    site = _cluster.readme_nginx()
    assert "proxy_pass http://gembawalk;" in site
    prefix = tmp_path / "nginx"
    conf = _cluster.render_nginx(site, [18001, 18002], 18080, 18081, prefix)
    assert "server 127.0.0.1:18001 max_fails=1 fail_timeout=10s;" in conf
    assert "server 127.0.0.1:18002 max_fails=1 fail_timeout=10s;" in conf
    assert "10.0.0.11" not in conf
    assert "listen 127.0.0.1:18080;" in conf
    assert "ssl_certificate" not in conf
    for line in site.splitlines():
        if "proxy_" in line or "client_max_body_size" in line:
            assert line in conf
    nginx = _cluster.nginx_binary()
    if nginx is None:
        pytest.skip("nginx is not installed (make nginx, as root)")
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(conf)
    checked = subprocess.run(  # noqa: S603  (nginx -t on our own file)
        [nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
