"""The demo manager's leader standard work: a few repeating walks, planned as far ahead as
the rest of the demo (`flask generate-walks` then carries them on)."""

from __future__ import annotations

from datetime import time, timedelta

from ..models import RepeatRule, Walk, WalkKind, WalkSeries, WalkStatus
from ..services.walks.series import occurrence_dates, occurrence_start

# rule, weekday (0 is Monday), local time, kind, place, purpose
DEMO_SERIES = [
    (
        RepeatRule.WEEKLY,
        3,
        time(7, 45),
        WalkKind.GEMBA_WALK,
        "Depot yard, morning briefing",
        "Watch the crews get ready: what slows the first round of the day?",
    ),
    (
        RepeatRule.EVERY_TWO_WEEKS,
        4,
        time(13, 30),
        WalkKind.GEMBA_WALK,
        "Customer contact team",
        "Listen in on calls about missed bins: value or failure demand?",
    ),
    (
        RepeatRule.MONTHLY_WEEKDAY,
        2,
        time(10, 0),
        WalkKind.CUSTOMER_VISIT,
        "Household recycling centre",
        "Meet residents as they drop off: what matters to them on a visit?",
    ),
]


def add_repeating_walks(builder) -> None:
    """Series for the demo manager, their walks made up to the demo's horizon, in memory
    like the rest of the demo (`builder` is services.demo's builder)."""
    manager = builder.people["manager@example.org"]
    horizon = builder.today + timedelta(days=14)
    created = builder.now - timedelta(days=3)
    for rule, weekday, at, kind, place, purpose in DEMO_SERIES:
        first = builder.today + timedelta(days=(weekday - builder.today.weekday()) % 7 or 7)
        series = WalkSeries(
            uuid=builder.uuid(),
            manager=manager,
            rule=rule,
            starts_on=first,
            at=at,
            timezone=builder.zone,
            kind=kind,
            place=place,
            purpose=purpose,
            planned_minutes=45,
            generated_through=horizon,
            created_at=created,
        )
        for day in occurrence_dates(rule, first, None, first, horizon):
            builder.walks.append(
                Walk(
                    uuid=builder.uuid(),
                    manager=manager,
                    series=series,
                    occurrence_date=day,
                    kind=kind,
                    place=place,
                    purpose=purpose,
                    planned_minutes=45,
                    timezone=builder.zone,
                    planned_start=occurrence_start(series, day),
                    status=WalkStatus.PLANNED,
                    created_at=created,
                    updated_at=created,
                )
            )
