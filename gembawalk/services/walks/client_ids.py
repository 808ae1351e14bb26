"""Rows made under an id the client chose (a phone's UUID, a page's hidden walk id): stored
once, however often or however concurrently they are sent."""

from __future__ import annotations

import uuid as uuid_lib
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Observation, Walk
from ..errors import Conflict

Record = TypeVar("Record", Walk, Observation)  # a row a device creates under its own id


def existing_row(model: type[Record], public_id: uuid_lib.UUID | None, ours) -> Record | None:
    """The row that a repeated create names, when it is the caller's to repeat."""
    if public_id is None:
        return None
    found = db.session.scalar(select(model).where(model.uuid == public_id))
    if found is not None and not ours(found):
        raise Conflict(_("That id is already taken."))
    return found


def insert_once(row, ours):
    """Insert a row made with a client id. When a concurrent request with the same id won the
    race, the unique constraint refuses ours and the caller gets the winner's row instead.
    `ours` says whether a row found under that id is the caller's to have sent again."""
    public_id = row.uuid
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = existing_row(type(row), public_id, ours)
        if found is None:
            raise
        return found
    return row
