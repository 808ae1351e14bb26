"""The demo organisation: a council's services with half a year of walks, for trying the app."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app

from ..extensions import db
from ..models import (
    Category,
    Customer,
    CustomerKind,
    DemandType,
    FollowUp,
    FollowUpStatus,
    Observation,
    OrgUnit,
    Person,
    PersonRole,
    Role,
    SaidBy,
    Walk,
    WalkKind,
    WalkStatus,
    WasteType,
)
from ..services.errors import Conflict, rolls_back
from ..services.people.accounts import count_people
from ..services.people.passwords import hash_password
from ..timeutil import NonexistentLocalTime, day_start_utc, local, to_utc, utcnow
from . import texts
from .coaching import add_coaching
from .demand import add_demand
from .questions import add_questions
from .series import add_repeating_walks
from .walls import add_walls

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


@dataclass
class DemoSummary:
    units: int = 0
    levels: int = 0
    people_by_role: dict[str, int] = field(default_factory=dict)
    people: int = 0
    customers_by_kind: dict[str, int] = field(default_factory=dict)
    walks_by_status: dict[str, int] = field(default_factory=dict)
    observations: int = 0
    follow_ups: int = 0
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # email, name, roles

    @property
    def customers(self) -> int:
        return sum(self.customers_by_kind.values())

    @property
    def walks(self) -> int:
        return sum(self.walks_by_status.values())

    def describe(self) -> str:
        plural = {"coach": "coaches"}
        roles = ", ".join(
            f"{n} {role if n == 1 else plural.get(role, role + 's')}"
            for role, n in reversed(self.people_by_role.items())
        )
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.customers_by_kind.items())
        statuses = ", ".join(f"{n} {status}" for status, n in self.walks_by_status.items())
        width = max(len(email) for email, _, _ in self.sign_ins)
        lines = [
            f"Demo loaded: {texts.TOP}.",
            f"  {self.units} org units in {self.levels} levels",
            f"  {self.people} people: {roles} (the directors walk too, as managers)",
            f"  {self.customers} customers ({kinds})",
            f"  {self.walks} walks ({statuses})",
            f"  {self.observations} observations, {self.follow_ups} follow-ups",
            f"Sign in with any of these; the password is {texts.PASSWORD}",
            *(f"  {e:<{width}}  {name} ({roles})" for e, name, roles in self.sign_ins),
        ]
        return "\n".join(lines)


@rolls_back
def load_demo(now: datetime | None = None, seed: int = 7) -> DemoSummary:
    """Load the demo organisation into an empty database, in one transaction."""
    if count_people() > 0:
        raise Conflict("People already exist: the demo loads only into an empty database.")
    builder = _Builder(now or utcnow(), random.Random(seed))
    summary = builder.build()
    add_coaching(builder.now, random.Random(seed))  # reviews, comments, notifications
    add_walls(builder.now, random.Random(seed))  # a wall per unit, with answers
    db.session.commit()
    return summary


class _Builder:
    """Makes every object in memory first, so the database sees a few bulk inserts."""

    def __init__(self, now: datetime, rng: random.Random):
        self.now, self.rng = now, rng
        self.zone = current_app.config["GEMBAWALK_TIMEZONE"]
        self.today = local(now, self.zone).date()
        self.day_start = day_start_utc(self.today, self.zone)
        self.founded = now - timedelta(weeks=WEEKS + 4)
        self.units: dict[str, OrgUnit] = {}
        self.theme: dict[str, str] = {}  # unit name -> theme
        self.people: dict[str, Person] = {}
        self.customers: list[Customer] = []
        self.walks: list[Walk] = []
        self.observations: list[Observation] = []
        self.follow_ups: list[FollowUp] = []
        self.demand_types: list[DemandType] = []

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date, wall: time) -> datetime:
        try:
            return to_utc(day, wall, self.zone)
        except NonexistentLocalTime:  # only in zones whose clocks jump in the daytime
            return to_utc(day, wall.replace(hour=(wall.hour + 1) % 24), self.zone)

    def build(self) -> DemoSummary:
        self.org()
        self.staff()
        self.register()
        for email, *_, habit, _coach in texts.PEOPLE:
            if habit:
                self.schedule(self.people[email], HABITS[habit])
        self.today_for(self.people["manager@example.org"])
        add_repeating_walks(self)
        add_demand(self, seed=self.rng.getrandbits(32))
        db.session.add_all([*self.units.values(), *self.people.values(), *self.customers])
        db.session.add_all(self.demand_types)
        # Before the walks are stored: each keeps the questions it was asked as it is made.
        add_questions(self.units, self.walks, self.founded, random.Random(self.rng.getrandbits(32)))
        db.session.add_all([*self.walks, *self.observations, *self.follow_ups])
        return self.summary()

    def org(self) -> None:
        top = OrgUnit(name=texts.TOP, created_at=self.founded)
        self.units[top.name] = top
        for division, (theme, teams) in texts.DIVISIONS.items():
            unit = OrgUnit(name=division, parent=top, created_at=self.founded)
            self.units[division], self.theme[division] = unit, theme
            for team in teams:
                self.units[team] = OrgUnit(name=team, parent=unit, created_at=self.founded)
                self.theme[team] = theme
        self.theme[texts.TOP] = "depots"  # the chief executive goes out on the bin rounds

    def staff(self) -> None:
        password_hash = hash_password(texts.PASSWORD)  # once: argon2 is slow on purpose
        for email, name, roles, unit, *_ in texts.PEOPLE:
            self.people[email] = Person(
                email=email,
                display_name=name,
                password_hash=password_hash,
                org_unit=self.units[unit],
                role_rows=[PersonRole(role=Role(r)) for r in roles.split()],
                created_at=self.founded,
                started_on=self.founded.date(),
            )
        for email, *_, coach in texts.PEOPLE:
            if coach:
                self.people[email].coaches = [self.people[coach]]
        for email, unit in texts.LEADS.items():
            self.people[email].leads = [self.units[unit]]

    def register(self) -> None:
        for unit, kind, name, notes in texts.CUSTOMERS:
            self.customers.append(
                Customer(
                    name=name,
                    kind=CustomerKind.EXTERNAL if kind == "e" else CustomerKind.INTERNAL,
                    org_unit=self.units[unit],
                    notes=notes,
                    created_at=self.founded + timedelta(days=self.rng.randint(0, 20)),
                )
            )

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

    def summary(self) -> DemoSummary:
        def depth(unit: OrgUnit) -> int:
            return 1 + len(unit.ancestors())

        def status(walk: Walk) -> str:
            return "missed" if walk.is_missed(self.day_start) else walk.status.value

        people = list(self.people.values())
        return DemoSummary(
            units=len(self.units),
            levels=max(depth(u) for u in self.units.values()),
            people=len(people),
            people_by_role={r.value: sum(p.has_role(r) for p in people) for r in Role},
            customers_by_kind=dict(Counter(c.kind.value for c in self.customers)),
            walks_by_status=dict(Counter(status(w) for w in self.walks)),
            observations=len(self.observations),
            follow_ups=len(self.follow_ups),
            sign_ins=[(e, n, r.replace(" ", ", ")) for e, n, r, *_ in texts.PEOPLE],
        )
