// The wait between tries of an unsent record (static/js/gw-backoff.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const backoff = require("../../static/js/gw-backoff.js");

const MIDDLE = 0.5; // no spread: the base wait itself

test("the first retry waits two seconds", () => {
  assert.equal(backoff.delay(1, MIDDLE), 2000);
  assert.equal(backoff.delay(0, MIDDLE), 2000);
});

test("each further try waits twice as long", () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoff.delay(n, MIDDLE)), [2000, 4000, 8000, 16000, 32000]);
});

test("the wait stops doubling at five minutes (before the spread)", () => {
  assert.equal(backoff.delay(8, MIDDLE), 256000);
  assert.equal(backoff.delay(9, MIDDLE), 5 * 60 * 1000);
  assert.equal(backoff.delay(50, MIDDLE), 5 * 60 * 1000);
  assert.equal(backoff.delay(50, 0.999999), Math.round(5 * 60 * 1000 * 1.25));
});

test("the spread is a quarter either way", () => {
  assert.equal(backoff.delay(3, 0), 6000);
  assert.equal(backoff.delay(3, 1), 10000);
  for (let i = 0; i < 100; i += 1) {
    const wait = backoff.delay(3);
    assert.ok(wait >= 6000 && wait <= 10000, `${wait} outside 6-10 s`);
  }
});
