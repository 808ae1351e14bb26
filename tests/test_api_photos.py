"""Photos: checked by content, stripped of metadata, stored once, shown only to who may see."""

from __future__ import annotations

import io
import threading
import uuid
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from gembawalk.extensions import db
from gembawalk.models import Photo
from gembawalk.storage import describe

from . import factories
from .conftest import sign_in
from .openapi_check import assert_documented
from .test_api_sync import observation_body, put_observation, started_walk


def image_bytes(kind: str = "JPEG", size=(64, 48), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 60, 30))
    out = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"  # Make
        tags[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSInfo: latitude
        options["exif"] = tags
    image.save(out, format=kind, **options)
    return out.getvalue()


def observation(client) -> str:
    walk_id = started_walk(client)
    observation_id = str(uuid.uuid4())
    assert put_observation(client, observation_id, observation_body(walk_id)).status_code == 201
    return observation_id


def put_photo(client, observation_id, photo_id, data, content_type="image/jpeg"):
    return client.put(
        f"/api/v1/observations/{observation_id}/photos/{photo_id}",
        data=data,
        headers={"Content-Type": content_type},
    )


def photo_folder(app) -> Path:
    """The folder the tests' photos go to (the default store: instance/photos)."""
    kind, where, _prefix = describe(app.config["PHOTO_STORAGE_URL"])
    assert kind == "file"
    return Path(where)


def stored_files(app) -> list[Path]:
    folder = photo_folder(app)
    return sorted(folder.glob("*")) if folder.exists() else []


def test_a_photo_sent_twice_is_stored_once(app, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    data = image_bytes(exif=True)
    before = len(stored_files(app))
    first = put_photo(manager_client, observation_id, photo_id, data)
    assert first.status_code == 201, first.get_json()
    assert_documented(
        manager_client, first, "put", "/observations/{observation_id}/photos/{photo_id}"
    )
    body = first.get_json()
    assert body["uuid"] == photo_id
    assert body["version"] == 1
    again = put_photo(manager_client, observation_id, photo_id, data)
    assert again.status_code == 200
    assert again.get_json() == body
    assert db.session.scalar(select(func.count(Photo.id))) == 1
    assert len(stored_files(app)) == before + 1

    other = put_photo(manager_client, observation_id, photo_id, image_bytes(size=(10, 10)))
    assert other.status_code == 422


def test_the_stored_photo_has_no_exif_and_a_random_name(app, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    put_photo(manager_client, observation_id, photo_id, image_bytes(exif=True))
    photo = db.session.scalar(select(Photo))
    assert photo_id not in photo.stored_name
    response = manager_client.get(f"/api/v1/photos/{photo_id}")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/jpeg"
    served = Image.open(io.BytesIO(response.get_data()))
    assert served.size == (64, 48)
    assert not served.getexif()
    assert b"PhoneMaker" not in response.get_data()


def _with_metadata(kind: str) -> tuple[bytes, bytes]:
    """A photo carrying a secret in every metadata place its format has, and an sRGB profile."""
    from PIL import ImageCms, PngImagePlugin

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = Image.new("RGB", (64, 48), (200, 60, 30))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret xmp</x:xmpmeta>'
    options = {"icc_profile": profile, "xmp": xmp}
    if kind == "JPEG":
        options["comment"] = b"secret comment"
    if kind == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "secret comment")
        options["pnginfo"] = text
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue(), profile


@pytest.mark.parametrize(("kind", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"),
                                            ("WEBP", "image/webp")])  # fmt: skip
def test_only_pixels_orientation_and_colour_profile_survive(app, manager_client, kind, mime):
    data, profile = _with_metadata(kind)
    assert b"secret" in data
    observation_id = observation(manager_client)
    photo_id = uuid.uuid4()
    assert put_photo(manager_client, observation_id, photo_id, data, mime).status_code == 201
    stored = manager_client.get(f"/api/v1/photos/{photo_id}").get_data()
    assert b"secret" not in stored
    assert Image.open(io.BytesIO(stored)).info.get("icc_profile") == profile


def test_a_png_too_large_to_decode_whole_is_refused_before_decoding(manager_client):
    """116 KB that unpacks to 6,300 x 6,300 pixels: refused from its header (422)."""
    big = io.BytesIO()
    Image.new("P", (6300, 6300), 1).save(big, format="PNG")
    observation_id = observation(manager_client)
    response = put_photo(manager_client, observation_id, uuid.uuid4(), big.getvalue(), "image/png")
    assert response.status_code == 422
    assert "too many pixels" in response.get_json()["error"]
    large_jpeg = image_bytes(size=(7700, 5190))  # decoded at a quarter, stored at 2048 px
    assert put_photo(manager_client, observation_id, uuid.uuid4(), large_jpeg).status_code == 201


def test_content_decides_not_the_header(manager_client):
    observation_id = observation(manager_client)
    not_an_image = put_photo(manager_client, observation_id, uuid.uuid4(), b"<script>x</script>")
    assert not_an_image.status_code == 422
    png_said_jpeg = put_photo(manager_client, observation_id, uuid.uuid4(), image_bytes("PNG"))
    assert png_said_jpeg.status_code == 422
    assert "image/png" in png_said_jpeg.get_json()["error"]
    gif = put_photo(manager_client, observation_id, uuid.uuid4(), image_bytes("GIF"), "image/gif")
    assert gif.status_code == 415
    for kind, mime in (("PNG", "image/png"), ("WEBP", "image/webp")):
        ok = put_photo(manager_client, observation_id, uuid.uuid4(), image_bytes(kind), mime)
        assert ok.status_code == 201, ok.get_json()
        assert ok.get_json()["content_type"] == mime
    assert db.session.scalar(select(func.count(Photo.id))) == 2


def test_a_decompression_bomb_is_refused(manager_client):
    observation_id = observation(manager_client)
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, format="PNG")  # a few KB, 144 megapixels
    assert len(bomb.getvalue()) < 100_000
    response = put_photo(manager_client, observation_id, uuid.uuid4(), bomb.getvalue(), "image/png")
    assert response.status_code == 422
    assert "pixels" in response.get_json()["error"]


def test_a_photo_over_the_limit_is_413(manager_client):
    observation_id = observation(manager_client)
    response = put_photo(manager_client, observation_id, uuid.uuid4(), b"\xff" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert response.is_json


def test_photos_need_an_observation_of_ones_own(manager_client, unit):
    response = put_photo(manager_client, uuid.uuid4(), uuid.uuid4(), image_bytes())
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Photo.id))) == 0


