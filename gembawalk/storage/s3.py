"""Photos as objects in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, Ceph…), through
boto3. Credentials and region come from boto3's usual chain (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_REGION, ~/.aws, an instance role), or from the profile the store's
URL names; the endpoint from the URL, else S3_ENDPOINT_URL or boto3's own AWS_ENDPOINT_URL_S3."""

from __future__ import annotations

import os
import threading
from typing import Any, BinaryIO

from . import StoredObject, StoreUnavailable, check_name

# Fail fast and let the phone's outbox retry, rather than hold a worker for minutes.
CONNECT_SECONDS = 5
READ_SECONDS = 30
ATTEMPTS = 3  # boto3's "standard" retries: the first try and two more, with backoff


def _client(endpoint_url: str | None, profile: str | None, region: str | None) -> Any:
    import boto3  # imported on first use: the app starts without it when photos are in a folder
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_SECONDS,
        read_timeout=READ_SECONDS,
        retries={"mode": "standard", "max_attempts": ATTEMPTS},
        # Buckets on a server of one's own (MinIO, SeaweedFS) are addressed by path: their
        # host names rarely resolve with the bucket in front.
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    # A named profile: its keys (and region) from the credentials and config files, whatever
    # AWS_ACCESS_KEY_ID says, so two stores at two services each sign with their own.
    session = boto3.session.Session(profile_name=profile) if profile else boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)


def _errors() -> tuple[type[Exception], ...]:
    from botocore.exceptions import BotoCoreError, ClientError

    return (BotoCoreError, ClientError)


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3Store:
    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint_url: str | None = None,
        profile: str | None = None,
        region: str | None = None,
    ):
        self.bucket, self.prefix, self.endpoint_url = bucket, prefix, endpoint_url
        self.profile, self.region = profile, region
        # The same bucket and prefix at two services are two stores: the URL says where.
        where = f"?endpoint={endpoint_url}" if endpoint_url else ""
        self.url = f"s3://{bucket}/{prefix}{where}"
        self._made: Any = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Any:
        # One client for every thread (boto3 clients are thread-safe), made on first use.
        with self._lock:
            if self._made is None:
                self._made = _client(self.endpoint_url, self.profile, self.region)
            return self._made

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def _unavailable(self, doing: str, name: str, error: Exception) -> StoreUnavailable:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return StoreUnavailable(
            f"could not {doing} s3://{self.bucket}/{self._key(name)}{where}: {error}"
        )

    def put(self, name: str, data: BinaryIO, content_type: str) -> None:
        # One PUT: S3 stores the object whole or not at all (photos are far below the
        # 5 GB a single PUT takes).
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._key(name), Body=data, ContentType=content_type
            )
        except _errors() as error:
            raise self._unavailable("store", name, error) from error

    def open(self, name: str) -> StoredObject | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except _errors() as error:
            if _is_missing(error):
                return None
            raise self._unavailable("read", name, error) from error
        return StoredObject(size=int(answer["ContentLength"]), stream=answer["Body"])

    def delete(self, name: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except _errors() as error:
            raise self._unavailable("remove", name, error) from error

    def known_missing(self, name: str) -> bool:
        return False  # a round trip per photo on every page would cost more than it tells
