"""Where photos live: a folder or an S3-compatible bucket, behind one small interface.

PHOTO_STORAGE_URL names the store: `file:///srv/gembawalk/photos` (or a plain absolute path)
for a folder, `s3://bucket/prefix` for a bucket, reached with boto3's own settings. A bucket's
URL may name its own server and credentials, so that two stores at different S3 services can
be told apart (moving photos from one to the other):
`s3://bucket/prefix?endpoint=https://s3.old.example:9000&profile=old&region=eu-west-2`, where
`profile` is a section of the AWS credentials file (keys never go in a URL, which ends up in
shell histories and process lists). The app asks `photo_store()` for the configured one;
`open_store(url)` opens any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from flask import Flask, current_app

# Names are made by the server (services/photos.py): hex, a dot, an extension. Anything else
# never reaches a file system or a bucket key.
NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
CHUNK_BYTES = 64 * 1024  # what a photo is streamed in, both ways
# What an s3:// URL may say after its `?`: the server, the credentials profile, the region.
S3_OPTIONS = ("endpoint", "profile", "region")


class StoreUnavailable(Exception):
    """The store could not be reached, or refused the request: nothing was stored, and the
    same request may succeed when tried again."""


@dataclass
class StoredObject:
    """An object being read: its size, and a stream to read it from (close it when done)."""

    size: int
    stream: BinaryIO

    def chunks(self):
        """The object in CHUNK_BYTES pieces; never the whole object in memory at once."""
        try:
            while chunk := self.stream.read(CHUNK_BYTES):
                yield chunk
        finally:
            self.stream.close()


class PhotoStore(Protocol):
    url: str

    def put(self, name: str, data: BinaryIO, content_type: str) -> None:
        """Store `data` (read from its start to its end) under `name`, whole or not at all."""

    def open(self, name: str) -> StoredObject | None:
        """The object to read, or None when the store holds nothing under `name`."""

    def delete(self, name: str) -> None:
        """Remove the object; nothing happens when there is none."""

    def known_missing(self, name: str) -> bool:
        """True when the store can tell, without a network round trip, that `name` is
        missing (a folder can; a bucket cannot, and says False)."""


def check_name(name: str) -> str:
    if not name or name[0] == "." or not set(name) <= NAME_CHARACTERS:
        raise ValueError(f"not a stored photo name: {name!r}")
    return name


def describe(url: str) -> tuple[str, str, str]:
    """("file", folder, "") or ("s3", bucket, prefix) for a PHOTO_STORAGE_URL; ValueError
    with a reason for anything else. Reads nothing: safe at start-up."""
    url = url.strip()
    if url.startswith("/"):
        return "file", url, ""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"{url!r}: a folder is file:///absolute/path (three slashes)")
        return "file", unquote(parts.path), ""
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"{url!r}: an S3 store is s3://bucket or s3://bucket/prefix")
        prefix = unquote(parts.path).strip("/")
        s3_options(url)  # refuses what it does not know
        return "s3", parts.netloc, f"{prefix}/" if prefix else ""
    raise ValueError(f"{url!r}: photos are stored in a folder (file:///…) or a bucket (s3://…)")


def s3_options(url: str) -> dict[str, str]:
    """The options after an s3:// URL's `?` ({} when none); ValueError for an option it does
    not know, one given twice or empty, or an endpoint that is not an http(s):// address."""
    options: dict[str, str] = {}
    for name, value in parse_qsl(urlsplit(url.strip()).query, keep_blank_values=True):
        if name not in S3_OPTIONS:
            known = ", ".join(S3_OPTIONS)
            raise ValueError(f"{url!r}: an S3 store takes the options {known}, not {name!r}")
        if name in options or not value.strip():
            raise ValueError(f"{url!r}: give {name} once, with a value")
        options[name] = value.strip()
    endpoint = options.get("endpoint", "")
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ValueError(f"{url!r}: endpoint={endpoint!r} is not an http(s):// address")
    return options


def open_store(url: str, endpoint_url: str | None = None) -> PhotoStore:
    """The store a URL names. An S3 store talks to the endpoint its URL names, else to
    `endpoint_url` (else AWS, or what boto3's own AWS_ENDPOINT_URL_S3 says); credentials come
    from the profile its URL names, else boto3's usual chain, and so does the region."""
    kind, where, prefix = describe(url)
    if kind == "file":
        from .folder import FolderStore

        return FolderStore(Path(where))
    from .s3 import S3Store

    options = s3_options(url)
    return S3Store(
        where,
        prefix,
        endpoint_url=options.get("endpoint") or endpoint_url or None,
        profile=options.get("profile"),
        region=options.get("region"),
    )


def photo_store(app: Flask | None = None) -> PhotoStore:
    """The configured store, opened once per app (and again if the setting changes)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    url = app.config["PHOTO_STORAGE_URL"]
    endpoint = app.config.get("PHOTO_S3_ENDPOINT_URL") or None
    held = app.extensions.get("gembawalk.photo_store")
    if held is None or held[0] != (url, endpoint):
        held = ((url, endpoint), open_store(url, endpoint))
        app.extensions["gembawalk.photo_store"] = held
    return held[1]
