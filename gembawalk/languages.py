"""The languages Gemba Walk speaks, once: their codes and each one's name in itself (as a
chooser shows it, so that someone who cannot read the current language still finds their own).
English is the source every catalogue translates (gembawalk/translations/)."""

from __future__ import annotations

SOURCE = "en"
LANGUAGES = {
    "en": "English",
    "nl": "Nederlands",
    "cy": "Cymraeg",
}
