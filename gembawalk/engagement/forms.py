"""The unit and period pickers: GET forms, so a board's address can be shared and bookmarked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField, StringField

from ..forms import ManyOptions, options
from ..services.engagement.periods import PRESETS, choose_period, parse_day
from ..services.people.org import TreeRow
from ..services.validation import record_id


class PeriodForm(Form):
    period = SelectField(_l("Period"), choices=options(PRESETS.items()), default="4w")
    first = StringField(_l("From"), render_kw={"type": "date"})
    last = StringField(_l("To"), render_kw={"type": "date"})

    def chosen(self, default: str = "4w", now=None):
        """The period asked for; raises Invalid (with the field's name) when it makes no sense.
        From–to counts only when "From – to" is picked, so a leftover date changes nothing."""
        custom = self.period.data == "custom"
        return choose_period(
            self.period.data or default,
            parse_day(self.first.data, "first") if custom else None,
            parse_day(self.last.data, "last") if custom else None,
            default=default,
            now=now,
            names=("first", "last"),
        )


class BoardForm(PeriodForm):
    unit = SelectField(
        _l("Org unit"), coerce=record_id, validate_choice=False, widget=ManyOptions()
    )

    def offer(self, choices: list[TreeRow]) -> None:
        top = min((row.depth for row in choices), default=0)
        self.unit.choices = options(
            (row.unit.id, "\u2003" * (row.depth - top) + row.unit.name) for row in choices
        )

    @property
    def unit_id(self) -> int | None:
        try:
            return int(self.unit.raw_data[0]) if self.unit.raw_data else None
        except (TypeError, ValueError):
            return -1  # not a unit anyone has: answers Not Found
