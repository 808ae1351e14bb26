// Sending the outbox in batches (POST /api/v1/sync): what goes together, what is read again
// before it goes, and how each answer in a batch is read as its own PUT's
// (static/js/gw-outbox.js, static/js/gw-reply.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const outbox = require("../../static/js/gw-outbox.js");
const reply = require("../../static/js/gw-reply.js");
const words = require("../../static/js/gw-words.js");

words.use(require("./vocabulary.js"));  // the page's vocabulary, as a page would carry it

const NOW = 1_000_000;
const TYPES = ["walk", "observation", "comment", "follow_up"];
const LIMIT = { records: 3, bytes: 100_000, types: TYPES };

function record(uuid, fields) {
  return Object.assign({ uuid, type: "walk", state: "pending", createdAt: 1, nextAttemptAt: 0,
    baseVersion: null, rev: 1, userId: 7, walkUuid: "w1", body: { place: "Dock" } }, fields);
}

function observation(uuid, fields) {
  return record(uuid, Object.assign({ type: "observation", parent: "w1", body: { walk_id: "w1", text: uuid } }, fields));
}

function photo(uuid, parent) {
  return record(uuid, { type: "photo", parent, body: { type: "image/jpeg", data: "bytes" } });
}

test("a new walk's observations go in the same batch as the walk; its photos wait for them", () => {
  const records = [record("w1"), observation("o1", { createdAt: 2 }), observation("o2", { createdAt: 3 }),
    photo("p1", "o1")];
  assert.deepEqual(outbox.due(records, NOW, TYPES).map((r) => r.uuid), ["w1", "o1", "o2"]);
  // One by one (no batches), the observations wait for the walk to be sent first.
  assert.deepEqual(outbox.due(records, NOW).map((r) => r.uuid), ["w1"]);
  // A walk waiting out its back-off holds its observations back too.
  records[0].nextAttemptAt = NOW + 1;
  assert.deepEqual(outbox.due(records, NOW, TYPES).map((r) => r.uuid), []);
});

test("a record whose parent needs attention still waits, batch or not", () => {
  const records = [record("w1", { state: "attention" }), observation("o1")];
  assert.deepEqual(outbox.due(records, NOW, TYPES), []);
});

test("batches hold the server's number of records, in order, and photos go alone", () => {
  const list = [record("w1"), observation("o1"), observation("o2"), observation("o3"),
    photo("p1", "o1"), observation("o4")];
  const groups = outbox.batches(list, LIMIT);
  assert.deepEqual(groups.map((g) => [g.batch, g.records.map((r) => r.uuid)]), [
    [true, ["w1", "o1", "o2"]],
    [true, ["o3"]],
    [false, ["p1"]],
    [true, ["o4"]]
  ]);
});

test("batches hold the server's number of bytes, counted as UTF-8", () => {
  const big = (uuid) => observation(uuid, { body: { walk_id: "w1", text: "é".repeat(200) } });
  const one = Buffer.byteLength(JSON.stringify(outbox.batchEntry(big("a"), TYPES))) + 1;
  const limit = { records: 200, bytes: "{\"records\":[]}".length + 2 * one, types: TYPES };
  const groups = outbox.batches([big("a"), big("b"), big("c")], limit);
  assert.deepEqual(groups.map((g) => g.records.map((r) => r.uuid)), [["a", "b"], ["c"]]);
});

test("without the server's limits every record goes alone", () => {
  const groups = outbox.batches([record("w1"), observation("o1")], null);
  assert.deepEqual(groups.map((g) => [g.batch, g.records.length]), [[false, 1], [false, 1]]);
});

test("a batch names each record by the server's type and sends what its PUT would", () => {
  const edit = record("w1", { baseVersion: 4 });
  assert.deepEqual(outbox.batchEntry(edit, TYPES), { type: "walk", uuid: "w1", body: { place: "Dock", base_version: 4 } });
  assert.equal(outbox.batchType({ type: "follow-up" }, TYPES), "follow_up");
  assert.equal(outbox.batchType({ type: "photo" }, TYPES), null);
  assert.equal(outbox.putPath(edit), "/walks/w1");
  assert.equal(outbox.putPath(record("f1", { type: "follow_up" })), "/follow-ups/f1");
  assert.equal(outbox.putPath(photo("p1", "o1")), "/observations/o1/photos/p1");
  assert.deepEqual(outbox.putBody(record("w2")), { place: "Dock" });
});

