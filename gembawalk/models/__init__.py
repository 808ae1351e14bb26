"""The data model, one module per aggregate; importing this registers every table."""

from .audit import AuditEvent
from .cadence import CadencePeriod
from .coaching import Comment, Notification, NotificationKind, Review
from .customers import Customer, CustomerKind
from .people import OrgUnit, Person, PersonRole, Role, coach_assignments, unit_leaders
from .series import RepeatRule, WalkSeries, series_customers
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
    "AuditEvent",
    "CadencePeriod",
    "Category",
    "Comment",
    "Notification",
    "NotificationKind",
    "Review",
    "Customer",
    "CustomerKind",
    "FollowUp",
    "FollowUpStatus",
    "Observation",
    "OrgUnit",
    "Person",
    "PersonRole",
    "RepeatRule",
    "Role",
    "SaidBy",
    "Walk",
    "WalkKind",
    "WalkStatus",
    "WalkSeries",
    "WasteType",
    "coach_assignments",
    "series_customers",
    "unit_leaders",
    "walk_customers",
]
