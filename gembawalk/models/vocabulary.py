"""The product's fixed words as enums, their labels, and how they are stored."""

from __future__ import annotations

import enum
import functools

from ..extensions import db

# Where a label is not simply the value with its first letter capitalised.
LABELS = {
    "customer_visit": "Customer visit",
    "gemba_walk": "Gemba walk",
    "in_progress": "In progress",
    "what_matters": "What matters",
    "frontline_idea": "Frontline idea",
    "over_processing": "Over-processing",
    "skills": "Unused skills",
    "frontline": "Frontline staff",
    "walker": "Me (the walker)",
}


@functools.cache
def _label(value: str) -> str:
    return LABELS.get(value, value.replace("_", " ").capitalize())


class Labelled(enum.StrEnum):
    @property
    def label(self) -> str:
        return _label(self._value_)


def stored_as_text(cls: type[enum.Enum], name: str):
    """A column holding the enum's values as text with a CHECK constraint: no native
    PostgreSQL enum type, so adding a value later is a plain migration on both databases."""
    return db.Enum(
        cls,
        native_enum=False,
        length=20,
        create_constraint=True,
        name=name,
        values_callable=lambda e: [m.value for m in e],
    )
