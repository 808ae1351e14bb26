"""Importing people: `flask import-people` and the admin's import page.

Each row says who someone is and what they may do (email, name, org unit, roles, coach, units
led, time zone, language). The email is the key: a row for someone already in the app updates
them, a new address adds someone, with no password (they sign in with single sign-on). A column
left out of the file is kept as it is. Every rule of the admin's person form holds; one invalid row
stops the whole import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Person, PersonRole, Role, coach_assignments, unit_leaders
from .. import audit, validation
from ..errors import Invalid, rolls_back
from ..people.language import language_code
from ..people.org import require_admin
from . import bulk, cells, coaching, table
from .plan import CHANGED, NEW, NONE, Change, ImportRefused, Plan, PreviewOutdated, missing
from .tree import Tree, UnitKey

COLUMNS = ("email", "name", "org_unit", "roles", "coach", "leads", "timezone", "language")
REQUIRED = ("email", "name", "roles")


@dataclass(frozen=True)
class Current:
    """Someone already in the app, as loaded in bulk."""

    id: int
    email: str
    name: str
    unit: int | None
    timezone: str | None
    language: str | None
    active: bool
    roles: frozenset[Role]
    coaches: frozenset[str]  # emails
    leads: frozenset[int]


@dataclass(frozen=True)
class Wanted:
    """What a row asks for, with columns the file leaves out filled from the app."""

    line: int
    email: str
    name: str
    unit: UnitKey | None
    roles: frozenset[Role]
    coaches: frozenset[str]
    leads: frozenset[UnitKey]
    timezone: str | None
    language: str | None = None
    coach_named: bool = True  # False: the file has no coach column, the app's are kept


@dataclass
class Work:
    """What applying the plan needs beyond what it shows."""

    tree: Tree
    new: list[Wanted] = field(default_factory=list)
    updated: list[tuple[Current, Wanted]] = field(default_factory=list)
    deactivated: list[Current] = field(default_factory=list)
    stop_coaching: list[Current] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # email → name, for the audit log


def _load() -> dict[str, Current]:
    """Everyone in the app with their roles, coaches and units led: four queries in all."""
    people = db.session.execute(
        select(
            Person.id,
            Person.email,
            Person.display_name,
            Person.org_unit_id,
            Person.timezone,
            Person.language,
            Person.active,
        )
    ).all()
    emails = {row.id: row.email for row in people}
    roles: dict[int, set[Role]] = {}
    for person_id, role in db.session.execute(select(PersonRole.person_id, PersonRole.role)):
        roles.setdefault(person_id, set()).add(role)
    coaches: dict[int, set[str]] = {}
    assignments = select(coach_assignments.c.manager_id, coach_assignments.c.coach_id)
    for manager_id, coach_id in db.session.execute(assignments):
        coaches.setdefault(manager_id, set()).add(emails[coach_id])
    leads: dict[int, set[int]] = {}
    for person_id, unit_id in db.session.execute(
        select(unit_leaders.c.person_id, unit_leaders.c.org_unit_id)
    ):
        leads.setdefault(person_id, set()).add(unit_id)
    return {
        row.email: Current(
            id=row.id,
            email=row.email,
            name=row.display_name,
            unit=row.org_unit_id,
            timezone=row.timezone,
            language=row.language,
            active=row.active,
            roles=frozenset(roles.get(row.id, ())),
            coaches=frozenset(coaches.get(row.id, ())),
            leads=frozenset(leads.get(row.id, ())),
        )
        for row in people
    }


class _Row:
    """One row read against the app: its problems gathered, never the first one only."""

    def __init__(self, row: table.Row, problems: list[tuple[int | None, str]]) -> None:
        self.line, self.values, self.problems = row.line, row.values, problems

    def problem(self, message: str) -> None:
        self.problems.append((self.line, message))

    def check(self, rule, fallback=None):
        try:
            return rule()
        except Invalid as error:
            for message in error.errors.values():
                self.problem(message)
            return fallback


def _read(row: _Row, names: list[str], people: dict[str, Current], tree: Tree) -> Wanted | None:
    values = row.values
    email = row.check(lambda: cells.email(values["email"]))
    name = row.check(
        lambda: validation.text(
            values["name"], "name", "display_name", required=True, label=gettext("Name")
        )
    )
    roles = row.check(lambda: cells.roles(values["roles"]), frozenset())
    now = people.get(email) if email else None
    unit = now.unit if now else None
    if "org_unit" in names:
        unit = row.check(lambda: tree.find(values["org_unit"]))
    coaches = now.coaches if now else frozenset()
    if "coach" in names:
        coach = values["coach"]
        coaches = frozenset(
            [row.check(lambda: cells.email(coach, coach=True), "")] if coach else []
        )
    leads: frozenset[UnitKey] = now.leads if now else frozenset()
    if "leads" in names:
        leads = frozenset(
            key
            for path in table.split(values["leads"])
            if (key := row.check(lambda path=path: tree.find(path))) is not None
        )
    zone = now.timezone if now else None
    if "timezone" in names:
        zone = row.check(lambda: cells.zone(values["timezone"]))
    language = now.language if now else None
    if "language" in names:
        language = row.check(lambda: language_code(values["language"]))
    if Role.MANAGER in roles and unit is None:
        row.problem(gettext("a manager needs an org unit"))
    if leads and roles and Role.DIRECTOR not in roles:
        row.problem(
            gettext("only a director leads org units: add the director role, or empty leads")
        )
    if email is None or name is None:
        return None
    return Wanted(
        row.line, email, name, unit, roles, coaches, leads, zone, language, "coach" in names
    )


def _check_admins(
    actor: Person | None,
    wanted: dict[str, Wanted],
    people: dict[str, Current],
    leaving: set[str],
    problems: list[tuple[int | None, str]],
) -> None:
    if actor is not None:
        mine = wanted.get(actor.email)
        if mine is not None and Role.ADMIN not in mine.roles and mine.roles:
            problems.append((mine.line, gettext("you cannot remove your own admin role")))
        if actor.email in leaving:
            problems.append(
                (None, gettext("You are not in the file: deactivating those missing from it "
                               "would deactivate you."))
            )  # fmt: skip
    admins = [e for e, w in wanted.items() if Role.ADMIN in w.roles]
    admins += [
        e
        for e, now in people.items()
        if e not in wanted and e not in leaving and now.active and Role.ADMIN in now.roles
    ]
    had_admins = any(now.active and Role.ADMIN in now.roles for now in people.values())
    if had_admins and not admins:
        problems.append(
            (None, gettext("After this import nobody active would hold the admin role."))
        )


def _shown_coaches(emails: Iterable[str]) -> str:
    return ", ".join(sorted(emails)) or NONE


def _fields(now: Current | None, want: Wanted, tree: Tree) -> list[tuple[str, str, str]]:
    """What differs, as (field, before, after), in the preview's words."""

    def leads(keys) -> str:
        return ", ".join(sorted(tree.shown(k) for k in keys)) or NONE

    pairs = [
        ("name", now.name if now else "", want.name),
        ("org unit", tree.shown(now.unit) if now else "", tree.shown(want.unit)),
        ("roles", ", ".join(sorted(now.roles)) if now else "", ", ".join(sorted(want.roles))),
        ("coach", _shown_coaches(now.coaches) if now else "", _shown_coaches(want.coaches)),
        ("leads", leads(now.leads) if now else "", leads(want.leads)),
        ("time zone", (now.timezone or NONE) if now else "", want.timezone or NONE),
        ("language", (now.language or NONE) if now else "", want.language or NONE),
    ]
    if now is not None and not now.active:
        pairs.append(("status", "deactivated", "active"))
    found = []
    for name, before, after in pairs:
        before, after = before or NONE, after or NONE
        if now is None and after == NONE:
            continue  # a new person's empty fields say nothing
        if before != after:
            found.append((name, before if now else "", after))
    return found


