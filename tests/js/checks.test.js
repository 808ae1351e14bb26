// The offline forms' checks, held to the server's words and limits (static/js/gw-checks.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const checks = require("../../static/js/gw-checks.js");
const VOCABULARY = require("./vocabulary.js");

const NOW = Date.UTC(2026, 2, 10, 12, 0);

function observation(fields) {
  return checks.observation(Object.assign({ category: "what_matters", waste_type: null, said_by: "walker",
    text: "Queue" }, fields), VOCABULARY);
}

function plan(fields) {
  return checks.plan(Object.assign({ kind: "gemba_walk", when: new Date(NOW), minutes: 30, place: "Dock",
    purpose: "" }, fields), VOCABULARY);
}

function complete(fields) {
  return checks.complete(Object.assign({ started: new Date(NOW - 3600 * 1000), finished: new Date(NOW),
    spokenTo: "2", frontline_met: "", summary: "" }, fields), VOCABULARY, NOW);
}

test("a whole observation passes", () => {
  assert.deepEqual(observation({}), []);
  assert.deepEqual(observation({ category: "brand_new" }), []); // a category the server added
  assert.deepEqual(observation({ category: "waste", waste_type: "skills" }), []);
});

test("an observation's note is held to the server's limit", () => {
  assert.deepEqual(observation({ text: "x".repeat(10) }), []);
  assert.deepEqual(observation({ text: "x".repeat(11) }), ["The note is 11 characters long; the limit is 10."]);
});

test("an observation needs a known category, a waste for waste, who said it, and a note", () => {
  assert.deepEqual(observation({ category: "" }), ["Choose what you saw."]);
  assert.deepEqual(observation({ category: "good_practice" }), ["Choose what you saw."]); // not in this vocabulary
  assert.deepEqual(observation({ category: "waste" }), ["Choose which waste."]);
  assert.deepEqual(observation({ category: "waste", waste_type: "motion" }), ["Choose which waste."]);
  assert.deepEqual(observation({ said_by: "frontline" }), ["Choose who said it."]);
  assert.deepEqual(observation({ text: "" }), ["Write a note."]);
});

test("a walk is planned for one of the lengths on offer, and no other", () => {
  assert.deepEqual(plan({}), []);
  assert.deepEqual(plan({ minutes: 20 }), []);
  for (const minutes of [60, 5, 600, 0, NaN]) {
    assert.deepEqual(plan({ minutes }), ["Choose how long the walk will take."], String(minutes));
  }
});

test("a plan needs a kind and a time, and its texts are held to their limits", () => {
  assert.deepEqual(plan({ kind: "" }), ["Choose a customer visit or a gemba walk."]);
  assert.deepEqual(plan({ when: new Date("not a date") }), ["Give a day and a time."]);
  assert.deepEqual(plan({ place: "Loading" }), ["The place is 7 characters long; the limit is 5."]);
  assert.deepEqual(plan({ purpose: "x".repeat(9) }), ["The purpose is 9 characters long; the limit is 8."]);
});

test("completing a walk: a count within the limit, times in order and not ahead", () => {
  assert.deepEqual(complete({}), []);
  assert.deepEqual(complete({ spokenTo: "0" }), []);
  for (const spokenTo of ["", "-1", "2.5", "many", "10"]) {
    assert.deepEqual(complete({ spokenTo }), ["Say how many customers you spoke with (0 to 9)."], spokenTo);
  }
  assert.deepEqual(complete({ finished: new Date("") }), ["Give when the walk started and finished."]);
  assert.deepEqual(complete({ finished: new Date(NOW - 7200 * 1000) }), ["The walk cannot finish before it started."]);
  assert.deepEqual(complete({ finished: new Date(NOW + 2 * 60 * 1000) }), ["The finish cannot be in the future."]);
  assert.deepEqual(complete({ finished: new Date(NOW + 30 * 1000) }), []); // a clock a little ahead
  assert.deepEqual(complete({ summary: "x".repeat(13) }), ["The summary is 13 characters long; the limit is 12."]);
  assert.deepEqual(complete({ frontline_met: "Priya, Sam" }), ["This is 10 characters long; the limit is 6."]);
});

test("a long text's counter stays quiet far from the limit, counts down near it, and says how much is over", () => {
  assert.equal(checks.counter(0, 2000), null);
  assert.equal(checks.counter(1799, 2000), null);
  assert.deepEqual(checks.counter(1990, 2000), { over: false, text: "10 characters left" });
  assert.deepEqual(checks.counter(1999, 2000), { over: false, text: "1 character left" });
  const over = checks.counter(20000, 2000);
  assert.equal(over.over, true);
  assert.match(over.text, /^18000 characters over the limit of 2000\./);
});
