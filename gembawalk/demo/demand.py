"""The demo's demand: a realistic set of demand types for each division (inherited by its
teams), tallies heard on its customer visits, and a few follow-ups aimed at a failure demand."""

from __future__ import annotations

import random
from datetime import timedelta

from ..models import Category, DemandKind, DemandType, SaidBy, WalkKind, WalkStatus
from ..models import Observation as ObservationModel
from . import texts

V, F = DemandKind.VALUE, DemandKind.FAILURE

# Division -> (name, kind, how often it is heard on a visit, a few of the customer's words).
TYPES = {
    "Waste & Fleet Operations": [
        ("Report a missed bin", V, 0.5, ["The blue bin wasn't emptied on Tuesday"]),
        ("Order a new bin", V, 0.4, ["Ours cracked in the cold"]),
        ("Book a bulky collection", V, 0.3, []),
        ("Chasing a missed bin", F, 0.6, ["Third time I've rung about the same bin",
                                          "Nobody told me when they'd come back"]),
        ("Asking what happens next", F, 0.4, ["I don't know if anyone is coming"]),
    ],
    "Planning & Permits": [
        ("Apply for a permit", V, 0.5, []),
        ("Ask which permit is needed", V, 0.4, ["Do I need planning or just building control?"]),
        ("Chasing a decision", F, 0.6, ["It's been eight weeks and no word",
                                        "The portal still says 'received'"]),
        ("Resubmitting a missing document", F, 0.4, ["Nobody said the plan had to be to scale"]),
    ],
    "Customer Contact": [
        ("Pay a bill", V, 0.5, []),
        ("Report a repair", V, 0.5, ["The boiler's been off since Friday"]),
        ("Chasing a repair", F, 0.7, ["Still no date for my boiler",
                                      "I was told someone would ring back"]),
        ("Correcting a wrong letter", F, 0.3, ["The letter had last year's amount"]),
    ],
}  # fmt: skip


def add_demand(builder, seed: int) -> None:
    """Types for each division; tallies on done customer visits (a separate random stream,
    so the rest of the demo stays as it was); a few closed follow-ups aimed at a type."""
    rng = random.Random(seed)
    by_division: dict[str, list[tuple[DemandType, float, list[str]]]] = {}
    for division, rows in TYPES.items():
        unit = builder.units[division]
        founded = builder.founded
        by_division[division] = [
            (DemandType(org_unit=unit, name=name, kind=kind, position=n, created_at=founded),
             often, words)
            for n, (name, kind, often, words) in enumerate(rows)
        ]  # fmt: skip
    division_of = {
        team: division for division, (_theme, teams) in texts.DIVISIONS.items() for team in teams
    }
    for division in by_division:
        division_of[division] = division
    tallies: list[ObservationModel] = []
    for walk in builder.walks:
        if walk.status != WalkStatus.DONE or walk.kind != WalkKind.CUSTOMER_VISIT:
            continue
        heard_in = division_of.get(walk.manager.org_unit.name)
        if heard_in is None or not walk.customers_spoken_to:
            continue
        for demand_type, often, words in by_division[heard_in]:
            for _ in range(rng.choices((0, 1, 2), weights=(1 - often, often, often / 3))[0]):
                made_at = walk.started_at + (walk.completed_at - walk.started_at) * rng.random()
                tallies.append(
                    ObservationModel(
                        uuid=builder.uuid(),
                        walk=walk,
                        author=walk.manager,
                        category=demand_type.category,
                        said_by=SaidBy.CUSTOMER,
                        text=rng.choice(words) if words and rng.random() < 0.3 else "",
                        demand_type=demand_type,
                        made_at=made_at,
                        received_at=min(
                            builder.now, made_at + timedelta(seconds=rng.randint(2, 90))
                        ),
                        version=1,
                    )
                )
    builder.observations.extend(tallies)
    for follow_up in builder.follow_ups:
        if follow_up.observation is None or follow_up.observation.category != (
            Category.FAILURE_DEMAND
        ):
            continue
        aimed_in = division_of.get(follow_up.walk.manager.org_unit.name) or ""
        failures = [t for t, _, _ in by_division.get(aimed_in, []) if t.kind == F]
        if failures:
            follow_up.demand_type = rng.choice(failures)
    builder.demand_types = [t for rows in by_division.values() for t, _, _ in rows]
