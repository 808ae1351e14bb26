"""The admin's import pages: upload a CSV file of people or customers, see every change it
makes, then apply it. Nested in the admin blueprint (admins only); uploads may be larger than
a form (limits.IMPORT_MAX_BYTES), refused with 413 before they are read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import limits
from ..auth.session import reauthenticated
from ..security import limit_body
from ..services.errors import Invalid
from ..services.imports import customers as customer_imports
from ..services.imports import drafts
from ..services.imports import people as people_imports
from ..services.imports.plan import ACTIONS, ImportRefused, PreviewOutdated
from .forms import ApplyImportForm, ImportForm

bp = Blueprint("imports", __name__, url_prefix="/import")
limit_body(bp, limits.IMPORT_MAX_BYTES)

# What each import reads and does, and where its register lives.
IMPORTS = {
    "people": (people_imports, people_imports.import_people, "admin.people"),
    "customers": (customer_imports, customer_imports.import_customers, "admin.customers"),
}
NOUN = "<any(people, customers):noun>"


def _upload_page(noun: str, form: ImportForm, problems=(), status: int = 200):
    module, _, back = IMPORTS[noun]
    if noun == "customers":
        form.deactivate_missing.label.text = gettext(
            "Mark customers who are not in the file inactive"
        )
    return render_template(
        "admin/import.html",
        noun=noun,
        form=form,
        columns=module.COLUMNS,
        required=module.REQUIRED,
        problems=problems,
        back=back,
        max_mb=limits.IMPORT_MAX_BYTES // (1024 * 1024),
    ), status


def _preview_page(noun: str, plan, draft: drafts.Draft, status: int = 200):
    form = ApplyImportForm()
    # Set after the form has read the request: a preview made again after a refused Apply
    # carries the new plan's digest, not the one posted.
    form.draft.data, form.digest.data = drafts.seal(current_user, draft), plan.digest
    return render_template(
        "admin/import_preview.html",
        noun=noun,
        plan=plan,
        form=form,
        actions=ACTIONS,
        source=draft.source,
        back=IMPORTS[noun][2],
    ), status


@bp.route(f"/{NOUN}", methods=["GET", "POST"])
@reauthenticated
def upload(noun: str):
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(noun, form, status=422 if form.is_submitted() else 200)
    draft = drafts.Draft(
        noun, form.file.data.read(), form.deactivate_missing.data, form.file.data.filename or ""
    )
    try:
        plan = IMPORTS[noun][1](
            current_user, draft.content, deactivate_missing=draft.deactivate_missing, dry_run=True
        )
    except ImportRefused as error:
        return _upload_page(noun, form, error.lines(), 422)
    return _preview_page(noun, plan, draft)


@bp.post(f"/{NOUN}/apply")
@reauthenticated
def apply(noun: str):
    form = ApplyImportForm()
    try:
        draft = drafts.open_draft(current_user, noun, form.draft.data or "")
        plan = IMPORTS[noun][1](
            current_user,
            draft.content,
            deactivate_missing=draft.deactivate_missing,
            expected=form.digest.data or "",
            source=draft.source,
        )
    except PreviewOutdated as error:
        return _preview_again(noun, draft, error)
    except ImportRefused as error:
        return _upload_page(noun, ImportForm(), error.lines(), 409)
    except Invalid as error:  # a preview expired, altered, or someone else's
        flash(str(error), "error")
        return redirect(url_for(".upload", noun=noun))
    flash(plan.summary(), "success")
    return redirect(url_for(IMPORTS[noun][2]))


def _preview_again(noun: str, draft: drafts.Draft, error: PreviewOutdated):
    """The app changed since the preview: nothing was written; show what Apply would do now."""
    flash(str(error), "error")
    try:
        plan = IMPORTS[noun][1](
            current_user, draft.content, deactivate_missing=draft.deactivate_missing, dry_run=True
        )
    except ImportRefused as refused:
        return _upload_page(noun, ImportForm(), refused.lines(), 409)
    return _preview_page(noun, plan, draft, 409)
