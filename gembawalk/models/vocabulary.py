"""The product's fixed words, once: each enum people choose from or read, its labels, and how
it is stored. Forms, templates, the API document and the offline client (through the JSON
every page embeds, see pwa/vocabulary.py) all take them from here."""

from __future__ import annotations

import enum
from typing import cast

from flask_babel import lazy_gettext as _l

from ..extensions import db

# Every word is marked for translation (lazy_gettext): it is looked up in the reader's language
# each time it is shown, so a label kept in a module, a form or the offline JSON is never stuck
# in the language of whoever caused it to be built (README: Languages).

# A day near today by its name, as pages and the offline client say it (else its date).
NEAR_DAYS = {0: _l("Today"), 1: _l("Tomorrow"), -1: _l("Yesterday")}

# What a page says once a capture step is done, the same from the server (its flash) and from
# the device (which adds SAVED_HERE while the server does not have the record yet).
DONE = {
    "planned": _l("Walk planned."),
    "started": _l("Walk started. Add what you see."),
    "completed": _l("Walk done. Thank you for going to see."),
    "observed": _l("Observation added."),
    "recorded": _l("Walk recorded. Thank you for going to see."),
    "corrected": _l("Walk corrected. What it said before is kept in its history."),
    "corrected_observation": _l("Observation corrected. What it said before is kept."),
}
SAVED_HERE = _l("Saved on this device; it shows “Sent” once the server has it.")

# Each stored value's label, shared by the enums that hold the same value.
LABELS = {
    # walks
    "customer_visit": _l("Customer visit"),
    "gemba_walk": _l("Gemba walk"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
    # what is seen
    "what_matters": _l("What matters"),
    "value_demand": _l("Value demand"),
    "failure_demand": _l("Failure demand"),
    "waste": _l("Waste"),
    "frontline_idea": _l("Frontline idea"),
    "good_practice": _l("Good practice"),
    "value": _l("Value"),
    "failure": _l("Failure"),
    # the eight wastes
    "transport": _l("Transport"),
    "inventory": _l("Inventory"),
    "motion": _l("Motion"),
    "waiting": _l("Waiting"),
    "overproduction": _l("Overproduction"),
    "over_processing": _l("Over-processing"),
    "defects": _l("Defects"),
    "skills": _l("Unused skills"),
    # who said it
    "customer": _l("Customer"),
    "frontline": _l("Frontline staff"),
    "walker": _l("Me (the walker)"),
    # follow-ups and the wall
    "open": _l("Open"),
    "closed": _l("Closed"),
    "in_hand": _l("In hand"),
    "yes": _l("Yes"),
    "not_yet": _l("Not yet"),
    # repeating walks
    "weekly": _l("Weekly"),
    "every_two_weeks": _l("Every two weeks"),
    "monthly_weekday": _l("Monthly, on the same weekday"),
    "monthly_date": _l("Monthly, on the same date"),
    # people, customers and cadence
    "manager": _l("Manager"),
    "director": _l("Director"),
    "coach": _l("Coach"),
    "admin": _l("Admin"),
    "external": _l("External"),
    "internal": _l("Internal"),
    "week": _l("Week"),
    "month": _l("Month"),
    # notifications (models/coaching.py) and sync conflicts (models/conflicts.py)
    "comment": _l("Comment"),
    "reply": _l("Reply"),
    "review": _l("Review"),
    "follow_up_assigned": _l("Follow up assigned"),
    "follow_up_overdue": _l("Follow up overdue"),
    "kept_server": _l("Kept server"),
    "applied_mine": _l("Applied mine"),
    # standard questions' answer types and yes/no answers
    "text": _l("Text"),
    "yes_no": _l("Yes or no"),
    "number": _l("A number"),
    "choice": _l("One of a few choices"),
    "no": _l("No"),
}


def _label(value: str) -> str:
    # A value without an entry (tests/test_i18n.py refuses one) would show untranslated.
    return cast(str, LABELS.get(value) or value.replace("_", " ").capitalize())


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
    "heading": _l("Questions for this walk"),
    "required": _l("Required."),
    "optional": _l("Optional."),
    "missing": _l("Answer this question."),
    "not_answered": _l("Not answered"),
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
