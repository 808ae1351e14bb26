"""Template filters, tests and globals: times in the reader's zone, product words as labels,
the product's limits."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app
from flask_login import current_user

from . import limits
from .models import Role
from .models.photos import Photo
from .pwa.vocabulary import offline_vocabulary
from .services.people.accounts import zone_for
from .services.photos import stored_file
from .services.walks.series import describe as describe_series
from .timeutil import local


def _zone() -> str:
    if current_user and current_user.is_authenticated:
        return zone_for(current_user)
    return current_app.config["GEMBAWALK_TIMEZONE"]


def local_time(value: datetime | None, fmt: str = "%a %-d %b %Y, %H:%M", zone: str | None = None):
    if value is None:
        return ""
    return local(value, zone or _zone()).strftime(fmt)


def local_date(value: datetime, zone: str | None = None) -> date:
    return local(value, zone or _zone()).date()


def day_label(value: date, today: date) -> str:
    delta = (value - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    if value.year == today.year:
        return value.strftime("%a %-d %b")
    return value.strftime("%a %-d %b %Y")


def photo_stored(photo: Photo) -> bool:
    """`{% if photo is stored %}`: its file is still on disk (a page shows a gap, not a broken
    image, when it is not)."""
    return stored_file(photo, Path(current_app.config["GEMBAWALK_PHOTO_DIR"])) is not None


def init_templating(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(local_date, "local_date")
    app.add_template_global(day_label, "day_label")
    app.add_template_global(Role, "Role")
    app.jinja_env.globals["limits"] = limits  # a module, not a callable: set it directly
    app.add_template_global(offline_vocabulary, "offline_vocabulary")
    app.add_template_filter(describe_series, "repeat_rule")
    app.add_template_test(photo_stored, "stored")
