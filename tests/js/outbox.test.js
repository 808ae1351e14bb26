// Which records are due, and how a record changes as it is saved, tried and answered
// (static/js/gw-outbox.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const outbox = require("../../static/js/gw-outbox.js");
const words = require("../../static/js/gw-words.js");
const VOCABULARY = require("./vocabulary.js");

words.use(VOCABULARY);  // the page's vocabulary, as a page would carry it

const NOW = 1_000_000;

function record(uuid, fields) {
  return Object.assign({ uuid, type: "walk", state: "pending", createdAt: 1, nextAttemptAt: 0,
    baseVersion: null, rev: 1, userId: 7, walkUuid: "w1" }, fields);
}

test("parents go before children, then the oldest first", () => {
  const records = [
    record("photo", { type: "photo", parent: "obs", createdAt: 1 }),
    record("obs", { type: "observation", parent: "w1", createdAt: 2 }),
    record("w2", { createdAt: 5, baseVersion: 3 }),
    record("w1", { createdAt: 4, baseVersion: 3 })
  ];
  assert.deepEqual(outbox.due(records, NOW).map((r) => r.uuid), ["w1", "w2", "obs"]);
});

test("a child waits while its parent is made on the device and not yet sent", () => {
  const walk = record("w1", { baseVersion: null });
  const obs = record("obs", { type: "observation", parent: "w1" });
  assert.deepEqual(outbox.due([walk, obs], NOW).map((r) => r.uuid), ["w1"]);
  walk.state = "sent";
  assert.deepEqual(outbox.due([walk, obs], NOW).map((r) => r.uuid), ["obs"]);
  // A parent the server already holds (an edit of it waits to be sent) does not hold it up.
  const edited = record("w1", { baseVersion: 2 });
  assert.deepEqual(outbox.due([edited, obs], NOW).map((r) => r.uuid), ["w1", "obs"]);
});

test("the outbox page says a record waits for its parent by the same rule", () => {
  const obs = record("obs", { type: "observation", parent: "w1" });
  assert.ok(outbox.waitsForParent(obs, outbox.byUuid([record("w1"), obs])));
  assert.ok(!outbox.waitsForParent(obs, outbox.byUuid([record("w1", { state: "sent" }), obs])));
  assert.ok(!outbox.waitsForParent(obs, outbox.byUuid([obs])));
  assert.ok(!outbox.waitsForParent(record("w1"), outbox.byUuid([record("w1")])));
});

test("only pending records whose time has come are due", () => {
  const records = [
    record("later", { nextAttemptAt: NOW + 1 }),
    record("now", { nextAttemptAt: NOW }),
    record("sent", { state: "sent" }),
    record("conflict", { state: "conflict" }),
    record("attention", { state: "attention" })
  ];
  assert.deepEqual(outbox.due(records, NOW).map((r) => r.uuid), ["now"]);
});

test("the outbox wakes at the earliest retry of a pending record", () => {
  assert.equal(outbox.nextWake([record("a", { nextAttemptAt: 9000 }), record("b", { nextAttemptAt: 10000 }),
    record("c", { state: "attention", nextAttemptAt: 5 })]), 9000);
  assert.equal(outbox.nextWake([record("a")]), null);
});

test("saving again before it is sent keeps one record, and a create stays a create", () => {
  const first = outbox.saved(undefined, { uuid: "w1", type: "walk", body: { place: "A" } }, 5);
  assert.deepEqual([first.rev, first.state, first.baseVersion, first.createdAt], [1, "pending", null, 5]);
  first.state = "attention";
  first.nextAttemptAt = 99;
  const again = outbox.saved(first, { uuid: "w1", type: "walk", body: { place: "B" }, baseVersion: 4 }, 6);
  assert.equal(again, first);
  assert.deepEqual([again.rev, again.state, again.body.place, again.baseVersion, again.nextAttemptAt],
    [2, "pending", "B", null, 0]);
});

test("saving after it was sent starts a fresh record from the new base", () => {
  const sent = record("w1", { state: "sent", rev: 3 });
  const fresh = outbox.saved(sent, { uuid: "w1", type: "walk", body: {}, baseVersion: 2 }, 8);
  assert.notEqual(fresh, sent);
  assert.deepEqual([fresh.rev, fresh.state, fresh.baseVersion, fresh.attempts], [1, "pending", 2, 0]);
});

test("a retry counts the attempt and waits the back-off, or the server's wait", () => {
  const r = record("w1", { attempts: 2 });
  outbox.retried(r, { error: "Server busy (503)" }, NOW, (attempts) => attempts * 100);
  assert.deepEqual([r.attempts, r.error, r.nextAttemptAt], [3, "Server busy (503)", NOW + 300]);
  outbox.retried(r, { wait: 7000 }, NOW, () => 1);
  assert.deepEqual([r.attempts, r.error, r.nextAttemptAt], [4, VOCABULARY.texts.no_connection, NOW + 7000]);
});

