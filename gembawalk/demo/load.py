"""The demo organisation: a council's services with half a year of walks, for trying the app."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from ..extensions import db
from ..models import (
    Customer,
    CustomerKind,
    DemandType,
    FollowUp,
    Observation,
    OrgUnit,
    Person,
    PersonRole,
    Role,
    Walk,
)
from ..services.errors import Conflict, rolls_back
from ..services.people.accounts import count_people
from ..services.people.passwords import hash_password
from ..timeutil import day_start_utc, local, utcnow
from . import texts
from .coaching import add_coaching
from .demand import add_demand
from .history import HABITS, WEEKS, WalkHistory
from .questions import add_questions
from .series import add_repeating_walks
from .walls import add_walls


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


class _Builder(WalkHistory):
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
