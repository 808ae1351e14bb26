"""Photos sent from a device: checked by their content, re-encoded without metadata, stored
once under a random name, and shown only to those who may see the walk."""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import uuid as uuid_lib
import warnings
from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import limits
from ..extensions import db
from ..models import Observation, Person
from ..models.photos import Photo
from ..storage import PhotoStore, StoredObject, StoreUnavailable
from ..storage.move import PhotoObject
from ..timeutil import utcnow
from .access import can_see_person
from .errors import Invalid, NotFound, rolls_back
from .sync.protocol import Outcome

# What a device may send, by what Pillow finds inside (never by the name or the header alone).
# The limits are stated in gembawalk/limits.py.
FORMATS = limits.PHOTO_FORMATS
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MAX_BYTES = limits.PHOTO_MAX_BYTES
MAX_PIXELS = limits.PHOTO_MAX_PIXELS
MAX_SIDE = limits.PHOTO_STORED_SIDE
MAX_WHOLE_DECODE_PIXELS = limits.PHOTO_MAX_WHOLE_DECODE_PIXELS

log = logging.getLogger(__name__)


def _observation_of(actor: Person, observation_id: uuid_lib.UUID) -> Observation:
    observation = db.session.scalar(
        select(Observation).join(Observation.walk).where(Observation.uuid == observation_id)
    )
    if observation is None or observation.walk.manager_id != actor.id:
        raise Invalid({"": _("No such observation: send the observation first.")})
    return observation