test("an answered record is sent, or takes the outcome's state and reason", () => {
  const sent = outbox.answered(record("p1", { type: "photo", body: { data: "bytes", type: "image/jpeg", width: 2, height: 1 } }),
    1, { outcome: "sent", version: 1 }, NOW);
  assert.deepEqual([sent.state, sent.serverVersion, sent.sentAt], ["sent", 1, NOW]);
  assert.deepEqual(sent.body, { type: "image/jpeg", width: 2, height: 1 }); // the bytes are let go
  const conflict = outbox.answered(record("w1"), 1,
    { outcome: "conflict", error: "Changed", body: { conflict: { url: "/sync/conflicts" } } }, NOW);
  assert.deepEqual([conflict.state, conflict.error, conflict.conflictUrl], ["conflict", "Changed", "/sync/conflicts"]);
  assert.equal(outbox.answered(record("w1"), 1, { outcome: "removed", error: "Gone" }, NOW).state, "removed");
});

test("an edit made while the record was on its way is sent next, from the version it reached", () => {
  const r = record("w1", { rev: 2, nextAttemptAt: 50 });
  outbox.answered(r, 1, { outcome: "sent", version: 5 }, NOW);
  assert.deepEqual([r.state, r.baseVersion, r.nextAttemptAt], ["pending", 5, 0]);
});

test("walks with something unsent are kept from the server's copy", () => {
  const busy = outbox.busyWalks([record("a", { walkUuid: "w1" }), record("b", { walkUuid: "w2", state: "sent" })]);
  assert.deepEqual(busy, { w1: true });
});

test("the status bar counts what waits, what needs a person, and other accounts' records", () => {
  const records = [record("a"), record("b", { userId: 8 }), record("c", { state: "conflict" }),
    record("d", { state: "removed", dismissed: true }), record("e", { state: "sent" })];
  const counted = outbox.tally(records, 7);
  assert.deepEqual(counted.waiting.map((r) => r.uuid), ["a", "b"]);
  assert.deepEqual(counted.trouble.map((r) => r.uuid), ["c"]);
  assert.deepEqual(counted.others.map((r) => r.uuid), ["b"]);
  assert.deepEqual(outbox.tally(records, null).others, []);
});

test("before signing out, a person's unsent records are those pending or waiting for them", () => {
  const records = [record("a"), record("b", { state: "attention" }), record("c", { state: "sent" }),
    record("d", { state: "removed" }), record("e", { userId: 8 })];
  assert.deepEqual(outbox.unsentBy(records, 7).map((r) => r.uuid), ["a", "b"]);
});

// --- undoing a tally (gw-tally.js), offline too ----------------------------------------------

const tap = (fields) => record("t1", Object.assign({ type: "observation", parent: "w1", body: { demand_type_id: 3 } }, fields));
const obs = { uuid: "t1", walkUuid: "w1", userId: 7, version: 1 };

test("a tap undone before it was ever sent is forgotten: nothing is sent", () => {
  assert.equal(outbox.undone(tap({ state: "pending" }), obs, NOW), null);
  assert.equal(outbox.undone(tap({ state: "attention" }), obs, NOW), null);
  // The server said it is gone already: nothing to remove.
  assert.equal(outbox.undone(tap({ state: "removed" }), obs, NOW), null);
});

test("a tap the server holds, undone offline, becomes one removal sent later", () => {
  const removal = outbox.undone(tap({ state: "sent", serverVersion: 1, rev: 1 }), obs, NOW);
  assert.equal(removal.removal, true);
  assert.equal(removal.state, "pending");
  assert.equal(removal.parent, null);  // it never waits for its walk: the server holds both
  assert.equal(removal.baseVersion, 1);
  assert.equal(outbox.putPath(removal), "/observations/t1");
  assert.deepEqual(outbox.due([removal], NOW).map((r) => r.uuid), ["t1"]);
  // Held by the server from a pull, with no record on this device: a removal too.
  assert.equal(outbox.undone(undefined, obs, NOW).removal, true);
  assert.equal(outbox.undone(undefined, obs, NOW).baseVersion, 1);
  // An edit of it still waiting: the server has it, so it is removed, not dropped.
  assert.equal(outbox.undone(tap({ state: "pending", baseVersion: 1 }), obs, NOW).removal, true);
});

test("undoing again keeps the one removal; once sent it is not sent again", () => {
  const removal = outbox.undone(undefined, obs, NOW);
  assert.equal(outbox.undone(removal, obs, NOW + 5), removal);
  outbox.answered(removal, removal.rev, { outcome: "sent", version: 1 }, NOW);
  assert.equal(removal.state, "sent");
  assert.deepEqual(outbox.due([removal], NOW + 10), []);
  assert.equal(outbox.undone(removal, obs, NOW + 20), removal);
});

test("a removal goes alone, before its walk's pending change (a walk completed after it)", () => {
  const limit = { records: 100, bytes: 100000, types: ["walk", "observation"] };
  const removal = outbox.undone(undefined, obs, 50);
  const walk = record("w1", { baseVersion: 2, createdAt: 60 });
  const other = record("o2", { type: "observation", parent: "w1", createdAt: 70 });
  const due = outbox.due([walk, other, removal], NOW, limit.types);
  assert.deepEqual(due.map((r) => r.uuid), ["t1", "w1", "o2"]);
  assert.equal(outbox.batchType(removal, limit.types), null);
  assert.deepEqual(outbox.batches(due, limit).map((g) => [g.batch, g.records.map((r) => r.uuid)]),
    [[false, ["t1"]], [true, ["w1", "o2"]]]);
});
