"""People, their roles, and the organisation tree they work in."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model, db
from ..limits import TEXT
from ..timeutil import UTCDateTime, utcnow
from .cadence import CadenceTargets
from .vocabulary import Role, stored_as_text

coach_assignments = Table(
    "coach_assignments",
    db.metadata,
    Column("coach_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("manager_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)

unit_leaders = Table(
    "unit_leaders",
    db.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("org_unit_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
)


class OrgUnit(CadenceTargets, Model):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TEXT["unit_name"]))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.name")
    leaders: Mapped[list[Person]] = relationship(
        secondary=unit_leaders, back_populates="leads", order_by="Person.display_name"
    )

    def ancestors(self) -> list[OrgUnit]:
        """This unit's parents, nearest first."""
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def __repr__(self) -> str:
        return f"<OrgUnit {self.id} {self.name!r}>"


# No two units of one name (whatever its case) under one parent, even made at the same moment
# (two imports naming a new unit): the top level's NULL parent counts as 0, since NULLs are
# never equal in a unique index.
SIBLING_NAMES = Index(
    "uq_org_units_parent_lower_name",
    func.coalesce(OrgUnit.parent_id, 0),
    func.lower(OrgUnit.name),
    unique=True,
)


class PersonRole(Model):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        stored_as_text(Role, "role"),
        primary_key=True,
    )


class Person(CadenceTargets, UserMixin, Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased by the services, so the unique constraint ignores case.
    email: Mapped[str] = mapped_column(String(TEXT["email"]), unique=True)
    display_name: Mapped[str] = mapped_column(String(TEXT["display_name"]))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # One of languages.LANGUAGES; None: as the browser asks (gembawalk/i18n.py).
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The secret in the person's calendar feed URL; None until first shown, replaced to revoke.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The span a manager's figures cover (services/engagement/definitions.py): from the day
    # they joined (the account's first day unless an admin sets another) to the day they
    # left (set when the account is deactivated; None while they are here, or for those who
    # left before it was kept).
    started_on: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date())
    left_on: Mapped[date | None] = mapped_column(Date)

    org_unit: Mapped[OrgUnit | None] = relationship()
    role_rows: Mapped[list[PersonRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    coaches: Mapped[list[Person]] = relationship(
        secondary=coach_assignments,
        primaryjoin=lambda: Person.id == coach_assignments.c.manager_id,
        secondaryjoin=lambda: Person.id == coach_assignments.c.coach_id,
        back_populates="coachees",
        order_by="Person.display_name",
    )
    coachees: Mapped[list[Person]] = relationship(
        secondary=coach_assignments,
        primaryjoin=lambda: Person.id == coach_assignments.c.coach_id,
        secondaryjoin=lambda: Person.id == coach_assignments.c.manager_id,
        back_populates="coaches",
        order_by="Person.display_name",
    )
    leads: Mapped[list[OrgUnit]] = relationship(
        secondary=unit_leaders, back_populates="leaders", order_by="OrgUnit.name"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive people
        return self.active

    def get_id(self) -> str:
        # The person, for Flask-Login's comparisons. The cookie names more: the device's own
        # session (auth.session.start_session), so that each device signs out on its own.
        return str(self.id)

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


__all__ = [
    "OrgUnit",
    "Person",
    "PersonRole",
    "Role",
    "coach_assignments",
    "unit_leaders",
]
