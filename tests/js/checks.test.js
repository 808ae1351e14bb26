// The offline forms' checks, held to the server's words and limits (static/js/gw-checks.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const checks = require("../../static/js/gw-checks.js");
const VOCABULARY = require("./vocabulary.js");

// The problems are said in the vocabulary's words, never the script's own.
const T = VOCABULARY.texts;

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
  assert.deepEqual(observation({ text: "x".repeat(11) }), ["Note: 11 of 10."]);
});

test("an observation needs a known category, a waste for waste, who said it, and a note", () => {
  assert.deepEqual(observation({ category: "" }), [T.choose_category]);
  assert.deepEqual(observation({ category: "good_practice" }), [T.choose_category]); // not in this vocabulary
  assert.deepEqual(observation({ category: "waste" }), [T.choose_waste]);
  assert.deepEqual(observation({ category: "waste", waste_type: "motion" }), [T.choose_waste]);
  assert.deepEqual(observation({ said_by: "frontline" }), [T.choose_said_by]);
  assert.deepEqual(observation({ text: "" }), [T.write_a_note]);
});

test("a walk is planned for one of the lengths on offer, and no other", () => {
  assert.deepEqual(plan({}), []);
  assert.deepEqual(plan({ minutes: 20 }), []);
  for (const minutes of [60, 5, 600, 0, NaN]) {
    assert.deepEqual(plan({ minutes }), [T.choose_minutes], String(minutes));
  }
});

test("a plan needs a kind and a time, and its texts are held to their limits", () => {
  assert.deepEqual(plan({ kind: "" }), [T.choose_kind]);
  assert.deepEqual(plan({ when: new Date("not a date") }), [T.give_day_and_time]);
  assert.deepEqual(plan({ place: "Loading" }), ["Place: 7 of 5."]);
  assert.deepEqual(plan({ purpose: "x".repeat(9) }), ["Purpose: 9 of 8."]);
});

test("completing a walk: a count within the limit, times in order and not ahead", () => {
  assert.deepEqual(complete({}), []);
  assert.deepEqual(complete({ spokenTo: "0" }), []);
  for (const spokenTo of ["", "-1", "2.5", "many", "10"]) {
    assert.deepEqual(complete({ spokenTo }), ["How many customers, 0 to 9?"], spokenTo);
  }
  assert.deepEqual(complete({ finished: new Date("") }), [T.give_start_and_finish]);
  assert.deepEqual(complete({ finished: new Date(NOW - 7200 * 1000) }), [T.finish_before_start]);
  assert.deepEqual(complete({ finished: new Date(NOW + 2 * 60 * 1000) }), [T.finish_in_future]);
  assert.deepEqual(complete({ finished: new Date(NOW + 30 * 1000) }), []); // a clock a little ahead
  assert.deepEqual(complete({ summary: "x".repeat(13) }), ["Summary: 13 of 12."]);
  assert.deepEqual(complete({ frontline_met: "Priya, Sam" }), ["People met: 10 of 6."]);
});

test("a long text's counter stays quiet far from the limit, counts down near it, and says how much is over", () => {
  const counter = (length, most) => checks.counter(length, most, VOCABULARY);
  assert.equal(counter(0, 2000), null);
  assert.equal(counter(1799, 2000), null);
  assert.deepEqual(counter(1990, 2000), { over: false, text: "10 nod ar ôl" });
  const over = counter(20000, 2000);
  assert.equal(over.over, true);
  assert.equal(over.text, "18000 dros 2000");
});

test("the counter takes the language's plural form for each count: Welsh has six", () => {
  const left = (n) => checks.counter(100 - n, 100, VOCABULARY).text;
  assert.deepEqual([0, 1, 2, 3, 6, 7].map(left),
    ["0 nod ar ôl (0)", "1 nod ar ôl (1)", "2 nod ar ôl (2)", "3 nod ar ôl (3)", "6 nod ar ôl (6)", "7 nod ar ôl"]);
  const dutch = { ...VOCABULARY, language: "nl" };  // two forms: one, and other (0 included)
  assert.deepEqual([0, 1, 2].map((n) => checks.counter(100 - n, 100, dutch).text),
    ["0 nod ar ôl", "1 nod ar ôl (1)", "2 nod ar ôl"]);
});
