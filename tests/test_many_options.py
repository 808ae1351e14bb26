"""The unit picker's quicker select (forms.ManyOptions) writes what WTForms' own would."""

from __future__ import annotations

from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs predate 3.3
from wtforms.widgets import Select

from gembawalk.forms import ManyOptions


def rendered(widget, chosen) -> str:
    class Picker(Form):
        unit = SelectField("Org unit", coerce=str, validate_choice=False, widget=widget)

    form = Picker(data={"unit": chosen})
    form.unit.choices = [
        SelectChoice(1, "Operations"),
        SelectChoice(2, "\u2003North & <South> \"quoted\" 'single'"),
        SelectChoice("3", "Three"),
        SelectChoice(True, "A yes"),
        SelectChoice(4, "Own language", render_kw={"lang": "cy"}),
        SelectChoice(5, ""),
    ]
    return str(form.unit())


def test_many_options_writes_what_wtforms_writes():
    for chosen in ("1", "2", "3", "True", "4", "5", "none"):
        ours = rendered(ManyOptions(), chosen)
        assert ours == rendered(Select(), chosen), chosen
        assert ours.count(" selected") == (chosen != "none")
    escaped = "North &amp; &lt;South&gt; &#34;quoted&#34; &#39;single&#39;"
    assert escaped in rendered(ManyOptions(), "1")
