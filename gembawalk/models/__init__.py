"""The data model, one module per aggregate; importing this registers every table."""

from .cadence import CadencePeriod
from .conflicts import ConflictResolution, SyncConflict
from .customers import Customer, CustomerKind
from .people import OrgUnit, Person, PersonRole, Role, coach_assignments, unit_leaders
from .photos import Photo
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
    "ConflictResolution",
    "Customer",
    "CustomerKind",
    "FollowUp",
    "FollowUpStatus",
    "Observation",
    "OrgUnit",
    "Person",
    "PersonRole",
    "Photo",
    "Role",
    "SaidBy",
    "SyncConflict",
    "Walk",
    "WalkKind",
    "WalkStatus",
    "WasteType",
    "coach_assignments",
    "unit_leaders",
    "walk_customers",
]
