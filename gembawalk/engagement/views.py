"""Engagement pages. Each view reads its pickers, calls one service, then renders or exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from ..forms import show_errors
from ..i18n import format_when
from ..security import attachment, request_facts
from ..services import audit
from ..services import customers as customer_register
from ..services.engagement import coverage, exports, leaderboard, trends
from ..services.engagement.periods import choose_period
from ..services.errors import Invalid
from .forms import BoardForm, PeriodForm

bp = Blueprint("engagement", __name__, url_prefix="/engagement")


@bp.before_request
@login_required
def signed_in():
    return None


def _pickers(form_class=BoardForm, default: str = "4w"):
    """The form read from the query string, the period it asks for (or the default when it
    asks for nonsense, with the reason on the field) and the status to answer with."""
    form = form_class(request.args)
    if not form.period.raw_data:
        form.period.data = default
    try:
        return form, form.chosen(default), 200
    except Invalid as error:
        show_errors(form, error)
        return form, choose_period(default), 422


def _board(default: str = "4w"):
    form, period, status = _pickers(default=default)
    board = leaderboard.leaderboard(current_user, form.unit_id, period)
    form.offer(board.scope.choices)
    form.unit.data = board.unit.id
    return form, board, status


@bp.get("/leaderboard")
def board():
    form, period, status = _pickers()
    page = request.args.get("page", 1, type=int)
    found = leaderboard.leaderboard_page(current_user, form.unit_id, period, page)
    form.offer(found.scope.choices)
    form.unit.data = found.unit.id
    return render_template(
        "engagement/leaderboard.html", form=form, board=found, rows=found.rows, page=found.number
    ), status


def _csv(rows: Iterable[Sequence[object]], stem: str) -> Response:
    """UTF-8 with a byte-order mark and CRLF lines: what Excel opens without asking. Made
    whole before it is sent (a quarter of a big organisation is a few megabytes), so the
    database work ends inside the request."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerows([_cell(value) for value in row] for row in rows)
    audit.record(audit.EXPORT, actor=current_user, subject=stem, **request_facts())
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"{stem}.csv")},
    )


FORMULA_STARTS = frozenset("=+-@\t\r")


def _cell(value: object) -> object:
    # A text starting with = + - @ would run as a formula in a spreadsheet: keep it text.
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return "" if value is None else value


@bp.get("/leaderboard.csv")
def board_csv():
    _form, found, _status = _board()
    return _csv(exports.leaderboard_rows(found), exports.file_stem(found, "leaderboard"))


@bp.get("/walks.csv")
def walks_csv():
    _form, found, _status = _board()
    return _csv(exports.walks_rows(current_user, found), exports.file_stem(found, "walks"))


@bp.get("/trends")
def unit_trends():
    form, period, status = _pickers(default="26w")
    found = trends.trends(current_user, form.unit_id, period)
    form.offer(found.scope.choices)
    form.unit.data = found.unit.id
    return render_template("engagement/trends.html", form=form, trends=found), status


@bp.get("/coverage")
def unit_coverage():
    form, status = BoardForm(request.args), 200
    try:
        weeks = coverage.choose_weeks(request.args.get("weeks"))
    except Invalid as error:  # the default window, with the reason shown
        show_errors(form, error)
        weeks, status = coverage.DEFAULT_WEEKS, 422
    found = coverage.coverage(current_user, form.unit_id, weeks)
    form.offer(found.scope.choices)
    form.unit.data = found.unit.id
    return render_template(
        "engagement/coverage.html", form=form, coverage=found, weekdays=_weekdays()
    ), status


A_MONDAY = date(2024, 1, 1)


def _weekdays() -> list[str]:
    """Monday to Sunday, short, in the reader's language (the heat table's rows, as the
    service's `days` are in English: "Mon", "ma", "Llun")."""
    return [format_when(A_MONDAY + timedelta(days=n), "%a") for n in range(7)]


@bp.get("/customers")
def customers():
    form = BoardForm(request.args)
    not_seen = trends.NOT_SEEN_DAYS if request.args.get("not_seen") else None
    found = trends.customer_reach(current_user, form.unit_id, not_seen)
    form.offer(found.scope.choices)
    form.unit.data = found.unit.id
    return render_template("engagement/customers.html", form=form, reach=found)


@bp.get("/customers/<int:customer_id>")
def customer(customer_id: int):
    found = customer_register.customer_words(current_user, customer_id)
    return render_template("engagement/customer.html", words=found)


@bp.get("/managers/<int:manager_id>")
def manager(manager_id: int):
    form, period, status = _pickers(PeriodForm)
    detail = leaderboard.manager_detail(current_user, manager_id, period)
    return render_template("engagement/manager.html", form=form, detail=detail), status
