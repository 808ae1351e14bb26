"""Notifications in the app: feedback reaching the manager, actions reaching their owner.
Each is written in its recipient's language when it is raised (by someone else's request, or
a scheduled sweep), with the words kept here once."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..i18n import format_when, language_of
from ..models import FollowUp, Notification, NotificationKind, Person
from ..timeutil import local_today, utcnow
from .errors import NotFound, rolls_back
from .followups.predicates import overdue_clause

TEXT_LIMIT = 300


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(text: str) -> str:
    """A comment or note quoted in a notification, short enough for a phone's line or two."""
    return f"“{_short(text)}”"


def wording(
    kind: NotificationKind,
    *,
    actor: str = "",
    said: str = "",
    walk: str = "",
    due: date | None = None,
) -> str:
    """What a notification of `kind` says, in the current language: `actor` who did it,
    `said` the comment or action it quotes, `walk` the walk's place or kind, `due` a date."""
    day = format_when(due, "%-d %b") if due else ""
    if kind == NotificationKind.COMMENT:
        return gettext("%(actor)s commented on your walk: %(said)s", actor=actor, said=quote(said))
    if kind == NotificationKind.REPLY:
        return gettext("%(actor)s replied: %(said)s", actor=actor, said=quote(said))
    if kind == NotificationKind.REVIEW:
        return gettext("%(actor)s reviewed your walk: %(walk)s", actor=actor, walk=walk)
    if kind == NotificationKind.FOLLOW_UP_ASSIGNED:
        return gettext(
            "%(actor)s gave you a follow-up, due %(day)s: %(said)s",
            actor=actor,
            day=day,
            said=quote(said),
        )
    return gettext("Overdue since %(day)s: %(said)s", day=day, said=_short(said))


def written_for(person: Person, kind: NotificationKind, **facts) -> str:
    """The notification's text in `person`'s language, whoever's request raises it."""
    with force_locale(language_of(person)):
        return wording(kind, **facts)[:TEXT_LIMIT]


def notify(
    person_id: int,
    kind: NotificationKind,
    key: str,
    link: str,
    actor_id: int | None = None,
    **facts,
) -> Notification | None:
    """Add a notification to the caller's transaction (the caller commits it with the event
    itself, so a refused event notifies nobody). Nobody is notified of their own doing. The
    `facts` are wording's, written in the recipient's language."""
    if person_id == actor_id:
        return None
    exists = db.session.scalar(
        select(Notification.id).where(Notification.person_id == person_id, Notification.key == key)
    )
    if exists is not None:
        return None
    notification = Notification(
        person_id=person_id,
        actor_id=actor_id,
        kind=kind,
        key=key,
        text=written_for(db.session.get_one(Person, person_id), kind, **facts),
        link=link,
    )
    db.session.add(notification)
    return notification


def unread_count(person: Person) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.person_id == person.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent(person: Person, limit: int = 50) -> list[Notification]:
    """The person's notifications, unread first, then newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.person_id == person.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc())
            .limit(limit)
        )
    )


@rolls_back
def open_notification(person: Person, notification_id: int, now: datetime | None = None) -> str:
    """Mark one of the person's notifications read and give the link it points to."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.person_id != person.id:
        raise NotFound(gettext("No such notification."))
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.commit()
    return notification.link


@rolls_back
def mark_all_read(person: Person, now: datetime | None = None) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.person_id == person.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    db.session.commit()
    return cast(CursorResult, result).rowcount  # an UPDATE answers with a cursor


def follow_up_link(item: FollowUp) -> str:
    return f"/follow-ups/{item.uuid}"


def _overdue_key(item: FollowUp) -> str:
    # The owner may change; a new owner is told afresh, so the key names them too.
    return f"overdue:{item.uuid}:{item.owner_id}"


def raise_overdue(now: datetime | None = None) -> int:
    """Tell each owner once about each of their open follow-ups whose due date has passed
    (in the organisation's zone). Safe to run as often as a scheduler likes."""
    today = local_today(current_app.config["GEMBAWALK_TIMEZONE"], now)
    overdue = db.session.scalars(select(FollowUp).where(overdue_clause(today))).all()
    told = set(
        db.session.scalars(
            select(Notification.key).where(
                Notification.kind == NotificationKind.FOLLOW_UP_OVERDUE,
                Notification.key.in_([_overdue_key(item) for item in overdue]),
            )
        )
    )
    overdue = [item for item in overdue if _overdue_key(item) not in told]
    raised = 0
    for item in overdue:
        kind = NotificationKind.FOLLOW_UP_OVERDUE
        db.session.add(
            Notification(
                person_id=item.owner_id,
                kind=kind,
                key=_overdue_key(item),
                text=written_for(item.owner, kind, due=item.due_date, said=item.action),
                link=follow_up_link(item),
            )
        )
        try:
            db.session.commit()
            raised += 1
        except IntegrityError:  # a second sweep running at the same moment got there first
            db.session.rollback()
    return raised
