"""The data model, one module per aggregate; importing this registers every table."""

from .cadence import CadencePeriod
from .customers import Customer, CustomerKind
from .indexes import ENGAGEMENT_INDEXES  # noqa: F401  (registers the indexes)
from .people import OrgUnit, Person, PersonRole, Role, coach_assignments, unit_leaders
from .walks import (
    Category,
    FollowUp,
    FollowUpStatus,
    Observation,
    SaidBy,
    Walk,
    WalkKind,
    WalkStatus,
    WasteType,
    walk_customers,
)

__all__ = [
    "CadencePeriod",
    "Category",
    "Customer",
    "CustomerKind",
    "FollowUp",
    "FollowUpStatus",
    "Observation",
    "OrgUnit",
    "Person",
    "PersonRole",
    "Role",
    "SaidBy",
    "Walk",
    "WalkKind",
    "WalkStatus",
    "WasteType",
    "coach_assignments",
    "unit_leaders",
    "walk_customers",
]