def plan_people(actor: Person | None, content: bytes, *, deactivate_missing: bool = False) -> Plan:
    """Every change the file would make, checked against every rule; nothing is written.
    Refuses (ImportRefused) with every problem of every row at once. `actor` None is the
    command line, run by whoever runs the server."""
    if actor is not None:
        require_admin(actor)
    try:
        names, rows, bad_lines = table.read(content, COLUMNS, REQUIRED)
    except Invalid as error:
        raise ImportRefused([(None, message) for message in error.errors.values()]) from error
    people, tree = _load(), Tree()
    problems: list[tuple[int | None, str]] = list(bad_lines)
    wanted: dict[str, Wanted] = {}
    for raw in rows:
        found = _read(_Row(raw, problems), names, people, tree)
        if found is None:
            continue
        if found.email in wanted:
            problems.append(
                (
                    raw.line,
                    gettext(
                        "%(email)s is on line %(line)d too",
                        email=found.email,
                        line=wanted[found.email].line,
                    ),
                )
            )
            continue
        wanted[found.email] = found
    leaving = set(missing(people, wanted)) if deactivate_missing else set()
    stop_coaching = {
        email
        for email, w in wanted.items()
        if email in people and Role.COACH in people[email].roles and Role.COACH not in w.roles
    }
    for email, w in wanted.items():
        if not w.coach_named and w.coaches & stop_coaching:
            # Kept from the app, but no longer a coach: that coaching ends, as on the admin page.
            wanted[email] = replace(w, coaches=w.coaches - stop_coaching)
    coaching.check_coaches(wanted, people, leaving, problems)
    coaching.check_cycles(wanted, people, stop_coaching, problems)
    _check_admins(actor, wanted, people, leaving, problems)
    if problems:
        raise ImportRefused(problems)

    work = Work(tree=tree, names={e: now.name for e, now in people.items()})
    work.names.update((e, w.name) for e, w in wanted.items())
    plan = Plan("people", len(rows), deactivate_missing, tree.new_paths(), work=work)
    coached_by = {c for now in people.values() for c in now.coaches}
    for email, want in wanted.items():
        now = people.get(email)
        fields = _fields(now, want, tree)
        if email in stop_coaching and email in coached_by:
            fields.append(("coaches others", "yes", "no (no longer a coach)"))
            work.stop_coaching.append(people[email])
        if now is None:
            work.new.append(want)
            plan.changes.append(Change(want.line, email, NEW, tuple(fields)))
        elif fields:
            work.updated.append((now, want))
            plan.changes.append(Change(want.line, email, CHANGED, tuple(fields)))
        else:
            plan.unchanged += 1
    plan.deactivate(((email, people[email]) for email in sorted(leaving)), work.deactivated)
    return plan


@rolls_back
def import_people(
    actor: Person | None,
    content: bytes,
    *,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    expected: str | None = None,
    source: str = "a file",
) -> Plan:
    """Plan the import and, unless `dry_run`, apply all of it in one transaction. With
    `expected` (the digest of a preview) nothing is written unless the plan is still that
    one (PreviewOutdated)."""
    plan = plan_people(actor, content, deactivate_missing=deactivate_missing)
    if expected is not None and plan.digest != expected:
        raise PreviewOutdated()
    if dry_run or plan.nothing_to_do:
        db.session.rollback()
        return plan
    bulk.apply(actor, plan.work)
    audit.add(audit.PEOPLE_IMPORTED, actor=actor, subject=source[:200], detail=plan.logged())
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Someone added one of these addresses between the plan and now.
        raise PreviewOutdated() from exc
    return plan
