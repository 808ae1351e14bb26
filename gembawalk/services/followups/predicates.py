"""What pages, emails and queries ask of follow-ups, each rule said once. Templates call these
(registered in templating.py) rather than restating a condition."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_

from ...models import FollowUp, FollowUpStatus, Person, Role, Walk
from ..walks.lifecycle import has_started


def is_overdue(item: FollowUp, today: date) -> bool:
    """Still open past its due date. `today` is the reader's own (the owner's, in a digest)."""
    return item.status == FollowUpStatus.OPEN and item.due_date < today


def overdue_clause(today: date) -> ColumnElement[bool]:
    """is_overdue as a condition on FollowUp, for the queries that list and count them."""
    return and_(FollowUp.status == FollowUpStatus.OPEN, FollowUp.due_date < today)


def may_add_follow_up(actor: Person, walk: Walk) -> bool:
    """Whether the actor may add a follow-up to this walk, one they may already see (the
    caller fetched it through services.access): anyone who sees it, once it has started, since
    follow-ups come from what was seen."""
    return has_started(walk)


def sees_closure_rates(actor: Person) -> bool:
    """Closure rates are for directors (the units they lead) and admins (every unit)."""
    return actor.has_role(Role.DIRECTOR) or actor.has_role(Role.ADMIN)
