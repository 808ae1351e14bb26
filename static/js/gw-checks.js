// Gemba Walk form checks: what the offline forms refuse before saving, held to the words and
// limits the server states (the vocabulary of gw-words.js, passed in). Each check returns the
// problems in words a person can act on; none means the form may be saved.
// Module Gemba.checks. Needs nothing: pure, so node's test runner loads it as it is.
(function (exports) {
  "use strict";

  var MINUTE = 60 * 1000;

  function isOneOf(pairs, value) {
    return (pairs || []).some(function (pair) { return pair[0] === value; });
  }

  // The same words as the server's own check of a text's length.
  function tooLong(problems, vocab, field, value, label) {
    var most = vocab.limits.text[field];
    if ((value || "").length > most) {
      problems.push(label + " is " + value.length + " characters long; the limit is " + most + ".");
    }
  }

  function isDate(value) { return value instanceof Date && !isNaN(value); }

  // fields: category, waste_type, said_by, text (trimmed).
  function observation(fields, vocab) {
    var problems = [];
    if (!isOneOf(vocab.words.category, fields.category)) problems.push("Choose what you saw.");
    if (fields.category === "waste" && !isOneOf(vocab.words.waste_type, fields.waste_type)) {
      problems.push("Choose which waste.");
    }
    if (!isOneOf(vocab.words.said_by, fields.said_by)) problems.push("Choose who said it.");
    if (!fields.text) problems.push("Write a note.");
    tooLong(problems, vocab, "observation", fields.text, "The note");
    return problems;
  }

  // fields: kind, when (a Date), minutes (a number), place, purpose.
  function plan(fields, vocab) {
    var problems = [];
    if (!isOneOf(vocab.words.walk_kind, fields.kind)) problems.push("Choose a customer visit or a gemba walk.");
    if (!isDate(fields.when)) problems.push("Give a day and a time.");
    if (!isOneOf(vocab.limits.walk_minutes, fields.minutes)) problems.push("Choose how long the walk will take.");
    tooLong(problems, vocab, "place", fields.place, "The place");
    tooLong(problems, vocab, "purpose", fields.purpose, "The purpose");
    return problems;
  }

  // fields: started, finished (Dates), spokenTo (as typed), frontline_met, summary; now in ms.
  function complete(fields, vocab, now) {
    var problems = [];
    var most = vocab.limits.customers_spoken_to_max;
    if (!/^\d+$/.test(fields.spokenTo) || Number(fields.spokenTo) > most) {
      problems.push("Say how many customers you spoke with (0 to " + most + ").");
    }
    if (!isDate(fields.started) || !isDate(fields.finished)) problems.push("Give when the walk started and finished.");
    else if (fields.finished < fields.started) problems.push("The walk cannot finish before it started.");
    else if (fields.finished.getTime() > now + MINUTE) problems.push("The finish cannot be in the future.");
    tooLong(problems, vocab, "frontline_met", fields.frontline_met, "This");
    tooLong(problems, vocab, "summary", fields.summary, "The summary");
    return problems;
  }

  // What a long text's counter says at `length` characters of `most`: nothing while far from
  // the limit, the characters left once within a tenth of it, and how many are over past it.
  function counter(length, most) {
    if (length > most) {
      var over = length - most;
      return { over: true, text: over + " character" + (over === 1 ? "" : "s") + " over the limit of " + most + ". Shorten it to save: nothing you typed is cut." };
    }
    if (length < most * 0.9) return null;
    var left = most - length;
    return { over: false, text: left + " character" + (left === 1 ? "" : "s") + " left" };
  }

  exports.counter = counter;
  exports.observation = observation;
  exports.plan = plan;
  exports.complete = complete;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).checks = {}));
