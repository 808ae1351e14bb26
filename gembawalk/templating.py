"""Every template filter, test and global, registered here and nowhere else: times in the
reader's zone, product words as labels, the product's limits, the rules templates ask (service
predicates), and the navigation's counts, each run only when a template asks and at most once
a request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import wraps
from typing import TypeVar

from flask import Flask, current_app, g
from flask_babel import gettext, ngettext
from flask_login import current_user

from . import charts, limits
from .i18n import current_language, format_number, format_percent, format_when
from .languages import LANGUAGES
from .models import Role, WalkStatus
from .models.photos import Photo
from .models.vocabulary import NEAR_DAYS, QUESTION_WORDS
from .pwa.vocabulary import offline_vocabulary
from .services import coaching, notifications
from .services.demand import fixes, tallies
from .services.demand import types as demand_types
from .services.engagement import mine as engagement
from .services.engagement.leaderboard import leads_a_unit as _leads_a_unit
from .services.followups.predicates import is_overdue, may_add_follow_up, sees_closure_rates
from .services.people import devices
from .services.people.accounts import zone_for
from .services.people.single_sign_on import may_use_password
from .services.photos import known_missing
from .services.questions import answers as walk_answers
from .services.sync import conflicts
from .services.walks.lifecycle import has_started
from .services.walks.series import describe as describe_series
from .storage import photo_store
from .timeutil import local, utcnow

T = TypeVar("T")


def _zone() -> str:
    if current_user and current_user.is_authenticated:
        return zone_for(current_user)
    return current_app.config["GEMBAWALK_TIMEZONE"]


def local_time(value: datetime | None, fmt: str = "%a %-d %b %Y, %H:%M", zone: str | None = None):
    if value is None:
        return ""
    return format_when(local(value, zone or _zone()), fmt)


def local_date(value: datetime, zone: str | None = None) -> date:
    return local(value, zone or _zone()).date()


def day_label(value: date, today: date) -> str:
    near = NEAR_DAYS.get((value - today).days)
    if near:
        return str(near)
    return format_when(value, "%a %-d %b" if value.year == today.year else "%a %-d %b %Y")


def photo_stored(photo: Photo) -> bool:
    """`{% if photo is stored %}`: its object is not known to be missing (a page shows a gap,
    not a broken image, when a folder has lost it)."""
    return not known_missing(photo, photo_store())


def share(value: float | None) -> str:
    """A share as a whole percentage, or "–" where there was nothing to divide by."""
    return "–" if value is None else format_percent(value)


def waited(span: timedelta | None) -> str:
    """How long something has waited, in the largest whole unit that reads naturally."""
    if span is None:
        return ""
    if span >= timedelta(days=2):
        return ngettext("%(num)d day", "%(num)d days", span.days)
    hours = int(span.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return gettext("less than an hour")


def once_a_request(compute: Callable[[], T]) -> Callable[[], T]:
    """A template global that runs its query only when a template calls it, and then keeps the
    answer on flask.g: the navigation is drawn twice a page, and some pages repeat a count."""
    key = f"template_{compute.__name__}"

    @wraps(compute)
    def cached() -> T:
        if key not in g:
            setattr(g, key, compute())
        return getattr(g, key)

    return cached


def _signed_in() -> bool:
    return bool(current_user) and current_user.is_authenticated


@once_a_request
def unread_notifications() -> int:
    """The Inbox badge."""
    return notifications.unread_count(current_user) if _signed_in() else 0


@once_a_request
def reviews_waiting() -> int:
    """The Review badge: walks waiting for this coach (0 for anyone else)."""
    return coaching.waiting_count(current_user) if _signed_in() else 0


@once_a_request
def leads_a_unit() -> bool:
    """Whether the Leaderboard is offered."""
    return _signed_in() and _leads_a_unit(current_user)


@once_a_request
def open_conflict_count() -> int:
    """Today's banner: sync conflicts waiting for the manager."""
    return conflicts.count_open_conflicts(current_user) if _signed_in() else 0


def my_engagement():
    """My engagement, at the top of Today."""
    return engagement.my_engagement(current_user)


def tally_counters(walk):
    """The walk's tally for its page (templates/_macros/tally.html)."""
    return tallies.counters(walk)


def may_edit_types(unit) -> bool:
    """Whether the demand picture offers to edit a unit's demand types."""
    return demand_types.may_edit(current_user, unit.id)


def fix_result(item):
    """Did the fix work: a closed follow-up's demand type before and after."""
    return fixes.result(item, utcnow())


def aim_choices(item):
    """The demand types a follow-up may aim to reduce."""
    return fixes.aim_choices(item)


def answered_questions(walk) -> list[tuple[dict, str | None]]:
    """A walk's questions with their answers: those it kept, or (under way, kept from before
    questions were) those it is asked."""
    if walk.questions_json is None:
        under_way = walk.status == WalkStatus.IN_PROGRESS
        return [(q, None) for q in walk_answers.asked(walk)] if under_way else []
    return walk_answers.answered(walk)


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(format_when, "when")  # a date (no zone) in the language
    app.add_template_global(day_label, "day_label")
    app.add_template_global(Role, "Role")
    app.jinja_env.globals["limits"] = limits  # a module, not a callable: set it directly
    app.add_template_global(offline_vocabulary, "offline_vocabulary")
    app.jinja_env.globals["question_words"] = QUESTION_WORDS  # words, not a callable
    app.add_template_global(answered_questions)
    app.add_template_global(walk_answers.shown, "answer_shown")
    app.add_template_filter(describe_series, "repeat_rule")
    app.add_template_test(photo_stored, "stored")
    app.add_template_filter(share, "share")
    app.add_template_filter(format_number, "number")
    app.add_template_global(current_language)
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES  # a dict, not a callable: set it directly
    app.add_template_filter(waited, "waited")
    app.jinja_env.globals["charts"] = charts  # a module of chart drawers, not one callable
    for counted in (unread_notifications, reviews_waiting, leads_a_unit, open_conflict_count):
        app.add_template_global(counted)
    app.add_template_global(my_engagement)
    for demand in (tally_counters, may_edit_types, fix_result, aim_choices):
        app.add_template_global(demand)
    # Rules templates ask rather than restate (services/followups/predicates.py and the walk's
    # lifecycle).
    for predicate in (is_overdue, may_add_follow_up, sees_closure_rates, has_started):
        app.add_template_global(predicate)
    app.add_template_global(may_use_password)  # the Change password link
    app.add_template_global(devices.label, "device_label")  # the sessions page
