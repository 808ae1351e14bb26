"""Admin pages: people, org units and the customer register. Admins only; thin views."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.session import reauthenticated
from ..forms import options, show_errors
from ..security import attachment, request_facts
from ..services import audit, customers
from ..services.cadence import settings as cadence_settings
from ..services.cadence.targets import Target
from ..services.errors import Forbidden, Invalid
from ..services.people import accounts as people
from ..services.people import org
from ..services.validation import record_id
from .forms import COMMON_ZONES, CadenceForm, CustomerForm, NewPersonForm, PersonForm, UnitForm
from .imports import bp as imports_bp

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.register_blueprint(imports_bp)  # under /admin/import, admins only like every page here

# Depth shown by non-breaking spaces: a select keeps them where it drops plain spaces.
INDENT = "\u00a0" * 4

# The audit log's kinds as its page shows them, in its own words (the CSV keeps the codes).
AUDIT_KINDS = {
    audit.SIGN_IN: _l("sign in"),
    audit.SIGN_IN_FAILED: _l("sign in failed"),
    audit.SIGN_IN_THROTTLED: _l("sign in throttled"),
    audit.SIGN_IN_REFUSED: _l("sign in refused"),
    audit.SIGN_OUT: _l("sign out"),
    audit.PASSWORD_CONFIRMED: _l("password confirmed"),
    audit.PASSWORD_CONFIRM_FAILED: _l("password confirm failed"),
    audit.PASSWORD_CHANGED: _l("password changed"),
    audit.SESSIONS_ENDED: _l("sessions ended"),
    audit.FORBIDDEN: _l("forbidden"),
    audit.NOT_FOUND: _l("not found"),
    audit.CSRF_FAILED: _l("csrf failed"),
    audit.PERSON_CREATED: _l("person created"),
    audit.PERSON_CHANGED: _l("person changed"),
    audit.PERSON_DEACTIVATED: _l("person deactivated"),
    audit.PERSON_REACTIVATED: _l("person reactivated"),
    audit.UNIT_CREATED: _l("unit created"),
    audit.UNIT_CHANGED: _l("unit changed"),
    audit.CUSTOMER_CREATED: _l("customer created"),
    audit.CUSTOMER_CHANGED: _l("customer changed"),
    audit.CADENCE_CHANGED: _l("cadence changed"),
    audit.PEOPLE_IMPORTED: _l("people imported"),
    audit.CUSTOMERS_IMPORTED: _l("customers imported"),
    audit.EXPORT: _l("export"),
    audit.AUDIT_SUPPRESSED: _l("audit suppressed"),
}


@bp.before_request
@login_required
def admins_only() -> None:
    """Every admin page, GET included: anyone else gets the 403 page (Forbidden)."""
    org.require_admin(current_user)


def _status() -> int:
    """A form shown again after a POST was refused: 422, so clients and tests can tell."""
    return 422 if request.method == "POST" else 200


def _unit_options(rows, blank: str, disabled: set[int] | frozenset[int] = frozenset()):
    """The tree as select options, indented; `disabled` ones are shown but cannot be picked."""
    choices = options([("", blank), *((r.unit.id, INDENT * r.depth + r.unit.name) for r in rows)])
    for choice in choices:
        if choice.value in disabled:
            choice.render_kw = {"disabled": True}
    return choices


# People


@bp.get("/people", endpoint="people")
def people_list():
    return render_template("admin/people.html", people=people.list_people(current_user))


def _person_choices(form: PersonForm, person=None) -> None:
    rows = org.tree()
    paths = org.paths(rows)
    form.org_unit_id.choices = _unit_options(rows, gettext("No org unit"))
    form.leads_unit_ids.choices = options((row.unit.id, paths[row.unit.id]) for row in rows)
    form.coach_ids.choices = options(
        (coach.id, coach.display_name) for coach in people.coach_choices(current_user, person)
    )


def _own_cadence(row) -> str | None:
    """A person's or unit's own cadence in words, or None where it inherits one."""
    if row is None or row.cadence_period is None:
        return None
    own = Target(row.cadence_customer_visits, row.cadence_gemba_walks, row.cadence_period, "")
    return cadence_settings.describe(own)


def _render_person(form: PersonForm, person=None):
    return render_template(
        "admin/person.html",
        form=form,
        person=person,
        zones=COMMON_ZONES,
        own_cadence=_own_cadence(person),
    ), _status()


@bp.route("/people/new", methods=["GET", "POST"])
@reauthenticated
def new_person():
    form = NewPersonForm()
    _person_choices(form)
    if form.validate_on_submit():
        try:
            person = people.create_person(
                current_user, password=form.password.data, **form.person_fields()
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(
                gettext(
                    "%(name)s added. Give them their initial password.", name=person.display_name
                ),
                "success",
            )
            return redirect(url_for("admin.people"))
    return _render_person(form)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@reauthenticated
def edit_person(person_id: int):
    person = people.get_person(current_user, person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.coach_ids.data = [coach.id for coach in person.coaches]
        form.leads_unit_ids.data = [unit.id for unit in person.leads]
    _person_choices(form, person)
    if form.validate_on_submit():
        try:
            people.update_person(current_user, person_id, **form.person_fields())
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("%(name)s saved.", name=person.display_name), "success")
            return redirect(url_for("admin.people"))
    return _render_person(form, person)


@bp.post("/people/<int:person_id>/deactivate")
@reauthenticated
def deactivate_person(person_id: int):
    try:
        person = people.set_active(current_user, person_id, False)
    except Forbidden as error:  # deactivating oneself: say so where the admin is
        flash(str(error), "error")
    else:
        flash(
            gettext("%(name)s is deactivated and signed out everywhere.", name=person.display_name),
            "success",
        )
    return redirect(url_for("admin.edit_person", person_id=person_id))


@bp.post("/people/<int:person_id>/reactivate")
@reauthenticated
def reactivate_person(person_id: int):
    person = people.set_active(current_user, person_id, True)
    flash(gettext("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for("admin.edit_person", person_id=person_id))


@bp.post("/people/<int:person_id>/end-sessions")
@reauthenticated
def end_sessions(person_id: int):
    person = people.end_sessions_of(current_user, person_id)
    flash(gettext("%(name)s is signed out on every device.", name=person.display_name), "success")
    return redirect(url_for("admin.edit_person", person_id=person_id))


# The audit log


@bp.get("/audit")
def audit_log():
    kind = request.args.get("kind") or None
    kind = kind if kind in audit.KINDS else None
    return render_template(
        "admin/audit.html",
        events=audit.list_events(current_user, kind),
        kinds=audit.KINDS,
        kind=kind,
        kind_labels=AUDIT_KINDS,
    )


@bp.get("/audit.csv")
def audit_csv():
    body = audit.export_csv(current_user, **request_facts())
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": attachment("gembawalk-audit.csv")},
    )


# Org units


@bp.get("/units")
def units():
    return render_template("admin/units.html", rows=org.unit_summaries(current_user))


def _render_unit(form: UnitForm, unit=None):
    rows = org.tree()
    below = org.subtree_ids(unit.id) if unit else set()
    form.parent_id.choices = _unit_options(rows, gettext("Nothing: a top-level unit"), below)
    return render_template(
        "admin/unit.html", form=form, unit=unit, own_cadence=_own_cadence(unit)
    ), _status()


@bp.route("/units/new", methods=["GET", "POST"])
def new_unit():
    form = UnitForm(parent_id=request.args.get("parent", type=record_id))
    if form.validate_on_submit():
        try:
            unit = org.create_unit(current_user, name=form.name.data, parent_id=form.parent_id.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("%(name)s added.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    return _render_unit(form)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def edit_unit(unit_id: int):
    unit = org.find_unit(current_user, unit_id)
    form = UnitForm(obj=unit if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            org.update_unit(
                current_user, unit_id, name=form.name.data, parent_id=form.parent_id.data
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("%(name)s saved.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    return _render_unit(form, unit)


# Cadence: a person's own targets, or a unit's default for the people in and below it


def _cadence_page(row, save, inherited, heading: str, back: str):
    form = CadenceForm()
    if request.method == "GET":
        own = row.cadence_period is not None
        form.mode.data = "own" if own else "inherit"
        form.customer_visits.data = (
            row.cadence_customer_visits if own else inherited.customer_visits
        )
        form.gemba_walks.data = row.cadence_gemba_walks if own else inherited.gemba_walks
        form.period.data = (row.cadence_period or inherited.period).value
    if form.validate_on_submit():
        try:
            save(cadence_settings.CadenceSetting(**form.setting_fields()))
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("Cadence saved."), "success")
            return redirect(back)
    return render_template(
        "admin/cadence.html",
        form=form,
        heading=heading,
        inherited=inherited,
        describe=cadence_settings.describe,
        source=cadence_settings.source,
        back=back,
    ), _status()


@bp.route("/people/<int:person_id>/cadence", methods=["GET", "POST"])
def person_cadence(person_id: int):
    person = people.get_person(current_user, person_id)
    return _cadence_page(
        person,
        lambda setting: cadence_settings.set_person_cadence(current_user, person_id, setting),
        cadence_settings.inherited_by_person(current_user, person),
        gettext("Cadence for %(name)s", name=person.display_name),
        url_for("admin.edit_person", person_id=person_id),
    )


@bp.route("/units/<int:unit_id>/cadence", methods=["GET", "POST"])
def unit_cadence(unit_id: int):
    unit = org.find_unit(current_user, unit_id)
    return _cadence_page(
        unit,
        lambda setting: cadence_settings.set_unit_cadence(current_user, unit_id, setting),
        cadence_settings.inherited_by_unit(current_user, unit),
        gettext("Default cadence for %(name)s", name=unit.name),
        url_for("admin.edit_unit", unit_id=unit_id),
    )


# Customer register


@bp.get("/customers", endpoint="customers")
def customers_list():
    unit_id = request.args.get("unit", type=record_id)
    rows = org.tree()
    return render_template(
        "admin/customers.html",
        customers=customers.list_register(current_user, unit_id),
        unit_options=_unit_options(rows, gettext("All org units")),
        unit_id=unit_id,
        paths=org.paths(rows),
    )


def _render_customer(form: CustomerForm, customer=None):
    form.org_unit_id.choices = _unit_options(org.tree(), gettext("Choose…"))
    return render_template("admin/customer.html", form=form, customer=customer), _status()


@bp.route("/customers/new", methods=["GET", "POST"])
def new_customer():
    form = CustomerForm(org_unit_id=request.args.get("unit", type=record_id))
    if form.validate_on_submit():
        try:
            customer = customers.create_customer(current_user, **form.customer_fields())
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("%(name)s added to the register.", name=customer.name), "success")
            return redirect(url_for("admin.customers", unit=customer.org_unit_id))
    return _render_customer(form)


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
def edit_customer(customer_id: int):
    customer = customers.get_customer(current_user, customer_id)
    form = CustomerForm(obj=customer if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            customers.update_customer(current_user, customer_id, **form.customer_fields())
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(gettext("%(name)s saved.", name=customer.name), "success")
            return redirect(url_for("admin.customers"))
    return _render_customer(form, customer)