def test_photos_are_served_only_to_those_who_may_see_the_walk(app, client, manager, unit):
    sign_in(client, manager)
    observation_id = observation(client)
    photo_id = str(uuid.uuid4())
    put_photo(client, observation_id, photo_id, image_bytes())
    client.post("/sign-out")

    stranger = factories.PersonFactory(roles=["manager"], org_unit=unit)
    sign_in(client, stranger)
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 404
    client.post("/sign-out")

    admin = factories.PersonFactory(roles=["admin"])
    sign_in(client, admin)
    assert client.get(f"/api/v1/photos/{photo_id}").status_code == 200
    client.post("/sign-out")
    assert app.test_client().get(f"/api/v1/photos/{photo_id}").status_code == 401


def test_the_same_photo_from_several_threads_is_stored_once(app, manager_client):
    observation_id = observation(manager_client)
    photo_id = str(uuid.uuid4())
    data = image_bytes()
    cookie = manager_client.get_cookie("session")
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        barrier.wait()
        statuses.append(put_photo(client, observation_id, photo_id, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert db.session.scalar(select(func.count(Photo.id))) == 1
    photo = db.session.scalar(select(Photo))
    assert [f.name for f in stored_files(app) if not f.name.startswith(".")].count(
        photo.stored_name
    ) == 1


def test_the_walk_page_shows_the_photos(manager_client):
    walk_id = started_walk(manager_client)
    observation_id = str(uuid.uuid4())
    put_observation(manager_client, observation_id, observation_body(walk_id))
    photo_id = str(uuid.uuid4())
    put_photo(manager_client, observation_id, photo_id, image_bytes())
    page = manager_client.get(f"/walks/{walk_id}").get_data(as_text=True)
    assert f'src="/api/v1/photos/{photo_id}"' in page


def stored_photo(app, client) -> tuple[str, str, Path]:
    """A walk with one photo whose file then goes missing (deleted, or a restore without the
    photo folder): the walk's id, the photo's id and where the file was."""
    walk_id = started_walk(client)
    observation_id = str(uuid.uuid4())
    put_observation(client, observation_id, observation_body(walk_id))
    photo_id = str(uuid.uuid4())
    assert put_photo(client, observation_id, photo_id, image_bytes()).status_code == 201
    photo = db.session.scalar(select(Photo).where(Photo.uuid == uuid.UUID(photo_id)))
    path = photo_folder(app) / photo.stored_name
    path.unlink()
    return walk_id, photo_id, path


def test_a_photo_whose_file_is_missing_answers_404_with_a_reason(app, manager_client, caplog):
    _walk_id, photo_id, _path = stored_photo(app, manager_client)
    with caplog.at_level("WARNING"):
        response = manager_client.get(f"/api/v1/photos/{photo_id}")
    assert response.status_code == 404
    assert response.is_json
    assert "missing" in response.get_json()["error"]
    assert_documented(manager_client, response, "get", "/photos/{photo_id}")
    assert any(
        record.levelname == "WARNING" and photo_id in record.getMessage()
        for record in caplog.records
    )


def test_the_walk_page_still_renders_when_a_photos_file_is_missing(app, manager_client):
    walk_id, photo_id, _path = stored_photo(app, manager_client)
    response = manager_client.get(f"/walks/{walk_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'src="/api/v1/photos/{photo_id}"' not in page  # no broken image
    assert "Photo 1 of this observation is unavailable" in page
