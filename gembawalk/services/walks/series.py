"""Repeating walks: plan a series, make its occurrences ahead, change or end it.

Each occurrence is an ordinary planned walk (so a missed one counts as missed) that remembers
its series and the day the rule gave it. The pair is unique: however often, and however many
at once, the generator runs, each day's walk exists once.
"""

from __future__ import annotations

import calendar
import uuid as uuid_lib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...i18n import current_language, format_when
from ...models import Person, RepeatRule, Walk, WalkSeries, WalkStatus
from ...timeutil import local_today, utcnow
from .. import validation
from ..errors import Conflict, Invalid, NotFound, rolls_back
from ..sync import tombstones
from ..validation import choice
from .lifecycle import WalkPlan, apply_plan, begin, get_own_walk, store_new_walk, walk_to_plan

# How far ahead occurrences exist: far enough for a calendar to show the next two months.
HORIZON = timedelta(weeks=8)
# "The 2nd Tuesday": which such weekday of the month, as a word before the weekday's name.
ORDINALS = {1: _l("1st"), 2: _l("2nd"), 3: _l("3rd"), 4: _l("4th"), -1: _l("last")}
# A day of the month as an ordinal, by language: English's suffixes, Dutch's "e", Welsh's.
_WELSH_SUFFIXES = {1: "af", 2: "il", 3: "ydd", 4: "ydd", 5: "ed", 6: "ed", 11: "eg", 13: "eg",
                   14: "eg", 16: "eg", 17: "eg", 19: "eg"}  # fmt: skip


def _day_ordinal(day: int) -> str:
    language = current_language()
    if language == "nl":
        return f"{day}e"
    if language == "cy":
        return f"{day}{_WELSH_SUFFIXES.get(day, 'ain' if day > 20 else 'fed')}"
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


NO_REPEAT = ""


# --- The rule --------------------------------------------------------------------------------


