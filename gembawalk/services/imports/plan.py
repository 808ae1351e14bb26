"""What an import will do, worked out before anything is written: shown as a preview, printed
by --dry-run, and applied only when it is still the very plan that was shown (its digest)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..errors import Invalid

# What happens to one person or customer.
NEW = "new"
CHANGED = "changed"
DEACTIVATED = "deactivated"
ACTIONS = {NEW: "New", CHANGED: "Changed", DEACTIVATED: "Deactivated"}
NONE = "—"  # a field with no value, as the preview shows it
ONE = {"people": "person", "customers": "customer"}
# What a record missing from the file becomes, in the preview's words.
GONE = {"people": "deactivated", "customers": "inactive"}


class Record(Protocol):
    @property
    def active(self) -> bool: ...


K = TypeVar("K")
R = TypeVar("R", bound=Record)


def missing(current: Mapping[K, R], wanted: Container[K]) -> list[K]:
    """The keys of the app's active records that the file leaves out, in the app's order:
    those "deactivate missing" would deactivate."""
    return [key for key, record in current.items() if record.active and key not in wanted]


@dataclass(frozen=True)
class Change:
    """One record the import writes: its line in the file (None for one missing from it), who
    or what it is, and each field that changes, before and after."""

    line: int | None
    subject: str
    action: str
    fields: tuple[tuple[str, str, str], ...] = ()

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        parts = "; ".join(
            f"{name} {after}" if self.action == NEW else f"{name} {before} → {after}"
            for name, before, after in self.fields
        )
        return f"{where}{ACTIONS[self.action].lower()} {self.subject}" + (
            f" ({parts})" if parts else ""
        )


@dataclass
class Plan:
    """Every change an import makes; `work` is what applying it needs (ids, rows), kept out
    of the digest, which covers only what the preview shows."""

    noun: str  # "people" or "customers"
    rows: int
    deactivate_missing: bool
    new_units: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    work: Any = None

    def deactivate(self, leaving: Iterable[tuple[str, R]], into: list[R]) -> None:
        """List each (subject, record) missing from the file as deactivated, in the order
        given; `into` collects the records for applying the plan."""
        for subject, record in leaving:
            into.append(record)
            self.changes.append(
                Change(None, subject, DEACTIVATED, (("status", "active", GONE[self.noun]),))
            )

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def nothing_to_do(self) -> bool:
        return not self.changes and not self.new_units

    @property
    def digest(self) -> str:
        shown = [
            self.noun,
            self.deactivate_missing,
            self.new_units,
            [[c.line, c.subject, c.action, c.fields] for c in self.changes],
            self.unchanged,
        ]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()

    @property
    def counted(self) -> str:
        """ "1 person", "2 people": the rows of the file."""
        return f"{self.rows} {ONE[self.noun] if self.rows == 1 else self.noun}"

    def summary(self) -> str:
        if self.nothing_to_do:
            return f"Nothing to change: the app already matches the {self.counted} in the file."
        parts = [
            f"{self.count(NEW)} new",
            f"{self.count(CHANGED)} changed",
            f"{self.unchanged} unchanged",
        ]
        if self.deactivate_missing or self.count(DEACTIVATED):
            parts.append(f"{self.count(DEACTIVATED)} deactivated")
        units = len(self.new_units)
        parts.append(f"{units} new org unit{'s' * (units != 1)}")
        return f"{self.counted} in the file: {', '.join(parts)}."


class ImportRefused(Invalid):
    """The file breaks a rule: every problem found, each with its line (None: the whole file).
    Nothing is written."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        count = len(self.problems)
        super().__init__(
            f"The file was not imported: {count} problem{'s' * (count != 1)}, nothing changed."
        )

    def lines(self) -> list[str]:
        return [f"Line {line}: {message}" if line else message for line, message in self.problems]


class PreviewOutdated(Invalid):
    """The app changed between the preview and Apply: what Apply would do is not what was shown."""

    def __init__(self) -> None:
        super().__init__(
            "The app changed since this preview was made: nothing was written. Check the new "
            "preview, then apply it."
        )
