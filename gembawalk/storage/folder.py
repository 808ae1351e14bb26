"""Photos as files in one folder (the default, instance/photos): written beside their final
name and renamed into place, so a reader never sees half a photo."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path
from typing import BinaryIO

from . import CHUNK_BYTES, StoredObject, StoreUnavailable, check_name


class FolderStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.url = folder.as_uri()

    def _path(self, name: str) -> Path:
        return self.folder / check_name(name)

    def put(self, name: str, data: BinaryIO, content_type: str) -> None:
        final = self._path(name)
        # A name of its own per writer: two copies of one name never write the same file.
        partial = self.folder / f".{name}.{secrets.token_hex(4)}.part"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as out:
                shutil.copyfileobj(data, out, CHUNK_BYTES)
                out.flush()
                os.fsync(out.fileno())  # on disk before it has its name
            os.replace(partial, final)
        except OSError as error:  # disk full, permissions, a lost network mount
            with contextlib.suppress(OSError):  # the folder may be what is broken
                partial.unlink(missing_ok=True)
            raise StoreUnavailable(f"could not write {final}: {error}") from error

    def open(self, name: str) -> StoredObject | None:
        path = self._path(name)
        try:
            stream = open(path, "rb")  # noqa: SIM115  (StoredObject closes it when read)
        except (FileNotFoundError, IsADirectoryError):
            return None
        except OSError as error:
            raise StoreUnavailable(f"could not read {path}: {error}") from error
        return StoredObject(size=os.fstat(stream.fileno()).st_size, stream=stream)

    def delete(self, name: str) -> None:
        try:
            self._path(name).unlink(missing_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"could not remove {name}: {error}") from error

    def known_missing(self, name: str) -> bool:
        return not self._path(name).is_file()