test("read again before it goes: what was sent meanwhile drops out, the latest revision goes", () => {
  const list = [record("w1"), observation("o1"), observation("o2")];
  const now = outbox.byUuid([record("w1", { rev: 2 }), observation("o1", { state: "sent" }), observation("o2")]);
  const going = outbox.ready(list, now);
  assert.deepEqual(going.map((r) => [r.uuid, r.rev]), [["w1", 2], ["o2", 1]]);
  // A child whose new parent does not go (it was refused meanwhile) stays behind.
  const refused = outbox.byUuid([record("w1", { state: "attention" }), observation("o1")]);
  assert.deepEqual(outbox.ready(list.slice(0, 2), refused), []);
});

test("a child whose parent in the same batch did not reach the server waits for it", () => {
  const records = [record("w1"), observation("o1"), record("w2"), observation("o2", { parent: "w2" })];
  const outcomes = [
    { outcome: "attention", error: "Send when." },
    { outcome: "attention", error: "No such walk: send the walk first." },
    { outcome: "sent", version: 1 },
    { outcome: "sent", version: 1 }
  ];
  assert.deepEqual(outbox.settled(records, outcomes).map((o) => o.outcome), ["attention", "wait", "sent", "sent"]);
});

function batchReply(status, body, extra) {
  return Object.assign({ status, type: "basic", redirected: false, body, retryAfter: null }, extra);
}

test("each result of a batch is read as its own PUT's reply", () => {
  const records = [record("w1"), observation("o1"), observation("o2"), observation("o3"), observation("o4")];
  const verdict = reply.classifyBatch(batchReply(200, { results: [
    { uuid: "w1", status: 201, body: { uuid: "w1", version: 1 } },
    { uuid: "o1", status: 200, body: { uuid: "o1", version: 3 } },
    { uuid: "o2", status: 409, body: { error: "Changed", conflict: { url: "/sync/conflicts" } } },
    { uuid: "o3", status: 410, body: { error: "The series was ended." } },
    { uuid: "o4", status: 422, body: { error: "Bad", fields: { text: "Too long." } } }
  ] }), records);
  assert.equal(verdict.outcome, "results");
  assert.deepEqual(verdict.outcomes.map((o) => o.outcome), ["sent", "sent", "conflict", "removed", "attention"]);
  assert.equal(verdict.outcomes[1].version, 3);
  assert.equal(verdict.outcomes[4].error, "Bad: text Too long.");
  // The same answers, one PUT each, read the same.
  assert.deepEqual(reply.classify(batchReply(410, { error: "The series was ended." }), records[3]), verdict.outcomes[3]);
});

test("a record's own 400 in a batch is a refusal, not a token to renew", () => {
  const verdict = reply.classifyBatch(batchReply(200, { results: [{ uuid: "w1", status: 400, body: { error: "No" } }] }), [record("w1")]);
  assert.deepEqual(verdict.outcomes, [{ outcome: "attention", error: "No" }]);
});

test("a server without batches, or one that will not read this batch whole, gets single PUTs", () => {
  for (const status of [404, 405, 413, 422]) {
    assert.equal(reply.classifyBatch(batchReply(status, null), [record("w1")]).outcome, "fallback", status);
  }
});

test("a batch refused for its token renews it; the session gone stops; the server busy waits", () => {
  assert.equal(reply.classifyBatch(batchReply(400, { error: "CSRF" }), [record("w1")]).outcome, "csrf");
  assert.equal(reply.classifyBatch(batchReply(401, null), [record("w1")]).outcome, "signin");
  assert.equal(reply.classifyBatch(batchReply(0, null, { type: "opaqueredirect" }), [record("w1")]).outcome, "signin");
  const busy = reply.classifyBatch(batchReply(503, null, { retryAfter: "5" }), [record("w1")]);
  assert.deepEqual([busy.outcome, busy.wait], ["retry", 5000]);
});

test("a 200 that is not the API's answer to these records is no acknowledgement", () => {
  const records = [record("w1"), observation("o1")];
  for (const body of [null, { results: [] }, { results: [{ uuid: "o1", status: 201, body: {} }, { uuid: "w1", status: 201, body: {} }] }]) {
    assert.equal(reply.classifyBatch(batchReply(200, body), records).outcome, "retry");
  }
});
