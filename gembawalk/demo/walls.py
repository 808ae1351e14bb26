"""The demo's unit walls: a link for every unit, and the frontline's "Fixed for us?" answers
on most done items, so a leader's wall page has counts to read."""

from __future__ import annotations

import base64
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import limits
from ..extensions import db
from ..models import FixedForUs, Observation, OrgUnit, UnitWall, WallAnswer, WallState
from ..services.wall import frontline_clause, state_of


def _device(rng: random.Random) -> str:
    # The shape a real device cookie has (services.wall.DEVICE_SHAPE), from the demo's seed.
    return base64.urlsafe_b64encode(rng.getrandbits(192).to_bytes(24, "big")).decode()


def add_walls(now: datetime, rng: random.Random) -> None:
    db.session.flush()
    for unit in db.session.scalars(select(OrgUnit)):
        # A real secret even in the demo: a demo link must not be guessable from the seed.
        db.session.add(UnitWall(org_unit_id=unit.id, token=secrets.token_urlsafe(32), made_at=now))
    done = [
        observation
        for observation in db.session.scalars(
            select(Observation)
            .where(
                frontline_clause(), Observation.made_at >= now - timedelta(days=limits.WALL_DAYS)
            )
            .options(selectinload(Observation.follow_ups))
            .order_by(Observation.id)
        )
        if state_of(observation.follow_ups) == WallState.DONE
    ]
    for observation in done:
        if rng.random() < 0.25:
            continue  # not every fix gets an answer
        closed = max(item.closed_at or now for item in observation.follow_ups)
        worked = rng.random() < 0.75
        for _ in range(rng.randint(1, 6)):
            choice = (
                FixedForUs.YES if rng.random() < (0.85 if worked else 0.3) else FixedForUs.NOT_YET
            )
            db.session.add(
                WallAnswer(
                    observation_id=observation.id,
                    device=_device(rng),
                    answer=choice,
                    address=None,
                    answered_at=min(now, closed + timedelta(hours=rng.randint(2, 240))),
                )
            )
