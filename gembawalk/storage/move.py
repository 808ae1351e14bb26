"""Copying photos from one store to another (`flask move-photos`), each copy read back and
checked (its size and SHA-256 against the original's) before it counts. Safe to run again:
a copy already in place and identical is left alone; one that differs is written again."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from . import PhotoStore, StoredObject

# A photo is held in memory up to this size while it is copied, on disk beyond it.
SPOOL_BYTES = 4 * 1024 * 1024

COPIED, ALREADY_THERE, MISSING, WRONG_SIZE, CHECK_FAILED = (
    "copied",
    "already there",
    "missing from the source",
    "a different size at the source than recorded",
    "copy differs from the original",
)
PROBLEMS = (MISSING, WRONG_SIZE, CHECK_FAILED)


class PhotoObject(NamedTuple):
    """A photo as the database records it: its name in a store, its size and its type."""

    name: str
    size: int
    content_type: str


@dataclass
class MoveReport:
    total: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name, outcome)

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        counts = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in self.counts)
        return f"{self.done}/{self.total} photos: {counts or 'nothing to do'}"


def _digest(stored: StoredObject, copy_to=None) -> tuple[int, str]:
    """Size and SHA-256 of a stored object, read in chunks (and written to `copy_to`)."""
    hashed, size = hashlib.sha256(), 0
    for chunk in stored.chunks():
        hashed.update(chunk)
        size += len(chunk)
        if copy_to is not None:
            copy_to.write(chunk)
    return size, hashed.hexdigest()


def copy_photo(source: PhotoStore, target: PhotoStore, photo: PhotoObject) -> str:
    """Copy one photo and check the copy; the outcome, one of the words above."""
    original = source.open(photo.name)
    if original is None:
        return MISSING
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as held:
        size, sha = _digest(original, copy_to=held)
        if size != photo.size:
            return WRONG_SIZE
        there = target.open(photo.name)
        if there is not None and _digest(there) == (size, sha):
            return ALREADY_THERE
        held.seek(0)
        target.put(photo.name, held, photo.content_type)  # type: ignore[arg-type]
    copy = target.open(photo.name)
    if copy is None or _digest(copy) != (size, sha):
        return CHECK_FAILED
    return COPIED


def move_photos(
    source: PhotoStore,
    target: PhotoStore,
    photos: Iterable[PhotoObject],
    total: int,
    progress: Callable[[MoveReport, PhotoObject, str], None] = lambda *_: None,
) -> MoveReport:
    """Copy every photo; the source is left as it was (remove it once the app reads the
    target). StoreUnavailable stops the run: what was copied stays, and a second run goes on."""
    if source.url == target.url:
        raise ValueError(f"{source.url} is both the source and the target")
    report = MoveReport(total=total)
    for photo in photos:
        outcome = copy_photo(source, target, photo)
        report.counts[outcome] = report.counts.get(outcome, 0) + 1
        if outcome in PROBLEMS:
            report.problems.append((photo.name, outcome))
        progress(report, photo, outcome)
    return report
