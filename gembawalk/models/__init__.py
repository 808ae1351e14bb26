"""The data model, one module per aggregate; importing this registers every table."""

from .audit import AuditEvent
from .coaching import Comment, Notification, NotificationKind, Review
from .conflicts import ConflictResolution, SyncConflict
from .corrections import Correction
from .customers import Customer
from .demand import DemandType
from .followups import FollowUp
from .indexes import ENGAGEMENT_INDEXES  # noqa: F401  (registers the indexes)
from .people import OrgUnit, Person, PersonRole, coach_assignments, unit_leaders
from .photos import Photo
from .questions import UnitQuestion
from .rollup import EngagementDay, EngagementMonth, RollupState
from .scheduled import DeliveryStatus, DigestDelivery, RunStatus, ScheduledRun
from .series import WalkSeries, series_customers
from .sessions import DeviceSession
from .tombstones import RemovedRecord
from .vocabulary import (
    DEMAND_CATEGORY,
    AnswerType,
    CadencePeriod,
    Category,
    CustomerKind,
    DemandKind,
    FixedForUs,
    FollowUpStatus,
    RepeatRule,
    Role,
    SaidBy,
    WalkKind,
    WalkStatus,
    WallState,
    WasteType,
    YesNo,
)
from .walks import Observation, Walk, walk_customers
from .wall import UnitWall, WallAnswer

__all__ = [
    "AnswerType",
    "AuditEvent",
    "CadencePeriod",
    "Category",
    "Comment",
    "ConflictResolution",
    "Correction",
    "Customer",
    "CustomerKind",
    "DEMAND_CATEGORY",
    "DeliveryStatus",
    "DemandKind",
    "DemandType",
    "DeviceSession",
    "DigestDelivery",
    "EngagementDay",
    "EngagementMonth",
    "FixedForUs",
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
    "RunStatus",
    "SaidBy",
    "ScheduledRun",
    "SyncConflict",
    "UnitQuestion",
    "UnitWall",
    "Walk",
    "WalkKind",
    "WalkSeries",
    "WalkStatus",
    "WallAnswer",
    "WallState",
    "WasteType",
    "YesNo",
    "coach_assignments",
    "series_customers",
    "unit_leaders",
    "walk_customers",
]