def reencode(data: bytes, declared_type: str) -> tuple[bytes, str, int, int]:
    """The picture drawn again from its pixels: EXIF, GPS, XMP and comments stay behind."""
    if len(data) > MAX_BYTES:
        raise Invalid(
            {"": _("A photo may be at most %(most)d MiB.", most=MAX_BYTES // (1024 * 1024))}
        )
    image: Image.Image  # the file as opened, then the picture drawn again from it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            if kind not in FORMATS:
                raise Invalid({"": _("Send a JPEG, PNG or WebP photo.")})
            if FORMATS[kind] != declared_type:
                raise Invalid(
                    {
                        "": _(
                            "The photo is %(kind)s, not %(declared)s.",
                            kind=FORMATS[kind],
                            declared=declared_type,
                        )
                    }
                )
            limit = MAX_PIXELS if kind == "JPEG" else MAX_WHOLE_DECODE_PIXELS
            if image.width * image.height > limit:  # read from the header: nothing decoded yet
                raise Invalid({"": _("The photo has too many pixels; send a smaller one.")})
            if kind == "JPEG":  # decode at 1/2, 1/4 or 1/8 while both sides stay >= half
                image.draft(None, (MAX_SIDE // 2, MAX_SIDE // 2))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Invalid({"": _("That is not a photo that can be read.")}) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Invalid({"": _("The photo has too many pixels; send a smaller one.")}) from exc
    profile = image.info.get("icc_profile")
    # Keep the way up the camera meant, then drop EXIF; in place, since without an orientation
    # to apply exif_transpose would otherwise return a whole copy of the pixels.
    ImageOps.exif_transpose(image, in_place=True)
    image.thumbnail((MAX_SIDE, MAX_SIDE))  # before any conversion, which copies every pixel
    if kind == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    elif kind != "JPEG" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    # Pillow writes back what it read into `info` (a JPEG comment, XMP, PNG text): keep only
    # the pixels, their orientation (applied above) and the colour profile they are in.
    image.info = {}
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if kind == "JPEG" else {}
    if profile:
        options["icc_profile"] = profile
    image.save(out, format=kind, **options)
    return out.getvalue(), kind, image.width, image.height


@rolls_back
def put_photo(
    actor: Person,
    observation_id: uuid_lib.UUID,
    photo_id: uuid_lib.UUID,
    data: bytes,
    declared_type: str,
    store: PhotoStore,
    now: datetime | None = None,
) -> Outcome:
    """Store a photo of an observation once; the same photo again is a repeat.

    The object is stored first, then its row committed: a row never names a missing object.
    When the store fails (StoreUnavailable) nothing is written and the phone tries again;
    when the database fails, the object just stored is removed again."""
    observation = _observation_of(actor, observation_id)
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.scalar(select(Photo).where(Photo.uuid == photo_id))
    if existing is not None:
        return _repeat(existing, observation, digest)
    observation_key = observation.id
    # Re-encoding and the store's round trips take a while (seconds when the store is slow):
    # never inside a transaction, which on SQLite holds the write lock everyone waits for.
    db.session.commit()
    encoded, kind, width, height = reencode(data, declared_type)
    name = secrets.token_hex(16) + EXTENSIONS[kind]
    store.put(name, io.BytesIO(encoded), FORMATS[kind])
    photo = Photo(
        uuid=photo_id,
        observation_id=observation_key,
        stored_name=name,
        content_type=FORMATS[kind],
        width=width,
        height=height,
        size_bytes=len(encoded),
        received_sha256=digest,
        created_at=now or utcnow(),
    )
    db.session.add(photo)
    try:
        db.session.commit()
    except IntegrityError:
        # The same photo arrived twice at once: the other request stored it; drop our copy.
        # (Or the observation went meanwhile: _observation_of refuses, 422.)
        db.session.rollback()
        _remove(store, name)
        observation = _observation_of(actor, observation_id)
        existing = db.session.scalar(select(Photo).where(Photo.uuid == photo_id))
        if existing is None:
            raise
        return _repeat(existing, observation, digest)
    except BaseException:
        _remove(store, name)
        raise
    return Outcome(photo, created=True)


def _remove(store: PhotoStore, name: str) -> None:
    """Take back an object whose row was not stored. Should the store fail now too, the
    object stays behind, named in the log: no row points at it, so nothing shows it."""
    try:
        store.delete(name)
    except StoreUnavailable:
        log.exception("photo object %s%s has no row and could not be removed", store.url, name)


def _repeat(existing: Photo, observation: Observation, digest: str) -> Outcome:
    if existing.observation_id != observation.id or existing.received_sha256 != digest:
        raise Invalid({"": _("This id already names a different photo; send a new id.")})
    db.session.commit()
    return Outcome(existing)


def etag(photo: Photo) -> str:
    """A photo never changes, and its random stored name is never reused: the name is its
    version. (Not a hash of what was sent, which would tell whoever holds the original.)"""
    return photo.stored_name.partition(".")[0]


def open_stored(photo: Photo, store: PhotoStore) -> StoredObject | None:
    """The photo's object, to stream, or None when its row has outlived it (removed from the
    store, a restore without the photos). Logged, so that someone knows to put it back."""
    stored = store.open(photo.stored_name)
    if stored is None:
        log.warning("photo %s (row %s): %s%s is missing", photo.uuid, photo.id, store.url,
                    photo.stored_name)  # fmt: skip
    return stored


def known_missing(photo: Photo, store: PhotoStore) -> bool:
    """What a page may ask without waiting on the network: is this photo's object surely
    gone? (A folder can tell; a bucket is trusted, and the photo's URL says 404 if not.)"""
    return store.known_missing(photo.stored_name)


def every_photo(batch: int = 500) -> tuple[int, Iterator[PhotoObject]]:
    """Every stored photo's name, size and type, oldest first, read `batch` rows at a time,
    each batch in a transaction of its own: a long copy holds no lock and no open cursor."""
    total = db.session.scalar(select(func.count(Photo.id))) or 0
    db.session.commit()

    def batches() -> Iterator[PhotoObject]:
        after = 0
        while True:
            rows = db.session.execute(
                select(Photo.id, Photo.stored_name, Photo.size_bytes, Photo.content_type)
                .where(Photo.id > after)
                .order_by(Photo.id)
                .limit(batch)
            ).all()
            db.session.commit()
            if not rows:
                return
            for _id, name, size, content_type in rows:
                yield PhotoObject(name, size, content_type)
            after = rows[-1].id

    return total, batches()


def get_photo(actor: Person, photo_id: uuid_lib.UUID) -> Photo:
    """A photo for someone who may see its walk; to anyone else it does not exist."""
    photo = db.session.scalar(select(Photo).where(Photo.uuid == photo_id))
    if photo is None or not can_see_person(actor, photo.observation.walk.manager_id):
        raise NotFound(_("No such photo."))
    return photo
