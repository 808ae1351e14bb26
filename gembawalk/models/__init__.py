"""The data model, one module per aggregate; importing this registers every table."""

from .audit import AuditEvent
from .cadence import CadencePeriod
from .coaching import Comment, Notification, NotificationKind, Review
from .conflicts import ConflictResolution, SyncConflict
from .corrections import Correction
from .customers import Customer, CustomerKind
from .followups import FollowUp, FollowUpStatus
from .indexes import ENGAGEMENT_INDEXES  # noqa: F401  (registers the indexes)
from .people import OrgUnit, Person, PersonRole, Role, coach_assignments, unit_leaders
from .photos import Photo
from .rollup import EngagementDay, RollupState
from .series import RepeatRule, WalkSeries, series_customers
from .tombstones import RemovedRecord
from .walks import (
    Category,
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
    "ConflictResolution",
    "Correction",
    "Customer",
    "CustomerKind",
    "EngagementDay",
    "FollowUp",
    "FollowUpStatus",
    "Notification",
    "NotificationKind",
    "Observation",
    "OrgUnit",
    "Person",
    "PersonRole",
    "Photo",
    "RemovedRecord",
    "RepeatRule",
    "Review",
    "Role",
    "RollupState",
    "SaidBy",
    "SyncConflict",
    "Walk",
    "WalkKind",
    "WalkSeries",
    "WalkStatus",
    "WasteType",
    "coach_assignments",
    "series_customers",
    "unit_leaders",
    "walk_customers",
]
