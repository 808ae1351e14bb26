"""A previewed import, kept by the admin's browser between the preview and Apply: the file
itself, signed with the app's secret key and bound to the admin who uploaded it, so Apply
reads exactly the file that was previewed (and the plan's digest, checked again when it is
applied, shows the app has not changed since)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ... import limits
from ...models import Person
from ..errors import Invalid

SALT = "gembawalk.import-preview"
EXPIRED = _l("This preview has expired or was altered: nothing was written. Upload the file again.")


@dataclass(frozen=True)
class Draft:
    noun: str
    content: bytes
    deactivate_missing: bool
    source: str


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def seal(actor: Person, draft: Draft) -> str:
    """The draft as one signed string (compressed: a file of 10,000 people is a few hundred KB)."""
    return _signer().dumps(
        {
            "by": actor.id,
            "noun": draft.noun,
            "file": draft.content.decode("utf-8-sig"),  # read as UTF-8 already by the preview
            "deactivate": draft.deactivate_missing,
            "source": draft.source,
        }
    )


def open_draft(actor: Person, noun: str, sealed: str) -> Draft:
    """The draft `actor` previewed for `noun`, or Invalid when it is not theirs, was changed,
    or is older than IMPORT_PREVIEW_MINUTES."""
    try:
        data = _signer().loads(sealed or "", max_age=limits.IMPORT_PREVIEW_MINUTES * 60)
    except BadSignature as exc:  # SignatureExpired included
        raise Invalid(str(EXPIRED)) from exc
    if not isinstance(data, dict) or data.get("by") != actor.id or data.get("noun") != noun:
        raise Invalid(str(EXPIRED))
    return Draft(noun, str(data["file"]).encode(), bool(data["deactivate"]), str(data["source"]))
