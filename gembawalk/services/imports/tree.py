"""Org units named by their path from the top of the tree ("Eastmere Council / Housing /
Repairs"), found case-insensitively as the admin page compares sibling names, and made when
missing: loaded in one query, created a level at a time."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from ...extensions import db
from ...models import OrgUnit
from .. import audit, validation
from ..people import org
from . import table

# A unit the file names: an existing unit's id, or the (lower-cased) path of one to create.
UnitKey = int | tuple[str, ...]


class Tree:
    def __init__(self) -> None:
        rows = db.session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.name)).all()
        self._child: dict[tuple[int | None, str], int] = {
            (parent, name.lower()): uid for uid, parent, name in rows
        }
        parents = {uid: parent for uid, parent, _ in rows}
        names = {uid: name for uid, _, name in rows}
        self._shown: dict[int, str] = {}
        for uid in names:
            chain: list[str] = []
            current: int | None = uid
            seen: set[int] = set()
            while current is not None and current not in seen:
                seen.add(current)
                chain.append(names[current])
                current = parents.get(current)
            self._shown[uid] = table.shown(tuple(reversed(chain)))
        # New units in the order they were first named: path (lower) → path as written.
        self.new: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._found: dict[str, UnitKey | None] = {}
        self._made: list[tuple[str, ...]] = []  # what create() made, not found made already

    def find(self, value: str) -> UnitKey | None:
        """The unit a path names (None for an empty one), noting each missing unit as new;
        a name too long is refused. Thousands of rows name a few units: each is read once."""
        if value not in self._found:
            self._found[value] = self._find(value)
        return self._found[value]

    def _find(self, value: str) -> UnitKey | None:
        parts = table.path(value)
        if not parts:
            return None
        for part in parts:
            label = gettext("The unit name “%(name)s”", name=part[:40])
            validation.text(part, "org_unit", "unit_name", label=label)
        parent: int | None = None
        for depth, part in enumerate(parts):
            found = self._child.get((parent, part.lower()))
            if found is None:
                key = tuple(p.lower() for p in parts)
                for end in range(depth + 1, len(parts) + 1):
                    self.new.setdefault(key[:end], parts[:end])
                return key
            parent = found
        return parent

    def shown(self, key: UnitKey | None) -> str:
        if key is None:
            return ""
        if isinstance(key, int):
            return self._shown[key]
        return table.shown(self.new[key])

    def new_paths(self) -> list[str]:
        return [table.shown(parts) for parts in self.new.values()]

    def create(self) -> dict[tuple[str, ...], int]:
        """Make the new units, parents first; their ids by key. A unit another import (or an
        admin) made since the plan was read is used, not made twice."""
        made: dict[tuple[str, ...], int] = {}
        for key in sorted(self.new, key=len):
            made[key], ours = org.unit_at(self._parent_id(key, made), self.new[key][-1])
            if ours:
                self._made.append(key)
        return made

    def audit_events(self) -> list[tuple[str, str, str]]:
        """The audit log's entries for the units this import made, as the admin's unit form
        writes them."""
        return [
            (
                audit.UNIT_CREATED,
                parts[-1],
                "by import: "
                + audit.described({"below": parts[-2] if len(parts) > 1 else "(top)"}),
            )
            for parts in (self.new[key] for key in self._made)
        ]

    def _parent_id(self, key: tuple[str, ...], made: dict[tuple[str, ...], int]) -> int | None:
        if len(key) == 1:
            return None
        if key[:-1] in made:
            return made[key[:-1]]
        parent: int | None = None
        for part in key[:-1]:
            parent = self._child[(parent, part)]
        return parent


def resolved(key: UnitKey | None, made: dict[tuple[str, ...], int]) -> int | None:
    """The id of a unit the file named, once new units are made."""
    if key is None or isinstance(key, int):
        return key
    return made[key]
