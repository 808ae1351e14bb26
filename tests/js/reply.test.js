// What the server's answer to a sent record means (static/js/gw-reply.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { classify, signedOut, reason } = require("../../static/js/gw-reply.js");
const words = require("../../static/js/gw-words.js");

words.use(require("./vocabulary.js"));  // the page's vocabulary, as a page would carry it

const RECORD = { uuid: "0f2b7c3e-0000-4000-8000-000000000001" };

function reply(status, body, extra) {
  return Object.assign({ status, type: "basic", redirected: false, body: body || null, retryAfter: null }, extra);
}

test("a 201 or 200 that echoes the record's UUID is sent, with the server's version", () => {
  assert.deepEqual(classify(reply(201, { uuid: RECORD.uuid, version: 1 }), RECORD), { outcome: "sent", version: 1 });
  assert.deepEqual(classify(reply(200, { uuid: RECORD.uuid, version: 4 }), RECORD), { outcome: "sent", version: 4 });
});

test("a 200 that is not the API's JSON (a portal's HTML page) is not sent: it is tried again", () => {
  assert.equal(classify(reply(200, null), RECORD).outcome, "retry");
  assert.equal(classify(reply(200, { uuid: "someone-else" }), RECORD).outcome, "retry");
});

test("a redirect or a 401 means signing in again, whatever the body", () => {
  assert.equal(classify(reply(0, null, { type: "opaqueredirect" }), RECORD).outcome, "signin");
  assert.equal(classify(reply(302), RECORD).outcome, "signin");
  assert.equal(classify(reply(200, { uuid: RECORD.uuid }, { redirected: true }), RECORD).outcome, "signin");
  assert.equal(classify(reply(401, { error: "Sign in" }), RECORD).outcome, "signin");
  assert.ok(signedOut(reply(303)));
  assert.ok(!signedOut(reply(200)));
});

test("a 409 is a conflict, kept with the server's answer", () => {
  const body = { error: "Changed on the server", conflict: { url: "/sync/conflicts" } };
  const outcome = classify(reply(409, body), RECORD);
  assert.equal(outcome.outcome, "conflict");
  assert.equal(outcome.error, "Changed on the server");
  assert.equal(outcome.body, body);
});

test("a 410 is removed on the server", () => {
  assert.equal(classify(reply(410), RECORD).outcome, "removed");
});

test("a 422 needs attention, with the reason for each field", () => {
  const outcome = classify(reply(422, { error: "Check the fields", fields: { text: "Too long." } }), RECORD);
  assert.deepEqual(outcome, { outcome: "attention", error: "Check the fields: text Too long." });
  assert.equal(classify(reply(413), RECORD).outcome, "attention");
  assert.equal(classify(reply(404), RECORD).outcome, "attention");
});

test("5xx, 408 and 429 are tried again, after the server's Retry-After when it gives one", () => {
  for (const status of [500, 502, 503, 408, 429]) {
    assert.equal(classify(reply(status), RECORD).outcome, "retry", String(status));
  }
  assert.equal(classify(reply(503, null, { retryAfter: "7" }), RECORD).wait, 7000);
  assert.equal(classify(reply(429, null, { retryAfter: "soon" }), RECORD).wait, null);
});

test("a 400 asks for a fresh CSRF token", () => {
  assert.equal(classify(reply(400, { error: "The CSRF token has expired." }), RECORD).outcome, "csrf");
});

test("a reason falls back when the server gave none", () => {
  assert.equal(reason(null, "Refused"), "Refused");
  assert.equal(reason({}, "Refused"), "Refused");
});

test("a removal (an undone tally's DELETE) is done on 204, again when repeated; 404 or 409 need a person", () => {
  const removal = { uuid: RECORD.uuid, removal: true, baseVersion: 2 };
  assert.deepEqual(classify(reply(204), removal), { outcome: "sent", version: 2 });
  assert.deepEqual(classify(reply(409, { error: "The walk is no longer being recorded" }), removal),
    { outcome: "attention", error: "The walk is no longer being recorded" });
  assert.equal(classify(reply(404, { error: "No such tally." }), removal).outcome, "attention");
  assert.equal(classify(reply(503), removal).outcome, "retry");
  assert.equal(classify(reply(401), removal).outcome, "signin");
  assert.equal(classify(reply(400), removal).outcome, "csrf");
  // A 204 is no acknowledgement of a PUT.
  assert.notEqual(classify(reply(204), RECORD).outcome, "sent");
});
