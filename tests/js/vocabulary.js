// A vocabulary shaped like the one each page embeds (gembawalk/pwa/vocabulary.py), with
// made-up words and small limits: the scripts must follow whatever the server says.
"use strict";

module.exports = {
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
  sign_in: "/sign-in/elsewhere"
};
