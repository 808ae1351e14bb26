"""Accounts: signing in, passwords, sessions, and the admin's management of people."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import OrgUnit, Person, PersonRole, Role
from ...timeutil import local_today
from .. import audit, validation
from ..errors import Forbidden, Invalid, NotFound, rolls_back
from . import passwords, sessions
from .org import get_unit, require_admin


@functools.cache
def _dummy_hash() -> str:
    """Verified when no account matches, so a wrong email costs as long as a wrong password
    (made on first use: hashing is slow on purpose and has no place at import)."""
    return passwords.hash_password("not-a-real-password-0000")


DUPLICATE_EMAIL = "Someone already has this email address."


def count_people() -> int:
    return db.session.scalar(select(func.count(Person.id))) or 0


def zone_for(person: Person) -> str:
    """The person's own IANA zone, else the organisation's."""
    return person.timezone or current_app.config["GEMBAWALK_TIMEZONE"]


def email_key(email: str) -> str:
    """An address as it is stored, normalised as account creation does (Unicode NFC, an
    internationalised domain as Unicode, lower case), so a sign-in typed in another form finds
    the same account; what is not an address at all is only trimmed and lowered."""
    try:
        return validation.email(email)
    except Invalid:
        return email.strip().lower()[: validation.LIMITS["email"] + 1]


def find_by_email(email: str) -> Person | None:
    email = email_key(email)
    if "\x00" in email or len(email) > validation.LIMITS["email"]:
        return None  # no such address can exist, and PostgreSQL refuses NUL in a query
    return db.session.scalar(select(Person).where(Person.email == email))


def authenticate(email: str, password: str) -> Person | None:
    person = find_by_email(email or "")
    if person is None or not person.active:
        passwords.verify_password(_dummy_hash(), password or "")
        return None
    if not passwords.verify_password(person.password_hash, password or ""):
        return None
    if passwords.needs_rehash(person.password_hash):
        person.password_hash = passwords.hash_password(password)
        db.session.commit()
    return person


def check_password(person: Person, password: str) -> bool:
    """The person's own password, typed again before a sensitive change."""
    return passwords.verify_password(person.password_hash, password or "")


@rolls_back
def change_password(actor: Person, *, current: str, new: str) -> None:
    """A new password ends every session of the actor's: whoever knew the old one is signed
    out everywhere (the view then starts a fresh session for the device that changed it)."""
    if not passwords.verify_password(actor.password_hash, current or ""):
        raise Invalid({"current_password": _("That is not your current password.")})
    passwords.check_policy(new, "new_password")
    if new == current:
        raise Invalid({"new_password": _("Choose a password different from the current one.")})
    actor.password_hash = passwords.hash_password(new)
    audit.add(audit.PASSWORD_CHANGED, actor=actor, subject=actor.email)
    sessions.end_all(actor)
    db.session.commit()


@rolls_back
def end_sessions_of(actor: Person, person_id: int) -> Person:
    """An admin signs someone out on every device (a lost phone, a shared password)."""
    person = get_person(actor, person_id)
    audit.add(audit.SESSIONS_ENDED, actor=actor, subject=person.email, detail="every device")
    sessions.end_all(person)
    db.session.commit()
    return person


def _roles(values: Iterable[str]) -> set[Role]:
    try:
        return {Role(v) for v in values}
    except ValueError as exc:
        raise Invalid({"roles": _("Choose roles from the list.")}) from exc


def _people(ids: Iterable[int], field: str, role: Role) -> list[Person]:
    ids = set(ids)
    if not ids:
        return []
    found = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
    if len(found) != len(ids) or not all(p.has_role(role) for p in found):
        raise Invalid(
            {field: _("Choose people who hold the %(role)s role.", role=role.label.lower())}
        )
    return found


def _units(ids: Iterable[int], field: str) -> list[OrgUnit]:
    ids = set(ids)
    found = list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise Invalid({field: _("Choose org units from the list.")})
    return found


# Present in some system zone folders, but naming no place: a server's own setting, not a zone.
_NOT_ZONES = frozenset({"localtime", "posixrules", "posix", "right", "Factory"})


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_ZONES


