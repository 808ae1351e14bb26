// The device database's versions, and records kept through an upgrade (static/js/gw-schema.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const schema = require("../../static/js/gw-schema.js");

function storesOf(steps) {
  return steps.flatMap((step) => (step.stores || []).map((s) => s[0]));
}

test("a new database gets every store; an older one only what it lacks", () => {
  assert.equal(schema.VERSION, 2);
  assert.deepEqual(storesOf(schema.stepsAfter(0)), ["outbox", "walks", "customers", "meta"]);
  assert.deepEqual(storesOf(schema.stepsAfter(1)), ["walks", "customers", "meta"]);
  assert.deepEqual(schema.stepsAfter(schema.VERSION), []);
});

test("only an upgrade from a database with records rewrites them", () => {
  assert.ok(schema.rewritesOutbox(1));
  assert.ok(!schema.rewritesOutbox(0));
  assert.ok(!schema.rewritesOutbox(schema.VERSION));
});

test("a version 1 record was waiting to be sent, and learns which walk it belongs to", () => {
  const walk = schema.upgradeRecord({ uuid: "w1", type: "walk", body: {} }, 1);
  assert.deepEqual([walk.state, walk.rev, walk.attempts, walk.nextAttemptAt, walk.walkUuid],
    ["pending", 1, 0, 0, "w1"]);
  const obs = schema.upgradeRecord({ uuid: "o1", type: "observation", body: { walk_id: "w1", text: "Kept" } }, 1);
  assert.deepEqual([obs.state, obs.walkUuid, obs.body.text], ["pending", "w1", "Kept"]);
});

test("what a record already says survives the upgrade", () => {
  const kept = schema.upgradeRecord({ uuid: "o1", type: "observation", state: "attention", rev: 3,
    attempts: 2, walkUuid: "w9", body: { walk_id: "w1" } }, 1);
  assert.deepEqual([kept.state, kept.rev, kept.attempts, kept.walkUuid], ["attention", 3, 2, "w9"]);
  const current = { uuid: "o1", state: "sent" };
  assert.deepEqual(schema.upgradeRecord(current, schema.VERSION), { uuid: "o1", state: "sent" });
});
