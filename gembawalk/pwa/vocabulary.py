"""What the offline scripts know of the product's words and limits: one JSON object built from
models/vocabulary.py and limits.py, embedded in every page (templates/pwa/_vocabulary.html).
It is public and the same for everyone, so the app shell the service worker keeps may hold it."""

from __future__ import annotations

from typing import Any

from .. import limits
from ..models import Category, CustomerKind, DemandKind, SaidBy, WalkKind, WalkStatus, WasteType
from ..models.vocabulary import NEAR_DAYS

# The words the offline pages show or offer, under the names the scripts ask for.
WORDS = {
    "category": Category,
    "waste_type": WasteType,
    "said_by": SaidBy,
    "walk_kind": WalkKind,
    "walk_status": WalkStatus,
    "customer_kind": CustomerKind,
    "demand_kind": DemandKind,
}


def offline_vocabulary() -> dict[str, Any]:
    return {
        "words": {name: [[m.value, m.label] for m in enum] for name, enum in WORDS.items()},
        "near_days": {str(offset): name for offset, name in NEAR_DAYS.items()},
        "defaults": {"said_by": SaidBy.WALKER.value, "walk_minutes": limits.WALK_MINUTES_DEFAULT},
        "limits": {
            "text": limits.TEXT,
            "walk_minutes": [[minutes, label] for minutes, label in limits.WALK_MINUTES.items()],
            "customers_spoken_to_max": limits.CUSTOMERS_SPOKEN_TO_MAX,
            "photo": {"side": limits.PHOTO_DEVICE_SIDE},
        },
    }