def timezone_name(value: str | None, field: str = "timezone") -> str | None:
    """An IANA zone name such as Europe/London, or None for the organisation's zone."""
    if value is not None and not isinstance(value, str):  # a JSON body may send anything
        raise Invalid({field: _("Use an IANA time zone name, such as Europe/Paris.")})
    value = (value or "").strip()
    if not value:
        return None
    if value not in known_zones():  # also keeps out NUL bytes and paths such as ../etc
        raise Invalid({field: _("Use an IANA time zone name, such as Europe/Paris.")})
    return value


def _free_email(value: str, person: Person) -> str:
    email = validation.email(value)
    clash = find_by_email(email)
    if clash is not None and clash.id != person.id:
        raise Invalid({"email": DUPLICATE_EMAIL})
    return email


def _wanted_roles(values: Iterable[str]) -> set[Role]:
    wanted = _roles(values)
    if not wanted:
        raise Invalid({"roles": _("Give at least one role.")})
    return wanted


def _coaches(ids: Iterable[int], person: Person) -> list[Person]:
    coaches = _people(ids, "coach_ids", Role.COACH)
    if person.id is not None and any(c.id == person.id for c in coaches):
        raise Invalid({"coach_ids": _("Nobody coaches themselves.")})
    return coaches


def _apply(
    person: Person,
    *,
    email: str,
    display_name: str,
    roles: Iterable[str],
    org_unit_id: int | None = None,
    coach_ids: Iterable[int] = (),
    leads_unit_ids: Iterable[int] = (),
    timezone: str | None = None,
    started_on: date | None = None,
) -> None:
    """Check every field first, refusing with all that is wrong at once; then change the person.
    `started_on` is the day their figures start (None keeps it: the account's first day)."""
    errors: dict[str, str] = {}

    def check(rule, fallback=None):
        try:
            return rule()
        except Invalid as error:
            for field, message in error.errors.items():
                errors.setdefault(field, message)
            return fallback

    address = check(lambda: _free_email(email, person))
    name = check(
        lambda: validation.text(
            display_name, "display_name", "display_name", required=True, label="Name"
        )
    )
    wanted = check(lambda: _wanted_roles(roles), set())
    unit = check(lambda: get_unit(org_unit_id) if org_unit_id else None)
    if Role.MANAGER in wanted and unit is None:
        errors.setdefault("org_unit_id", "A manager needs an org unit.")
    coaches = check(lambda: _coaches(coach_ids, person), [])
    leads = check(lambda: _units(leads_unit_ids, "leads_unit_ids"), [])
    if leads and Role.DIRECTOR not in wanted:
        message = "Only a director leads org units: add the director role, or clear these."
        errors.setdefault("leads_unit_ids", message)
    zone = check(lambda: timezone_name(timezone))
    if started_on is not None:
        check(lambda: validation.day(started_on, "started_on", "The start date"))
    if errors:
        raise Invalid(errors)

    person.email, person.display_name, person.timezone = address, name, zone
    if started_on is not None:
        person.started_on = started_on
    elif person.id is None:  # a new account starts on its first local day
        person.started_on = local_today(zone_for(person))
    person.org_unit_id = unit.id if unit else None
    person.coaches, person.leads = coaches, leads
    if Role.COACH not in wanted and person.coachees:
        # Someone who no longer coaches stops seeing the notes of those they coached.
        person.coachees = []
    current = {row.role: row for row in person.role_rows}
    person.role_rows = [current.get(r) or PersonRole(role=r) for r in sorted(wanted)]


def _commit_person() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:
        # Two admins adding the same address at once: the unique constraint has the last word.
        if "email" in str(exc.orig).lower():
            raise Invalid({"email": DUPLICATE_EMAIL}) from exc
        raise


@rolls_back
def create_person(actor: Person, *, password: str, **fields) -> Person:
    require_admin(actor)
    errors: dict[str, str] = {}
    try:
        passwords.check_policy(password)
    except Invalid as error:
        errors.update(error.errors)
    person = Person(password_hash="")
    try:
        with db.session.no_autoflush:
            _apply(person, **fields)
    except Invalid as error:
        errors = {**error.errors, **errors}
    if errors:
        raise Invalid(errors)
    person.password_hash = passwords.hash_password(password)
    db.session.add(person)
    audit.add(
        audit.PERSON_CREATED, actor=actor, subject=person.email, detail=_access_summary(person)
    )
    _commit_person()
    return person


