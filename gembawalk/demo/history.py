"""Half a year of walks: each demo manager's habit, and the walks, notes and follow-ups it makes."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..models import (
    Category,
    Customer,
    CustomerKind,
    FollowUp,
    FollowUpStatus,
    Observation,
    Person,
    Role,
    SaidBy,
    Walk,
    WalkKind,
    WalkStatus,
    WasteType,
)
from ..timeutil import NonexistentLocalTime, local, to_utc
from . import texts

WEEKS = 26  # of history, this week included
AHEAD = timedelta(days=14)  # how far ahead walks are already planned
CATEGORIES = {
    "wm": Category.WHAT_MATTERS,
    "vd": Category.VALUE_DEMAND,
    "fd": Category.FAILURE_DEMAND,
    "wa": Category.WASTE,
    "fi": Category.FRONTLINE_IDEA,
    "gp": Category.GOOD_PRACTICE,
}
SAID_BY = {"c": SaidBy.CUSTOMER, "f": SaidBy.FRONTLINE, "w": SaidBy.WALKER}


@dataclass(frozen=True)
class Habit:
    """How a manager walks: the story their figures will tell."""

    visits: tuple[float, float]  # chance of a customer visit in a week: 26 weeks ago, now
    gemba: int = 2  # gemba walks a week
    every: int = 1  # weeks between customer visits
    cancel: float = 0.06
    miss: float = 0.06
    late: float = 0.1  # done, but on a later day than planned
    nobody: float = 0.08  # customer visits where nobody was there to speak to
    internal_only: bool = False


HABITS = {
    "steady": Habit((1, 1), gemba=2, cancel=0, miss=0, late=0.05, nobody=0),
    "drifting": Habit((0.95, 0.1), gemba=2, cancel=0.1, miss=0.12),
    "improving": Habit((0.1, 1), gemba=2, cancel=0.04, miss=0.04),
    "gemba_only": Habit((0, 0), gemba=3),
    "internal_only": Habit((0.8, 0.8), gemba=1, internal_only=True),
    "fortnightly": Habit((1, 1), gemba=1, every=2),
    "monthly": Habit((1, 1), gemba=1, every=4, nobody=0),
    "often_late": Habit((0.85, 0.85), gemba=2, late=0.45),
    "unreliable": Habit((0.9, 0.9), gemba=2, cancel=0.25, miss=0.2),
    "nobody_there": Habit((0.7, 0.7), gemba=1, nobody=0.45),
}
VISIT_TIMES = [time(9, 30), time(10, 0), time(11, 0), time(14, 0)]
GEMBA_TIMES = [time(7, 30), time(8, 0), time(13, 30), time(15, 0)]


class WalkHistory:
    """The walks the demo's builder (load.py) makes for its people, with their notes and
    follow-ups: mixed into the builder, whose state it shares."""

    now: datetime
    rng: random.Random
    zone: str
    today: date
    theme: dict[str, str]
    people: dict[str, Person]
    customers: list[Customer]
    walks: list[Walk]
    observations: list[Observation]
    follow_ups: list[FollowUp]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date, wall: time) -> datetime:
        try:
            return to_utc(day, wall, self.zone)
        except NonexistentLocalTime:  # only in zones whose clocks jump in the daytime
            return to_utc(day, wall.replace(hour=(wall.hour + 1) % 24), self.zone)

    def choosable(self, person: Person, kind: CustomerKind) -> list[Customer]:
        """The customers this manager may pick: their unit's register and those above it."""
        assert person.org_unit is not None  # every demo person belongs to a unit
        lineage = [person.org_unit, *person.org_unit.ancestors()]
        return [c for c in self.customers if c.org_unit in lineage and c.kind == kind]

    def schedule(self, person: Person, habit: Habit) -> None:
        assert person.org_unit is not None  # every demo person belongs to a unit
        rng, theme = self.rng, texts.THEMES[self.theme[person.org_unit.name]]
        visit_day, visit_time = rng.choice([1, 2, 3]), rng.choice(VISIT_TIMES)
        if person.email == "manager@example.org":
            visit_day, visit_time = 1, time(9, 30)  # Tuesdays at half past nine
        gemba_days = rng.sample([d for d in range(5) if d != visit_day], habit.gemba)
        gemba_times = [rng.choice(GEMBA_TIMES) for _ in gemba_days]
        this_monday = self.today - timedelta(days=self.today.weekday())
        offset = rng.randrange(habit.every)
        for week in range(-(WEEKS - 1), AHEAD.days // 7 + 1):
            monday = this_monday + timedelta(weeks=week)
            share = min(1.0, (week + WEEKS - 1) / (WEEKS - 1))
            chance = habit.visits[0] + (habit.visits[1] - habit.visits[0]) * share
            if (week + offset) % habit.every == 0 and rng.random() < chance:
                start = self.at(monday + timedelta(days=visit_day), visit_time)
                self.walk(person, habit, theme, WalkKind.CUSTOMER_VISIT, start)
            for day, wall in zip(gemba_days, gemba_times, strict=True):
                start = self.at(monday + timedelta(days=day), wall)
                self.walk(person, habit, theme, WalkKind.GEMBA_WALK, start)

    def walk(self, person, habit, theme, kind, start, force_planned=False) -> None:
        rng, visit = self.rng, kind == WalkKind.CUSTOMER_VISIT
        if start > self.now + AHEAD:
            return
        created = min(start - timedelta(days=rng.randint(2, 21)), self.now - timedelta(hours=2))
        walk = Walk(
            uuid=self.uuid(),
            manager=person,
            kind=kind,
            place=rng.choice(theme["visit_places" if visit else "gemba_places"]),
            purpose=rng.choice(theme["visit_purposes" if visit else "gemba_purposes"]),
            planned_start=start,
            timezone=self.zone,
            planned_minutes=rng.choice([60, 90]) if visit else rng.choice([30, 45]),
            status=WalkStatus.PLANNED,
            version=1,
            created_at=created,
            updated_at=created,
        )
        if visit:
            wanted = CustomerKind.INTERNAL if habit.internal_only else CustomerKind.EXTERNAL
            pool = self.choosable(person, wanted)
            walk.customers = rng.sample(pool, min(len(pool), 1 if rng.random() < 0.7 else 2))
        self.walks.append(walk)
        if force_planned or start > self.now:
            return
        roll = rng.random()
        if roll < habit.cancel:
            walk.status = WalkStatus.CANCELLED
            walk.cancelled_at = created + (start - created) * rng.uniform(0.5, 0.98)
            walk.updated_at = walk.cancelled_at
        elif roll >= habit.cancel + habit.miss:
            self.record(walk, habit, theme)

    def record(self, walk: Walk, habit: Habit, theme: dict) -> None:
        """Done: when it really happened, who was met, and what was seen and heard."""
        rng = self.rng
        started = walk.planned_start + timedelta(minutes=rng.randint(-10, 25))
        if rng.random() < habit.late:
            started += timedelta(days=rng.randint(1, 2), hours=rng.choice([-1, 2, 4]))
        duration = timedelta(minutes=max(15, walk.planned_minutes + rng.randint(-15, 30)))
        if started + duration > self.now:
            started = walk.planned_start
        if started + duration > self.now:
            return  # not finished yet: it stays planned for today
        visit = walk.kind == WalkKind.CUSTOMER_VISIT
        nobody = visit and rng.random() < habit.nobody
        walk.status, walk.started_at, walk.completed_at = (
            WalkStatus.DONE,
            started,
            started + duration,
        )
        walk.updated_at = min(self.now, walk.completed_at + timedelta(minutes=rng.randint(1, 90)))
        walk.customers_spoken_to = 0 if nobody or not visit else rng.randint(1, 7)
        if not visit or rng.random() < 0.5:
            walk.frontline_met = rng.choice(theme["frontline"])
        walk.summary = rng.choice(texts.NOBODY_SUMMARIES if nobody else theme["summaries"])
        heard = "w" if nobody else ("cw" if visit else "fw")
        pool = [note for note in theme["notes"] if note[2] in heard]
        notes = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
        moments = sorted(rng.uniform(0.05, 0.95) for _ in notes)
        for note, moment in zip(notes, moments, strict=True):
            self.observe(walk, note, started + duration * moment)

    def observe(self, walk: Walk, note: tuple, made_at: datetime) -> None:
        rng = self.rng
        code, waste, said_by, text, action, closing = note
        delay = timedelta(seconds=rng.randint(2, 120))
        if rng.random() < 0.15:  # written with no signal, sent once back in reach
            assert walk.completed_at is not None  # observed on walks already done
            delay = walk.completed_at - made_at + timedelta(minutes=rng.randint(5, 120))
        observation = Observation(
            uuid=self.uuid(),
            walk=walk,
            author=walk.manager,
            category=CATEGORIES[code],
            waste_type=WasteType(waste) if waste else None,
            said_by=SAID_BY[said_by],
            text=text,
            made_at=made_at,
            received_at=min(self.now, made_at + delay),
            version=1,
        )
        self.observations.append(observation)
        if action and rng.random() < 0.35:
            self.follow_up(walk, observation, action, closing)

    def follow_up(self, walk: Walk, observation: Observation, action: str, closing: str) -> None:
        rng, walker = self.rng, walk.manager
        assert walker.org_unit is not None  # every demo person belongs to a unit
        assert walk.completed_at is not None  # follow-ups come from walks already done
        owner = walker
        if rng.random() < 0.2:
            division = walker.org_unit.parent or walker.org_unit
            owner = rng.choice(
                [
                    p
                    for p in self.people.values()
                    if p.has_role(Role.MANAGER) and p.org_unit in (division, *division.children)
                ]
            )
        done_day = local(walk.completed_at, self.zone).date()
        due = done_day + timedelta(days=rng.choice([7, 14, 14, 21, 28]))
        item = FollowUp(
            uuid=self.uuid(),
            walk=walk,
            observation=observation,
            owner=owner,
            created_by=walker,
            action=action,
            due_date=due,
            status=FollowUpStatus.OPEN,
            version=1,
            created_at=min(self.now, walk.completed_at + timedelta(minutes=rng.randint(5, 60))),
        )
        latest = min(self.now, self.at(due, time(17, 0)) + timedelta(days=5))
        closes = rng.random() < (0.75 if due < self.today else 0.3)
        if closes and latest - item.created_at > timedelta(hours=2):
            item.status, item.closing_note = FollowUpStatus.CLOSED, closing
            item.closed_at = item.created_at + (latest - item.created_at) * rng.uniform(0.3, 1)
        self.follow_ups.append(item)

    def today_for(self, person: Person) -> None:
        """A walk later today and one tomorrow, so that the Today page has something on it."""
        assert person.org_unit is not None  # every demo person belongs to a unit
        theme = texts.THEMES[self.theme[person.org_unit.name]]
        habit = HABITS["steady"]
        start = self.at(self.today, time(14, 0))
        if start < self.now + timedelta(minutes=30):
            start = self.now + timedelta(hours=1)
            start = start.replace(minute=start.minute // 15 * 15, second=0, microsecond=0)
        if local(start, self.zone).date() != self.today:  # late evening: keep it on today
            start = self.now - timedelta(minutes=30)
        for when in (start, self.at(self.today + timedelta(days=1), time(10, 0))):
            self.walk(person, habit, theme, WalkKind.CUSTOMER_VISIT, when, force_planned=True)
