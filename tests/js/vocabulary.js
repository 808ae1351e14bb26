// A vocabulary shaped like the one each page embeds (gembawalk/pwa/vocabulary.py), with
// made-up words and small limits: the scripts must follow whatever the server says. Its
// sentences (texts, plurals: gembawalk/pwa/texts.py) are worded unlike the server's English, and
// its counted phrases have Welsh's six plural forms, so a test sees which form was picked.
"use strict";

module.exports = {
  language: "cy",
  words: {
    category: [["what_matters", "What matters"], ["waste", "Waste"], ["brand_new", "A new category"]],
    waste_type: [["waiting", "Waiting"], ["skills", "Unused skills"]],
    said_by: [["customer", "Customer"], ["walker", "Me (the walker)"]],
    walk_kind: [["customer_visit", "Customer visit"], ["gemba_walk", "Gemba walk"]],
    walk_status: [["planned", "Planned"], ["in_progress", "In progress"]],
    customer_kind: [["external", "External"]]
  },
  near_days: { "0": "This day", "1": "The next day" },
  fields: { walk: ["kind", "status", "place"] },
  defaults: { said_by: "walker", walk_minutes: 30 },
  limits: {
    text: { observation: 10, place: 5, purpose: 8, frontline_met: 6, summary: 12 },
    walk_minutes: [[20, "20 minutes"], [30, "Half an hour"]],
    customers_spoken_to_max: 9,
    photo: { side: 640 }
  },
  sign_in: "/sign-in/elsewhere",
  texts: {
    choose_category: "Pick a category.",
    choose_waste: "Pick the waste.",
    choose_said_by: "Pick who said it.",
    write_a_note: "The note is empty.",
    choose_kind: "Pick a kind of walk.",
    give_day_and_time: "When is it?",
    choose_minutes: "Pick a length.",
    say_spoken_to: "How many customers, 0 to %(most)s?",
    give_start_and_finish: "When did it start and finish?",
    finish_before_start: "It finished before it started.",
    finish_in_future: "It finishes in the future.",
    too_long_observation: "Note: %(length)s of %(limit)s.",
    too_long_place: "Place: %(length)s of %(limit)s.",
    too_long_purpose: "Purpose: %(length)s of %(limit)s.",
    too_long_frontline_met: "People met: %(length)s of %(limit)s.",
    too_long_summary: "Summary: %(length)s of %(limit)s.",
    no_connection: "No line; again soon.",
    not_our_reply: "A stranger answered; again soon.",
    server_busy: "Busy server (%(status)s); again soon.",
    request_refused: "Refused outright",
    changed_elsewhere: "Changed elsewhere",
    state_removed: "Gone from the server",
    too_large: "Too big",
    refused: "Refused (%(status)s)",
    not_undone: "Still there (%(status)s)"
  },
  plurals: {
    characters_left: { zero: "%(num)d nod ar ôl (0)", one: "%(num)d nod ar ôl (1)", two: "%(num)d nod ar ôl (2)",
      few: "%(num)d nod ar ôl (3)", many: "%(num)d nod ar ôl (6)", other: "%(num)d nod ar ôl" },
    characters_over: { zero: "%(num)d dros %(limit)s (0)", one: "%(num)d dros %(limit)s (1)", two: "%(num)d dros %(limit)s (2)",
      few: "%(num)d dros %(limit)s (3)", many: "%(num)d dros %(limit)s (6)", other: "%(num)d dros %(limit)s" }
  }
};