def _access_summary(person: Person) -> str:
    """What the audit log keeps of a person's access: roles, unit, coaches, units led."""
    unit = db.session.get(OrgUnit, person.org_unit_id) if person.org_unit_id else None
    return access_summary(
        {row.role for row in person.role_rows},
        unit.name if unit else None,
        [c.display_name for c in person.coaches],
        [u.name for u in person.leads],
    )


def access_summary(
    roles: Iterable[Role], unit: str | None, coaches: Iterable[str], leads: Iterable[str]
) -> str:
    """The audit log's words for a person's access, from names (an import has no objects)."""
    return (
        f"roles: {', '.join(sorted(r.value for r in roles))}; org unit: {unit or '-'}; "
        f"coaches: {', '.join(sorted(coaches)) or '-'}; "
        f"leads units: {', '.join(sorted(leads)) or '-'}"
    )


def get_person(actor: Person, person_id: int) -> Person:
    require_admin(actor)
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


@rolls_back
def update_person(actor: Person, person_id: int, **fields) -> Person:
    person = get_person(actor, person_id)
    before = _access_summary(person)
    with db.session.no_autoflush:
        _apply(person, **fields)
    after = _access_summary(person)
    if after != before:
        audit.add(audit.PERSON_CHANGED, actor=actor, subject=person.email, detail=after)
    # Ids, not identity: the actor may be a proxy such as Flask-Login's current_user.
    if person.id == actor.id and Role.ADMIN not in person.roles:
        raise Invalid({"roles": _("You cannot remove your own admin role.")})
    _commit_person()
    return person


@rolls_back
def set_active(actor: Person, person_id: int, active: bool) -> Person:
    """Deactivate (ending every session at once) or reactivate someone; never oneself."""
    person = get_person(actor, person_id)
    if person.id == actor.id and not active:
        raise Forbidden(_("You cannot deactivate yourself. Ask another admin."))
    if person.active != active:
        kind = audit.PERSON_REACTIVATED if active else audit.PERSON_DEACTIVATED
        audit.add(kind, actor=actor, subject=person.email)
    if active:
        person.active = True
        person.left_on = None
    else:
        deactivate(person)
    db.session.commit()
    return person


def deactivate(person: Person) -> None:
    """Stop someone signing in and end every session they hold (the caller commits): the
    admin's Deactivate and an import's --deactivate-missing both come here."""
    if person.active:
        # Their figures end on the day they left (services/engagement/definitions.py).
        person.left_on = local_today(zone_for(person))
    person.active = False
    sessions.end_all(person)
    # The feed URL dies with the account: reactivated, they get a new one on first look.
    person.calendar_token = None


def list_people(actor: Person) -> list[Person]:
    require_admin(actor)
    query = (
        select(Person)
        .options(
            selectinload(Person.org_unit),
            selectinload(Person.coaches),
            selectinload(Person.leads),
        )
        .order_by(Person.active.desc(), func.lower(Person.display_name))
    )
    return list(db.session.scalars(query))


def people_with_role(role: Role) -> list[Person]:
    query = (
        select(Person)
        .join(PersonRole)
        .where(PersonRole.role == role, Person.active.is_(True))
        .order_by(Person.display_name)
    )
    return list(db.session.scalars(query))


def coach_choices(actor: Person, person: Person | None = None) -> list[Person]:
    """Active coaches, plus whoever coaches this person now (so editing never drops them)."""
    require_admin(actor)
    found = {c.id: c for c in people_with_role(Role.COACH)}
    if person is not None:
        found.update((c.id, c) for c in person.coaches)
        found.pop(person.id, None)
    return sorted(found.values(), key=lambda c: c.display_name.lower())


@rolls_back
def bootstrap_admin(
    *, email: str, display_name: str, password: str, only_if_empty: bool = True
) -> Person:
    """Make an admin without an acting admin: the first-run page, or `flask create-admin`."""
    if only_if_empty and count_people() > 0:
        raise Forbidden(_("The first admin already exists."))
    passwords.check_policy(password)
    person = Person(
        email=validation.email(email),
        display_name=validation.text(
            display_name, "display_name", "display_name", required=True, label="Name"
        ),
        password_hash=passwords.hash_password(password),
        role_rows=[PersonRole(role=Role.ADMIN)],
        started_on=local_today(current_app.config["GEMBAWALK_TIMEZONE"]),
    )
    if find_by_email(person.email):
        raise Invalid({"email": DUPLICATE_EMAIL})
    db.session.add(person)
    db.session.commit()
    return person
