"""What the offline scripts know of the product's words and limits: one JSON object built from
models/vocabulary.py and limits.py (and where signing in starts), embedded in every page
(templates/pwa/_vocabulary.html). It is public and the same for everyone who reads the same
language, so the app shell the service worker keeps may hold it."""

from __future__ import annotations

from typing import Any

from flask import current_app

from .. import limits
from ..api import PREFIX as API_PREFIX
from ..i18n import current_language
from ..models import (
    AnswerType,
    Category,
    CustomerKind,
    DemandKind,
    SaidBy,
    WalkKind,
    WalkStatus,
    WasteType,
    YesNo,
)
from ..models.vocabulary import DONE, NEAR_DAYS, QUESTION_WORDS, SAVED_HERE, DeviceRecordType
from ..services.people.single_sign_on import single_sign_on_enabled
from ..services.sync.walks import WALK_FIELDS
from ..services.walks.agenda import COMING_UP_SHOWN
from ..services.walks.corrections import WINDOW as CORRECTION_WINDOW
from .texts import plurals, texts

# The words the offline pages show or offer, under the names the scripts ask for.
WORDS = {
    "category": Category,
    "waste_type": WasteType,
    "said_by": SaidBy,
    "walk_kind": WalkKind,
    "walk_status": WalkStatus,
    "customer_kind": CustomerKind,
    "demand_kind": DemandKind,
    "answer_type": AnswerType,
    "yes_no": YesNo,
}


def _sign_in_path() -> str:
    """Where "Sign in" leads: straight to single sign-on when it is set up. Built from the URL
    map, as the vocabulary is also made outside a request."""
    endpoint = "sso.start" if single_sign_on_enabled() else "auth.sign_in"
    return current_app.url_map.bind("localhost").build(endpoint)


def offline_vocabulary() -> dict[str, Any]:
    return {
        # The language it is in, as `<html lang>` says it: the scripts write dates and pick
        # plural forms for it with Intl.
        "language": current_language(),
        # Where the JSON API answers (gw-sync.js: Gemba.sync.api).
        "api": API_PREFIX,
        # In the reader's language: the labels are looked up now, not when the module loaded.
        "words": {name: [[m.value, str(m.label)] for m in enum] for name, enum in WORDS.items()},
        "near_days": {str(offset): str(name) for offset, name in NEAR_DAYS.items()},
        # The fields of a walk the device sends (services/sync/walks.py reads exactly these).
        "fields": {"walk": list(WALK_FIELDS)},
        "said": {**{k: str(v) for k, v in DONE.items()}, "saved_here": str(SAVED_HERE)},
        # How a walk's standard questions read (templates/_macros/capture.html question_fields).
        "questions": {k: str(v) for k, v in QUESTION_WORDS.items()},
        "today": {"coming_up": COMING_UP_SHOWN},
        "defaults": {"said_by": SaidBy.WALKER.value, "walk_minutes": limits.WALK_MINUTES_DEFAULT},
        "limits": {
            "text": limits.TEXT,
            "walk_minutes": [
                [minutes, str(label)] for minutes, label in limits.WALK_MINUTES.items()
            ],
            "customers_spoken_to_max": limits.CUSTOMERS_SPOKEN_TO_MAX,
            "photo": {"side": limits.PHOTO_DEVICE_SIDE},
            # How many days after a walk finished its walker may correct it.
            "correct_days": CORRECTION_WINDOW.days,
            # What one POST /api/v1/sync takes: the outbox cuts its batches to fit.
            "sync_batch": {
                "records": limits.SYNC_BATCH_MAX_RECORDS,
                "bytes": limits.SYNC_BATCH_MAX_BYTES,
                "types": [kind.value for kind in DeviceRecordType],
            },
        },
        "sign_in": _sign_in_path(),
        # The offline app's own sentences and counted phrases (pwa/texts.py).
        "texts": texts(),
        "plurals": plurals(),
    }
