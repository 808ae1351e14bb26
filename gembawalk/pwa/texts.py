"""The offline app's own sentences (static/js): what its pages, status line, outbox and checks
say, once, marked for translation. The vocabulary (pwa/vocabulary.py) sends them in the
reader's language; the scripts ask for each by its name (Gemba.words.say and .count) and fill
in its `%(name)s` placeholders. A sentence the server's pages also say keeps the server's
English, so it is one message, translated once."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from babel import Locale
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l

TEXTS = {
    # Today, the walks list and a walk's page (as templates/main and templates/walks say them)
    "today": _l("Today"),
    "plan_a_walk": _l("Plan a walk"),
    "in_progress_since": _l("In progress since %(time)s"),
    "continue": _l("Continue"),
    "add_an_observation": _l("Add an observation"),
    "add_an_observation_to": _l("Add an observation to %(walk)s"),
    "planned_for_today": _l("Planned for today"),
    "nothing_else_today": _l("Nothing else planned for today."),
    "nothing_today": _l("Nothing planned for today."),
    "name_the_place_first": _l("Name the place first"),
    "record_a_past_walk": _l("Record a past walk"),
    "done_today": _l("Done today"),
    "coming_up": _l("Coming up"),
    "all_my_walks": _l("All my walks"),
    "my_walks": _l("My walks"),
    "no_walks_here": _l("No walks saved on this device yet."),
    "with_customers": _l("With %(customers)s"),
    "observations": _l("Observations"),
    "photo_number": _l("Photo %(number)s"),
    "no_observations": _l("No observations yet. What matters to the customer, in their own words?"),
    "started_at": _l("Started %(time)s"),
    "recorded_after": _l("Recorded after the fact"),
    "unplanned": _l("Started without a plan"),
    "planned_for": _l("Planned for %(when)s (%(minutes)s min)"),
    "customers": _l("Customers:"),
    "complete_walk": _l("Complete walk"),
    "cancelled": _l("Cancelled."),
    "start_a_walk_now": _l("Start a walk now"),
    "no_plan_needed": _l("No plan needed: the walk starts now, at the time you press Start."),
    "a_customer": _l("A customer"),
    "none_named": _l("None named"),
    "none_noted": _l("None noted"),
    "questions_required": _l("(required)"),
    # Correct and Record a past walk
    "correct_walk": _l("Correct walk"),
    "correct_observation": _l("Correct observation"),
    "correct": _l("Correct"),
    "this_observation": _l("Correct this observation"),
    "history_kept": _l(
        "%(walk)s · what it said before is kept in the walk’s history, for everyone who may see"
        " the walk"
    ),
    "record_past_lead": _l(
        "A walk you did but did not record at the time. It is shown as recorded after the fact,"
        " and counts like any other done walk."
    ),
    # More
    "more": _l("More"),
    "plan_hint": _l("A customer visit or a gemba walk"),
    "outbox": _l("Outbox"),
    "outbox_hint": _l("What this device holds, and what is sent"),
    "account": _l("Account"),
    "account_hint": _l("Opens when you have signal"),
    # The outbox
    "outbox_walk": _l("Walk: %(place)s (%(status)s)"),
    "outbox_undo_tally": _l("Undo a tally on %(walk)s"),
    "outbox_observation": _l("Observation on %(walk)s: %(text)s"),
    "outbox_photo": _l("Photo for an observation on %(walk)s"),
    "outbox_undo_tally_unknown": _l("Undo a tally on a walk"),
    "outbox_observation_unknown": _l("Observation on a walk: %(text)s"),
    "outbox_photo_unknown": _l("Photo for an observation on a walk"),
    "outbox_saved": _l("saved %(when)s"),
    "other_account": _l("Made under another account: waits for that person to sign in."),
    "waits_for_parent": _l("Waits until what it belongs to has been sent."),
    "resolve_conflict": _l("Resolve the conflict"),
    "sync_now": _l("Sync now"),
    "download_unsent": _l("Download unsent"),
    "outbox_lead": _l(
        "What you record is saved on this device first, then sent. “Sent” means the server has"
        " confirmed it."
    ),
    "not_sent_yet": _l("Not sent yet"),
    "nothing_waiting": _l("Nothing waiting: everything is sent."),
    "recently_sent": _l("Recently sent"),
    # Pages the device cannot draw
    "not_on_device": _l("Not on this device"),
    "not_on_device_lead": _l(
        "This page is not saved on this device. It opens when you have signal."
    ),
    "back_to_today": _l("Back to Today"),
    "sign_in_once": _l(
        "Sign in once while you have signal: your walks are then kept on this device for when"
        " there is none."
    ),
    "sign_in": _l("Sign in"),
    "as_last_synced": _l("As last synced %(when)s."),
    "not_synced_yet": _l("Not synced yet."),
    "could_not_open": _l("This device could not open what it saved: %(error)s"),
    "could_not_keep": _l("This device could not keep it: %(error)s"),
    # A record's state, and the status line
    "state_pending": _l("Saved on this device"),
    "state_sent": _l("Sent"),
    "state_attention": _l("Needs attention"),
    "state_conflict": _l("Conflict"),
    "state_removed": _l("Removed on the server"),
    "offline": _l("Offline"),
    "offline_more": _l(
        "Offline: what you record is saved on this device, and sent when there is signal."
    ),
    "syncing": _l("Syncing %(done)s of %(total)s…"),
    "synced_at": _l("Synced %(when)s"),
    "never_synced": _l("Not synced yet"),
    "last_synced": _l("Last synced %(when)s"),
    "nothing_to_send": _l("Nothing waiting to be sent"),
    "storage_at_risk": _l("Storage at risk"),
    "storage_unsent": _l(
        "This browser may clear unsent records. Add the app to your home screen, or sync soon."
    ),
    "storage_kept": _l(
        "This browser may clear what this device keeps. Add the app to your home screen."
    ),
    "open_the_outbox": _l("Open the outbox"),
    "new_version": _l("A new version of Gemba Walk is ready."),
    "update": _l("Update"),
    # What the server's reply meant for a record
    "no_connection": _l("No connection; will try again."),
    "not_our_reply": _l("The reply was not from Gemba Walk; will try again."),
    "server_busy": _l("Server busy (%(status)s); will try again."),
    "request_refused": _l("Request refused"),
    "changed_elsewhere": _l("Changed on another device"),
    "too_large": _l("Too large to send"),
    "refused": _l("Refused (%(status)s)"),
    "not_undone": _l("Not undone (%(status)s)"),
    # The forms' checks, all shown at once above the form (as the server's _macros/forms.html)
    "problems_lead": _l("Please correct what is marked below. Nothing has been saved yet."),
    "choose_category": _l("Choose what you saw."),
    "choose_waste": _l("Choose which waste this is."),
    "choose_said_by": _l("Choose who said it."),
    "write_a_note": _l("Write a note."),
    "choose_kind": _l("Choose a customer visit or a gemba walk."),
    "give_day_and_time": _l("Give a day and a time."),
    "choose_minutes": _l("Choose how long the walk will take."),
    "say_spoken_to": _l("Say how many customers you spoke with (0 to %(most)s)."),
    "give_start_and_finish": _l("Give when the walk started and finished."),
    "finish_before_start": _l("A walk cannot finish before it started."),
    "finish_in_future": _l("The finish cannot be in the future."),
    "too_long_observation": _l("The note is %(length)s characters long; the limit is %(limit)s."),
    "too_long_place": _l("The place is %(length)s characters long; the limit is %(limit)s."),
    "too_long_purpose": _l("The purpose is %(length)s characters long; the limit is %(limit)s."),
    "too_long_frontline_met": _l(
        "The list of people you met is %(length)s characters long; the limit is %(limit)s."
    ),
    "too_long_summary": _l("The summary is %(length)s characters long; the limit is %(limit)s."),
    "server_only": _l(
        "Repeating walks and new customers are saved by the server: leave them empty for now,"
        " or plan this walk when you have signal."
    ),
    "nothing_to_choose": _l("Nothing to choose from yet."),
    "customer_option": _l("%(name)s (%(kind)s)"),
    "question_missing": _l("%(question)s: %(missing)s"),
    # A walk's tally of demand
    "heard": _l("Heard: %(type)s."),
    "undone": _l("Undone."),
    "nothing_to_undo": _l("Nothing to undo."),
    "their_words_for": _l("Their words for %(type)s (optional)"),
    "undo_one": _l("Undo one %(type)s"),
    # The calendar link's Copy button (templates/auth/account.html)
    "copied": _l("Copied."),
    "select_and_copy": _l("Select the link and copy it."),
    "sign_out_anyway": _l("They stay here and are sent when you sign in again. Sign out anyway?"),
}

# Counted phrases, each as `t.ngettext(singular, plural, n)` with `t` the reader's catalogue:
# the vocabulary sends each language's form for each of its CLDR plural categories (Welsh has
# six), and the script picks one with Intl.PluralRules. `%(num)d` is the count.
PLURALS: dict[str, Callable[[Any, int], str]] = {
    "observations": lambda t, n: t.ngettext("%(num)d observation", "%(num)d observations", n),
    "photos": lambda t, n: t.ngettext("%(num)d photo", "%(num)d photos", n),
    "tries": lambda t, n: t.ngettext("%(num)d try", "%(num)d tries", n),
    "heard_count": lambda t, n: t.ngettext("%(num)d heard", "%(num)d heard", n),
    "records_waiting": lambda t, n: t.ngettext(
        "%(num)d record waiting", "%(num)d records waiting", n
    ),
    "records_waiting_to_send": lambda t, n: t.ngettext(
        "%(num)d record waiting to be sent", "%(num)d records waiting to be sent", n
    ),
    "sign_in_to_sync": lambda t, n: t.ngettext(
        "Sign in to sync. %(num)d record waits on this device.",
        "Sign in to sync. %(num)d records wait on this device.",
        n,
    ),
    "other_account_waits": lambda t, n: t.ngettext(
        "%(num)d record from another account waits here until that person signs in again.",
        "%(num)d records from another account wait here until that person signs in again.",
        n,
    ),
    "need_attention": lambda t, n: t.ngettext(
        "%(num)d record needs attention.", "%(num)d records need attention.", n
    ),
    "unsent_on_sign_out": lambda t, n: t.ngettext(
        "%(num)d record on this device is not sent yet.",
        "%(num)d records on this device are not sent yet.",
        n,
    ),
    "characters_left": lambda t, n: t.ngettext(
        "%(num)d character left", "%(num)d characters left", n
    ),
    "characters_over": lambda t, n: t.ngettext(
        "%(num)d character over the limit of %(limit)s. Shorten it to save: nothing you typed"
        " is cut.",
        "%(num)d characters over the limit of %(limit)s. Shorten it to save: nothing you typed"
        " is cut.",
        n,
    ),
}


@cache
def _samples(language: str) -> dict[str, int]:
    """A count for each of the language's plural categories ("one": 1, "other": 0, ...)."""
    locale, found = Locale.parse(language), dict[str, int]()
    for n in range(200):
        found.setdefault(locale.plural_form(n), n)
    return found


def texts() -> dict[str, str]:
    """Every sentence, in the reader's language."""
    return {key: str(text) for key, text in TEXTS.items()}


def plurals() -> dict[str, dict[str, str]]:
    """Every counted phrase's forms in the reader's language, by plural category."""
    translations, locale = get_translations(), get_locale()
    samples = _samples(str(locale) if locale is not None else "en")
    return {
        key: {category: pick(translations, n) for category, n in samples.items()}
        for key, pick in PLURALS.items()
    }
