"""Setting cadence: an admin gives a person their own targets, or an org unit its default.
Resolution (which target applies) stays in services.cadence."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from ... import limits
from ...extensions import db
from ...languages import SOURCE
from ...models import CadencePeriod, OrgUnit, Person
from ...models.cadence import CadenceTargets
from .. import audit
from ..errors import Invalid, rolls_back
from ..people.accounts import get_person
from ..people.org import find_unit, require_admin
from . import targets as cadence

MAX_PER_PERIOD = limits.CADENCE_TARGET_MAX


@dataclass
class CadenceSetting:
    """What the admin says: an own cadence (`own`), or inherit from above."""

    own: bool
    customer_visits: int | None = None
    gemba_walks: int | None = None
    period: str | None = CadencePeriod.WEEK.value


def _count(value: int | None, field: str, label: str) -> int:
    if value is None or not 0 <= value <= MAX_PER_PERIOD:
        raise Invalid(
            {
                field: _(
                    "%(label)s: a whole number from 0 to %(most)d.",
                    label=label,
                    most=MAX_PER_PERIOD,
                )
            }
        )
    return value


def _apply(row: CadenceTargets, setting: CadenceSetting) -> None:
    if not setting.own:
        row.cadence_period = row.cadence_customer_visits = row.cadence_gemba_walks = None
        return
    errors: dict[str, str] = {}
    values = {}
    for field, label in (
        ("customer_visits", _("Customer visits")),
        ("gemba_walks", _("Gemba walks")),
    ):
        try:
            values[field] = _count(getattr(setting, field), field, label)
        except Invalid as error:
            errors.update(error.errors)
    try:
        period = CadencePeriod(setting.period or "")  # none, like an unknown one, is refused
    except ValueError:
        errors["period"] = "Choose a week or a month."
    if not errors and values["customer_visits"] + values["gemba_walks"] == 0:
        errors["customer_visits"] = "Ask for at least one walk, or use the default from above."
    if errors:
        raise Invalid(errors)
    row.cadence_period = period
    row.cadence_customer_visits = values["customer_visits"]
    row.cadence_gemba_walks = values["gemba_walks"]


def _logged(actor: Person, row: CadenceTargets, subject: str) -> None:
    visits, walks, period = (
        row.cadence_customer_visits,
        row.cadence_gemba_walks,
        row.cadence_period,
    )
    if visits is None or walks is None or period is None:  # _apply sets all three or none
        detail = "no cadence of its own: the default from above applies"
    else:
        with force_locale(SOURCE):  # the audit log is kept in one language
            detail = describe(cadence.Target(visits, walks, period, "own"))
    audit.add(audit.CADENCE_CHANGED, actor=actor, subject=subject, detail=detail)


@rolls_back
def set_person_cadence(actor: Person, person_id: int, setting: CadenceSetting) -> Person:
    person = get_person(actor, person_id)
    _apply(person, setting)
    _logged(actor, person, person.email)
    db.session.commit()
    return person


@rolls_back
def set_unit_cadence(actor: Person, unit_id: int, setting: CadenceSetting) -> OrgUnit:
    unit = find_unit(actor, unit_id)
    _apply(unit, setting)
    _logged(actor, unit, unit.name)
    db.session.commit()
    return unit


def inherited_by_person(actor: Person, person: Person) -> cadence.Target:
    """What applies to the person without a setting of their own: their unit's default."""
    require_admin(actor)
    if person.org_unit_id is None:
        return cadence.DEFAULT
    return cadence.unit_targets().get(person.org_unit_id, cadence.DEFAULT)


def inherited_by_unit(actor: Person, unit: OrgUnit) -> cadence.Target:
    """What applies to the unit without a default of its own: the nearest parent's."""
    require_admin(actor)
    if unit.parent_id is None:
        return cadence.DEFAULT
    return cadence.unit_targets().get(unit.parent_id, cadence.DEFAULT)


def describe(target: cadence.Target) -> str:
    """ "1 customer visit and 3 gemba walks a week", in the reader's language."""
    visits = ngettext("%(num)d customer visit", "%(num)d customer visits", target.customer_visits)
    walks = ngettext("%(num)d gemba walk", "%(num)d gemba walks", target.gemba_walks)
    if target.period == CadencePeriod.MONTH:
        return _("%(visits)s and %(walks)s a month", visits=visits, walks=walks)
    return _("%(visits)s and %(walks)s a week", visits=visits, walks=walks)


def source(target: cadence.Target, about_them: bool = False) -> str:
    """Where the target comes from, said to the person (or, `about_them`, to an admin)."""
    if target.source == "person":
        return _("set for them") if about_them else _("set for you")
    if target.source == "unit":
        return _("the default for %(unit)s", unit=target.source_name)
    return _("the organisation's default")