def _month_starts(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _nth_weekday(starts_on: date) -> int:
    """Which of its weekdays in the month the first walk falls on; the 5th counts as last."""
    nth = (starts_on.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def _monthly_weekday(month: date, weekday: int, nth: int) -> date:
    days = calendar.monthrange(month.year, month.month)[1]
    if nth == -1:
        last = month.replace(day=days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = month + timedelta(days=(weekday - month.weekday()) % 7)
    return first + timedelta(weeks=nth - 1)


def occurrence_dates(
    rule: RepeatRule, starts_on: date, ends_on: date | None, first: date, last: date
) -> list[date]:
    """The days the rule gives between `first` and `last` (both included)."""
    first = max(first, starts_on)
    if ends_on is not None:
        last = min(last, ends_on)
    if last < first:
        return []
    if rule in (RepeatRule.WEEKLY, RepeatRule.EVERY_TWO_WEEKS):
        step = 7 if rule == RepeatRule.WEEKLY else 14
        skip = -(-(first - starts_on).days // step)  # whole steps to reach `first`, rounded up
        day = starts_on + timedelta(days=skip * step)
        found = []
        while day <= last:
            found.append(day)
            day += timedelta(days=step)
        return found
    days = []
    nth = _nth_weekday(starts_on)
    for month in _month_starts(first, last):
        if rule == RepeatRule.MONTHLY_DATE:
            length = calendar.monthrange(month.year, month.month)[1]
            day = month.replace(day=min(starts_on.day, length))
        else:
            day = _monthly_weekday(month, starts_on.weekday(), nth)
        if first <= day <= last:
            days.append(day)
    return days


def occurrence_start(series: WalkSeries, day: date) -> datetime:
    """The UTC instant of the series' local time on a day. Where a daylight-saving change
    skips that time, the walk moves on by the gap (RFC 5545 reads such times the same way);
    the first walk itself is refused instead, when the series is planned."""
    wall = datetime.combine(day, series.at).replace(tzinfo=ZoneInfo(series.timezone))
    return wall.astimezone(UTC)


def describe(series: WalkSeries) -> str:
    """The rule in words: "Every Tuesday at 09:00, until 3 March 2027"."""
    weekday = format_when(series.starts_on, "%A")
    at = series.at.strftime("%H:%M")
    if series.rule == RepeatRule.WEEKLY:
        text = _("Every %(weekday)s at %(at)s", weekday=weekday, at=at)
    elif series.rule == RepeatRule.EVERY_TWO_WEEKS:
        text = _("Every two weeks on %(weekday)s at %(at)s", weekday=weekday, at=at)
    elif series.rule == RepeatRule.MONTHLY_WEEKDAY:
        nth = ORDINALS[_nth_weekday(series.starts_on)]
        text = _("Monthly on the %(nth)s %(weekday)s at %(at)s", nth=nth, weekday=weekday, at=at)
    else:
        day = series.starts_on.day
        text = _("Monthly on the %(nth)s at %(at)s", nth=_day_ordinal(day), at=at)
        if day > 28:
            text = _("%(rule)s (the last day in shorter months)", rule=text)
    if series.ends_on is not None:
        until = format_when(series.ends_on, "%-d %B %Y")
        text = _("%(rule)s, until %(day)s", rule=text, day=until)
    return text


# --- Making occurrences ----------------------------------------------------------------------


def _occurrence(series: WalkSeries, day: date) -> Walk:
    return Walk(
        uuid=uuid_lib.uuid4(),
        manager_id=series.manager_id,
        kind=series.kind,
        place=series.place,
        purpose=series.purpose,
        planned_minutes=series.planned_minutes,
        timezone=series.timezone,
        planned_start=occurrence_start(series, day),
        status=WalkStatus.PLANNED,
        series_id=series.id,
        occurrence_date=day,
        customers=list(series.customers),
    )


def extend(series: WalkSeries, now: datetime | None = None) -> int:
    """Make the series' missing occurrences up to the horizon; returns how many were made.

    Each insert runs in its own savepoint: when another run made that day's walk first, the
    unique (series, day) refuses ours and only that savepoint is undone."""
    horizon = local_today(series.timezone, now) + HORIZON
    after = series.generated_through
    first = series.starts_on if after is None else after + timedelta(days=1)
    made = 0
    for day in occurrence_dates(series.rule, series.starts_on, series.ends_on, first, horizon):
        try:
            with db.session.begin_nested():
                db.session.add(_occurrence(series, day))
        except IntegrityError:
            continue  # made by a concurrent run
        made += 1
    if after is None or horizon > after:
        series.generated_through = horizon
    db.session.commit()
    return made


def _active_series_ids() -> list[int]:
    query = (
        select(WalkSeries.id)
        .join(Person, Person.id == WalkSeries.manager_id)
        .where(
            Person.active.is_(True),
            or_(
                WalkSeries.generated_through.is_(None),
                WalkSeries.ends_on.is_(None),
                WalkSeries.generated_through < WalkSeries.ends_on,
            ),
        )
        .order_by(WalkSeries.id)
    )
    return list(db.session.scalars(query))


def generate(now: datetime | None = None) -> int:
    """Extend every live series to the horizon (what `flask generate-walks` runs from cron).
    One transaction per series keeps locks short; every series is visited in the same order,
    so concurrent runs wait for each other instead of deadlocking."""
    made = 0
    for series_id in _active_series_ids():
        series = db.session.get(WalkSeries, series_id)
        try:
            assert series is not None  # listed as active a moment ago
            made += extend(series, now)
        except Exception:
            db.session.rollback()
            raise
    return made


# --- Planning and changing -------------------------------------------------------------------


def _repeat_rule(repeat: str | None) -> RepeatRule:
    return choice(RepeatRule, repeat, "repeat", _("Choose how often the walk repeats."))


def _check_until(until: date | None, first_day: date | None) -> None:
    if until is not None:
        validation.day(until, "repeat_until", "The last day")
    if until is not None and first_day is not None and until < first_day:
        raise Invalid({"repeat_until": _("The series cannot end before its first walk.")})


def _plan_with_rule(
    actor: Person,
    walk: Walk,
    plan: WalkPlan,
    now: datetime,
    repeat: str,
    until: date | None,
    *,
    may_stop: bool = False,
) -> RepeatRule | None:
    """Apply the plan to the walk and read how it repeats, refusing with every field's error
    at once. With `may_stop`, no rule (NO_REPEAT) is a choice too, and answers None."""
    errors: dict[str, str] = {}
    try:
        apply_plan(actor, walk, plan, now)
    except Invalid as error:
        errors.update(error.errors)
    rule = None
    try:
        if not (may_stop and repeat == NO_REPEAT):
            rule = _repeat_rule(repeat)
            _check_until(until, plan.day)
    except Invalid as error:
        errors.update(error.errors)
    if errors:
        raise Invalid(errors)
    return rule


def _series_for(walk: Walk, rule: RepeatRule, day: date, at: time, until: date | None):
    return WalkSeries(
        uuid=uuid_lib.uuid4(),
        manager_id=walk.manager_id,
        rule=rule,
        starts_on=day,
        ends_on=until,
        at=at.replace(second=0, microsecond=0),
        timezone=walk.timezone,
        kind=walk.kind,
        place=walk.place,
        purpose=walk.purpose,
        planned_minutes=walk.planned_minutes,
        customers=list(walk.customers),
        generated_through=day,  # the first walk is the one being planned
    )


@rolls_back
def plan_series(
    actor: Person,
    plan: WalkPlan,
    *,
    repeat: str,
    until: date | None = None,
    walk_id: uuid_lib.UUID | None = None,
    start_now: bool = False,
    now: datetime | None = None,
) -> Walk:
    """Plan a repeating walk: its first walk now, the next ones up to the horizon. Sending the
    same first-walk id twice plans the series once."""
    now = now or utcnow()
    walk, new = walk_to_plan(actor, walk_id)
    if not new:
        return walk
    with db.session.no_autoflush:
        rule = _plan_with_rule(actor, walk, plan, now, repeat, until)
        assert rule is not None  # None only with may_stop
        assert plan.day is not None  # apply_plan refused a plan without a day or a time
        assert plan.at is not None
        walk.series = _series_for(walk, rule, plan.day, plan.at, until)
    walk.occurrence_date = plan.day
    if start_now:
        begin(walk, now)
    walk = store_new_walk(actor, walk)
    if walk.series is not None:
        extend(walk.series, now)
    return walk


def get_own_series(actor: Person, series_id: uuid_lib.UUID) -> WalkSeries:
    series = db.session.scalar(select(WalkSeries).where(WalkSeries.uuid == series_id))
    if series is None or series.manager_id != actor.id:
        raise NotFound(_("No such series."))
    return series


def _drop_planned(series: WalkSeries, where, reason: str) -> int:
    """Remove occurrences not yet walked (planned, or skipped) that match `where`: they were
    only ever the rule's forecast. Walks begun or done stay, as history. A phone that still
    holds a removed one is told `reason` (a tombstone keeps it, and the walk's UUID)."""
    doomed = db.session.scalars(
        select(Walk).where(
            Walk.series_id == series.id,
            Walk.status.in_([WalkStatus.PLANNED, WalkStatus.CANCELLED]),
            where,
        )
    ).all()
    return tombstones.remove_walks(doomed, reason)


@rolls_back
def update_this_and_later(
    actor: Person,
    walk_id: uuid_lib.UUID,
    plan: WalkPlan,
    *,
    repeat: str,
    until: date | None = None,
    now: datetime | None = None,
) -> Walk:
    """Change this occurrence and every later one. The old series ends the day before this
    occurrence (earlier walks keep what they were); a new series starts from this walk with
    the new settings, and the old series' later forecast walks make way for the new ones.
    With no repeat rule (`repeat` empty), the series stops here and this walk stays, alone."""
    now = now or utcnow()
    walk = get_own_walk(actor, walk_id)
    if walk.series is None:
        raise Conflict(_("This walk does not repeat."))
    if walk.status != WalkStatus.PLANNED:
        raise Conflict(_("Only a planned walk can be changed."))
    old, cut = walk.series, walk.occurrence_date
    with db.session.no_autoflush:
        rule = _plan_with_rule(actor, walk, plan, now, repeat, until, may_stop=True)
        assert cut is not None  # every walk of a series has its occurrence date
        _drop_planned(
            old,
            Walk.occurrence_date > cut,
            f"Removed on the server: its repeating series was changed from {cut:%-d %B %Y} on.",
        )
        old.ends_on = cut - timedelta(days=1)
        if rule is None:
            walk.series, walk.occurrence_date = None, None
        else:
            assert plan.day is not None  # apply_plan refused a plan without a day or a time
            assert plan.at is not None
            walk.series = _series_for(walk, rule, plan.day, plan.at, until)
            walk.occurrence_date = plan.day
        walk.version += 1
    db.session.flush()
    if db.session.scalar(select(Walk.id).where(Walk.series_id == old.id).limit(1)) is None:
        db.session.delete(old)  # nothing walked under the old rule: no need to keep it
    db.session.commit()
    if walk.series is not None:
        extend(walk.series, now)
    return walk


@rolls_back
def end_series(actor: Person, series_id: uuid_lib.UUID, now: datetime | None = None) -> int:
    """Stop a series after today: its walks from tomorrow on go; today's and earlier stay.
    Returns how many planned walks were removed."""
    series = get_own_series(actor, series_id)
    today = local_today(series.timezone, now)
    removed = _drop_planned(
        series,
        Walk.occurrence_date > today,
        f"Removed on the server: its repeating series was ended on {today:%-d %B %Y}.",
    )
    if series.ends_on is None or series.ends_on > today:
        series.ends_on = today
    db.session.commit()
    return removed
