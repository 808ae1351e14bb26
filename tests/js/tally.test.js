// The tally's pure rules (static/js/gw-tally.js): counts, the one Undo takes back, a tap's note.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const tally = require("../../static/js/gw-tally.js");

const notes = [
  { uuid: "a", demand_type_id: 3, made_at: "2026-12-05T09:00:00Z" },
  { uuid: "b", demand_type_id: 3, made_at: "2026-12-05T09:05:00Z" },
  { uuid: "c", demand_type_id: 4, made_at: "2026-12-05T09:01:00Z" },
  { uuid: "d", demand_type_id: null, made_at: "2026-12-05T09:02:00Z" },
  { uuid: "e", made_at: "2026-12-05T09:03:00Z" },
];

test("counts tallies by type and leaves notes without a type out", () => {
  assert.deepEqual(tally.counts(notes), { 3: 2, 4: 1 });
  assert.deepEqual(tally.counts([]), {});
  assert.deepEqual(tally.counts(undefined), {});
});

test("undo takes back the latest tally of the type", () => {
  assert.equal(tally.latest(notes, 3).uuid, "b");
  assert.equal(tally.latest(notes, 4).uuid, "c");
  assert.equal(tally.latest(notes, 9), null);
});

test("a tap's observation takes its category from the type, its words trimmed or none", () => {
  const type = { id: 3, kind: "failure", category: "failure_demand", name: "Chasing" };
  assert.deepEqual(tally.tallyFields(type, "  Third call "), {
    category: "failure_demand", demand_type_id: 3, said_by: "customer", text: "Third call",
  });
  assert.equal(tally.tallyFields(type).text, "");
});
