"""The product's fixed words, once: each enum people choose from or read, its labels, and how
it is stored. Forms, templates, the API document and the offline client (through the JSON
every page embeds, see pwa/vocabulary.py) all take them from here."""

from __future__ import annotations

import enum
import functools

from ..extensions import db

# A day near today by its name, as pages and the offline client say it (else its date).
NEAR_DAYS = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}

# What a page says once a capture step is done, the same from the server (its flash) and from
# the device (which adds SAVED_HERE while the server does not have the record yet).
DONE = {
    "planned": "Walk planned.",
    "started": "Walk started. Add what you see.",
    "completed": "Walk done. Thank you for going to see.",
    "observed": "Observation added.",
}
SAVED_HERE = "Saved on this device; it shows “Sent” once the server has it."

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
    "every_two_weeks": "Every two weeks",
    "monthly_weekday": "Monthly, on the same weekday",
    "monthly_date": "Monthly, on the same date",
    "in_hand": "In hand",
    "not_yet": "Not yet",
    "yes_no": "Yes or no",
    "number": "A number",
    "choice": "One of a few choices",
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


# --- walks and what is seen on them ---------------------------------------------------------


class WalkKind(Labelled):
    CUSTOMER_VISIT = "customer_visit"
    GEMBA_WALK = "gemba_walk"


class WalkStatus(Labelled):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Category(Labelled):
    WHAT_MATTERS = "what_matters"
    VALUE_DEMAND = "value_demand"
    FAILURE_DEMAND = "failure_demand"
    WASTE = "waste"
    FRONTLINE_IDEA = "frontline_idea"
    GOOD_PRACTICE = "good_practice"


class DemandKind(Labelled):
    # A demand type is one or the other; a tally of it is an observation of the matching
    # category (DEMAND_CATEGORY), so tallies and every figure are one thing.
    VALUE = "value"
    FAILURE = "failure"


class WasteType(Labelled):
    # TIMWOOD plus unused skills.
    TRANSPORT = "transport"
    INVENTORY = "inventory"
    MOTION = "motion"
    WAITING = "waiting"
    OVERPRODUCTION = "overproduction"
    OVER_PROCESSING = "over_processing"
    DEFECTS = "defects"
    SKILLS = "skills"


DEMAND_CATEGORY = {
    DemandKind.VALUE: Category.VALUE_DEMAND,
    DemandKind.FAILURE: Category.FAILURE_DEMAND,
}


class SaidBy(Labelled):
    CUSTOMER = "customer"
    FRONTLINE = "frontline"
    WALKER = "walker"


class FollowUpStatus(Labelled):
    OPEN = "open"
    CLOSED = "closed"


class DeviceRecordType(enum.StrEnum):
    """What a record in a batch a device sends is (POST /api/v1/sync); photos go one by one."""

    WALK = "walk"
    OBSERVATION = "observation"
    COMMENT = "comment"
    FOLLOW_UP = "follow_up"


class WallState(Labelled):
    """Where a frontline idea stands on its unit's wall, from its follow-ups: none yet is
    open, one still open is in hand, all closed is done."""

    OPEN = "open"
    IN_HAND = "in_hand"
    DONE = "done"


class FixedForUs(Labelled):
    """The frontline's answer to a done item on the wall: "Fixed for us?"."""

    YES = "yes"
    NOT_YET = "not_yet"


class AnswerType(Labelled):
    """What a unit's standard question asks for (services/questions/)."""

    TEXT = "text"
    YES_NO = "yes_no"
    NUMBER = "number"
    CHOICE = "choice"


class YesNo(Labelled):
    """The answers to a yes/no question, as stored and sent."""

    YES = "yes"
    NO = "no"


# How a walk's questions read on its forms and pages, from the server and from the device.
QUESTION_WORDS = {
    "heading": "Questions for this walk",
    "required": "Required.",
    "optional": "Optional.",
    "missing": "Answer this question.",
    "not_answered": "Not answered",
}


class RepeatRule(Labelled):
    WEEKLY = "weekly"
    EVERY_TWO_WEEKS = "every_two_weeks"
    # "The 2nd Tuesday" of each month; a walk on the 5th such weekday repeats on the last one.
    MONTHLY_WEEKDAY = "monthly_weekday"
    # The same day of the month; the 31st falls on the last day of shorter months.
    MONTHLY_DATE = "monthly_date"


# --- people, customers and their standard work ----------------------------------------------


class Role(Labelled):
    MANAGER = "manager"
    DIRECTOR = "director"
    COACH = "coach"
    ADMIN = "admin"


class CustomerKind(Labelled):
    # Only contact with external customers counts as customer engagement (README: Engagement).
    EXTERNAL = "external"
    INTERNAL = "internal"


class CadencePeriod(Labelled):
    WEEK = "week"
    MONTH = "month"
