"""What an import will do, worked out before anything is written: shown as a preview, printed
by --dry-run, and applied only when it is still the very plan that was shown (its digest)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from ...languages import SOURCE
from ..errors import Invalid

# What happens to one person or customer.
NEW = "new"
CHANGED = "changed"
DEACTIVATED = "deactivated"
ACTIONS = {NEW: _l("New"), CHANGED: _l("Changed"), DEACTIVATED: _l("Deactivated")}
NONE = "—"  # a field with no value, as the preview shows it
# What a record missing from the file becomes, in the preview's words.
GONE = {"people": "deactivated", "customers": "inactive"}
# A change names its fields and their word values in English, the plan's own words (its
# digest and `flask import-*` print them); the preview shows them in the reader's language.
FIELDS = {
    "name": _l("name"),
    "org unit": _l("org unit"),
    "roles": _l("roles"),
    "coach": _l("coach"),
    "leads": _l("leads"),
    "time zone": _l("time zone"),
    "language": _l("language"),
    "status": _l("status"),
    "kind": _l("kind"),
    "coaches others": _l("coaches others"),
}
WORDS = {
    "active": _l("active"),
    "deactivated": _l("deactivated"),
    "inactive": _l("inactive"),
    "yes": _l("yes"),
    "no (no longer a coach)": _l("no (no longer a coach)"),
}
WORDED = frozenset({"status", "coaches others"})  # fields whose values are words, not data


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
        """One line for `flask import-*`, in the plan's own (English) words."""
        where = f"line {self.line}: " if self.line else ""
        parts = "; ".join(
            f"{name} {after}" if self.action == NEW else f"{name} {before} → {after}"
            for name, before, after in self.fields
        )
        return f"{where}{self.action} {self.subject}" + (f" ({parts})" if parts else "")

    def shown_fields(self) -> list[tuple[str, str, str]]:
        """The fields as the preview shows them: names, and word values, in the reader's
        language; values from the file or the app as they are."""

        def shown(name: str, value: str) -> str:
            return str(WORDS.get(value, value)) if name in WORDED else value

        return [
            (str(FIELDS.get(name, name)), shown(name, before), shown(name, after))
            for name, before, after in self.fields
        ]


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
        if self.noun == "people":
            return ngettext("%(num)d person", "%(num)d people", self.rows)
        return ngettext("%(num)d customer", "%(num)d customers", self.rows)

    def summary(self) -> str:
        """What the plan does, in the reader's language (the preview, the flash, the command)."""
        if self.nothing_to_do:
            return gettext(
                "Nothing to change: the app already matches the %(counted)s in the file.",
                counted=self.counted,
            )
        parts = [
            gettext("%(num)d new", num=self.count(NEW)),
            gettext("%(num)d changed", num=self.count(CHANGED)),
            gettext("%(num)d unchanged", num=self.unchanged),
        ]
        if self.deactivate_missing or self.count(DEACTIVATED):
            parts.append(gettext("%(num)d deactivated", num=self.count(DEACTIVATED)))
        units = len(self.new_units)
        parts.append(ngettext("%(num)d new org unit", "%(num)d new org units", units))
        return gettext(
            "%(counted)s in the file: %(parts)s.", counted=self.counted, parts=", ".join(parts)
        )

    def logged(self) -> str:
        """The summary as the audit log keeps it: in English, the log's one language, so it
        reads the same whoever imported."""
        with force_locale(SOURCE):
            return self.summary()


class ImportRefused(Invalid):
    """The file breaks a rule: every problem found, each with its line (None: the whole file).
    Nothing is written."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        count = len(self.problems)
        super().__init__(
            ngettext(
                "The file was not imported: %(num)d problem, nothing changed.",
                "The file was not imported: %(num)d problems, nothing changed.",
                count,
            )
        )

    def lines(self) -> list[str]:
        return [
            gettext("Line %(line)d: %(problem)s", line=line, problem=message) if line else message
            for line, message in self.problems
        ]


class PreviewOutdated(Invalid):
    """The app changed between the preview and Apply: what Apply would do is not what was shown."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "The app changed since this preview was made: nothing was written. Check the "
                "new preview, then apply it."
            )
        )
