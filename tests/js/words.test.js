// The server's words and limits as the scripts read them (static/js/gw-words.js).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const words = require("../../static/js/gw-words.js");
const VOCABULARY = require("./vocabulary.js");

test("the vocabulary is read from the page's JSON", () => {
  const doc = {
    getElementById: (id) => (id === "gw-vocabulary" ? { textContent: JSON.stringify(VOCABULARY) } : null)
  };
  assert.deepEqual(words.read(doc), VOCABULARY);
  assert.equal(words.read({ getElementById: () => null }), null);
});

test("labels are the server's, whatever they say", () => {
  assert.equal(words.label(VOCABULARY, "said_by", "walker"), "Me (the walker)");
  assert.equal(words.label(VOCABULARY, "category", "brand_new"), "A new category");
  assert.equal(words.label(VOCABULARY, "category", "unknown"), "unknown");
  assert.deepEqual(words.choices(VOCABULARY, "waste_type").map((p) => p[0]), ["waiting", "skills"]);
  assert.deepEqual(words.choices(VOCABULARY, "no_such_kind"), []);
});

test("a text box is held to the server's limit", () => {
  assert.equal(words.textLimit(VOCABULARY, "place"), 5);
  assert.deepEqual(words.textAttributes(VOCABULARY, "observation"), { maxlength: "10" });
});

test("a day near today takes the server's name for it, any other its short date in the language", () => {
  const today = new Date(2026, 11, 5, 9, 0);
  const english = { ...VOCABULARY, language: "en" };  // British English, as the server writes it
  assert.equal(words.dayLabel(english, new Date(2026, 11, 5, 23, 30), today), "This day");
  assert.equal(words.dayLabel(english, new Date(2026, 11, 6, 0, 15), today), "The next day");
  assert.equal(words.dayLabel(english, new Date(2026, 11, 9, 10, 0), today), "Wed 9 Dec");
  assert.equal(words.dayLabel(english, new Date(2027, 0, 4, 10, 0), today), "Mon 4 Jan 2027");
  assert.equal(words.dayLabel(VOCABULARY, new Date(2026, 11, 9, 10, 0), today), "Mer 9 Rhag");
  assert.equal(words.dayLabel({ ...VOCABULARY, language: "nl" }, new Date(2026, 11, 9, 10, 0), today), "wo 9 dec");
});

test("a sentence is the vocabulary's, its placeholders filled; an unknown one shows its name", () => {
  assert.equal(words.say(VOCABULARY, "choose_category"), "Pick a category.");
  assert.equal(words.say(VOCABULARY, "server_busy", { status: 503 }), "Busy server (503); again soon.");
  assert.equal(words.say(VOCABULARY, "refused"), "Refused (%(status)s)");
  assert.equal(words.say(VOCABULARY, "no_such_sentence"), "no_such_sentence");
  assert.equal(words.fill("%(a)s and %(b)d", { a: "x", b: 2 }), "x and 2");
});

test("a counted phrase takes the form the language's plural rules pick for the count", () => {
  const forms = [0, 1, 2, 3, 6, 11, 1000].map((n) => words.count(VOCABULARY, "characters_left", n));
  assert.deepEqual(forms, ["0 nod ar ôl (0)", "1 nod ar ôl (1)", "2 nod ar ôl (2)", "3 nod ar ôl (3)",
    "6 nod ar ôl (6)", "11 nod ar ôl", "1000 nod ar ôl"]);
  assert.equal(words.count(VOCABULARY, "no_such_phrase", 2), "no_such_phrase");
});

test("Sign in leads where the server says, and back to the page it was asked from", () => {
  assert.equal(words.signInAddress(VOCABULARY, "/walks/a b"), "/sign-in/elsewhere?next=%2Fwalks%2Fa%20b");
  assert.equal(words.signInAddress({ ...VOCABULARY, sign_in: "/sign-in/oidc" }, null), "/sign-in/oidc");
});

test("a time is written on a 24-hour clock in every language, in the zone asked for", () => {
  const moment = new Date(Date.UTC(2026, 11, 5, 22, 7));
  const time = { hour: "2-digit", minute: "2-digit" };
  assert.equal(words.when(VOCABULARY, moment, time, "Europe/London"), "22:07");
  assert.equal(words.when({ ...VOCABULARY, language: "en" }, moment, time, "Europe/Amsterdam"), "23:07");
});
