"""A small organisation for the coaching tests: two units, their managers, coaches, a director,
an admin, and a done walk with an observation for each manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gembawalk.extensions import db
from gembawalk.models import Observation, OrgUnit, Person, Walk, WalkStatus

from .factories import ObservationFactory, OrgUnitFactory, PersonFactory, WalkFactory


@dataclass
class World:
    top: OrgUnit
    north: OrgUnit
    south: OrgUnit
    maya: Person  # manager in North, coached by coach
    sam: Person  # manager in South, coached by coach2
    coach: Person
    coach2: Person
    director: Person  # leads North
    admin: Person
    walk: Walk  # Maya's done walk
    obs: Observation
    other_walk: Walk  # Sam's done walk
    other_obs: Observation

    def people(self) -> dict[str, Person]:
        return {
            name: getattr(self, name)
            for name in ("maya", "sam", "coach", "coach2", "director", "admin")
        }


def done_walk(manager: Person, hours_ago: float = 3, place: str = "Packing line") -> Walk:
    finished = datetime.now(UTC) - timedelta(hours=hours_ago)
    return WalkFactory(
        manager=manager,
        place=place,
        status=WalkStatus.DONE,
        planned_start=finished - timedelta(hours=1),
        started_at=finished - timedelta(hours=1),
        completed_at=finished,
        customers_spoken_to=2,
    )


def build_world() -> World:
    top = OrgUnitFactory(name="Council")
    north = OrgUnitFactory(name="North", parent=top)
    south = OrgUnitFactory(name="South", parent=top)
    coach = PersonFactory(roles=["coach"], org_unit=top, display_name="Cora Coach")
    coach2 = PersonFactory(roles=["coach"], org_unit=top, display_name="Carl Coach")
    maya = PersonFactory(roles=["manager"], org_unit=north, display_name="Maya Manager")
    sam = PersonFactory(roles=["manager"], org_unit=south, display_name="Sam Manager")
    director = PersonFactory(
        roles=["director", "manager"], org_unit=north, display_name="Dee Director"
    )
    admin = PersonFactory(roles=["admin"], org_unit=top, display_name="Ada Admin")
    maya.coaches = [coach]
    sam.coaches = [coach2]
    director.leads = [north]
    db.session.commit()
    walk = done_walk(maya)
    obs = ObservationFactory(walk=walk, text="I rang twice to ask where my parcel was")
    other_walk = done_walk(sam, place="South gate")
    other_obs = ObservationFactory(walk=other_walk, text="The gate closes too early")
    return World(
        top, north, south, maya, sam, coach, coach2, director, admin,
        walk, obs, other_walk, other_obs,
    )  # fmt: skip
