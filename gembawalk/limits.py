"""Every limit the product states, once: forms, services, columns, the API document and the
offline client (through the JSON each page embeds, see pwa/vocabulary.py) read them here."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Characters per text field. The columns are sized from these; SQLite does not enforce a
# length, PostgreSQL does, so the services hold every value to them first.
TEXT = {
    "email": 254,
    "display_name": 120,
    "unit_name": 120,
    "customer_name": 160,
    "notes": 2000,
    "purpose": 500,
    "place": 200,
    "frontline_met": 500,
    "summary": 4000,
    "observation": 2000,
    "action": 500,
    "comment": 2000,
    "closing_note": 2000,
    # A signed-in device's browser or system ("Chrome 131", "Android 14"), and its address
    # (an IPv6 address with a zone fits in 64).
    "device_part": 60,
    "address": 64,
    "demand_type": 120,
    # A unit's standard question, one of its choices, and an answer typed to it.
    "question": 200,
    "question_choice": 60,
    "answer": 500,
}

# Demand types: how many a unit keeps in use (a short list people can tap through on a walk),
# how much of the period a type must be heard in to be predictable (present in most weeks),
# how long after a follow-up closes its demand type is compared, and how few demands on
# either side are too few to tell whether the fix worked.
DEMAND_TYPES_PER_UNIT = 20
PREDICTABLE_WEEK_SHARE = 0.5
FIX_WINDOW_WEEKS = 4
FIX_MIN_DEMANDS = 20
# The most frequent failure demands on the demand picture, each with a few of the customer's
# own words.
DEMAND_TOP_FAILURES = 5
DEMAND_VERBATIMS = 3
# A unit's wall ("you said, we did") shows the frontline ideas of this many days back; one
# address may answer "Fixed for us?" this often (a shop floor shares one address behind its
# router, so the allowance is for a team, not a person).
WALL_DAYS = 90
WALL_ANSWER_LIMITS = "30 per 10 minutes; 300 per day"

# A device session that ran out (idle, too old, its remembered days over) is cleared when its
# person signs in again, or by the scheduled clean-up once its device was last seen this many
# days ago: nothing reads it after it runs out, and the table does not keep every device ever.
SESSION_RECORDS_KEEP_DAYS = 7

# Standard questions: how many a unit asks on one kind of walk (a short list, read on a phone
# before completing), how many choices a "one of a few" question offers (at least two), and
# the largest number a number answer may be, either way.
QUESTIONS_PER_KIND = 8
QUESTION_CHOICES_MIN = 2
QUESTION_CHOICES_MAX = 6
ANSWER_NUMBER_MAX = 1_000_000_000

PASSWORD_MIN = 12
PASSWORD_MAX = 128

# How long a walk is planned for, in minutes: the lengths every form offers, and the only ones
# the server accepts from a page or a device (each with its words, in the reader's language).
WALK_MINUTES = {
    15: _l("15 minutes"),
    30: _l("30 minutes"),
    45: _l("45 minutes"),
    60: _l("1 hour"),
    90: _l("1½ hours"),
    120: _l("2 hours"),
    180: _l("3 hours"),
    240: _l("4 hours"),
}
WALK_MINUTES_DEFAULT = 60

CUSTOMERS_SPOKEN_TO_MAX = 1000
# A cadence target: customer visits or gemba walks asked for each week or month.
CADENCE_TARGET_MAX = 50

# Request bodies, refused with 413 before anything reads them (security.enforce_body_limit):
# forms and JSON records are a few kilobytes, a comment or a closing note less still.
BODY_MAX_BYTES = 1024 * 1024
NOTE_BODY_MAX_BYTES = 64 * 1024
# A batch of records a device sends at once (POST /api/v1/sync): at most this many records, and
# this many bytes in all, refused before any is applied (the bytes before the body is read).
SYNC_BATCH_MAX_RECORDS = 200
SYNC_BATCH_MAX_BYTES = 1024 * 1024

# Photos: what a device may send (the image types, by the name Pillow gives each), how large.
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_TYPES = tuple(PHOTO_FORMATS.values())
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Devices shrink a photo to this longest side before keeping it to send.
PHOTO_DEVICE_SIDE = 1600
# The server keeps at most this longest side; more pixels than PHOTO_MAX_PIXELS are refused
# unread, so a small file cannot unpack into gigabytes (a decompression bomb).
PHOTO_STORED_SIDE = 2048
PHOTO_MAX_PIXELS = 40_000_000
# A large JPEG is decoded at a reduced scale (1/2 to 1/8) and costs a few tens of MB at most;
# PNG and WebP can only be decoded whole (4 bytes a pixel, twice over while RGBA is resized),
# so they are held to a large laptop screen's pixels, read from the header before decoding: a
# 116 KB PNG of 6,300 x 6,300 pixels no longer costs 300 MB. bench/photo_memory.py measures it.
PHOTO_MAX_WHOLE_DECODE_PIXELS = 2560 * 1600

# Importing people or customers from a CSV file on the admin page: the upload is refused with
# 413 above this size, before it is read (10,000 people take about 1.5 MB). A preview can be
# applied for this long; after that the file is uploaded again.
IMPORT_MAX_BYTES = 8 * 1024 * 1024
IMPORT_PREVIEW_MINUTES = 60
