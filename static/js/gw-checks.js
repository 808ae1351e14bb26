// Gemba Walk form checks: what the offline forms refuse before saving, held to the words and
// limits the server states (the vocabulary of gw-words.js, passed in). Each check returns the
// problems in words a person can act on; none means the form may be saved.
// Module Gemba.checks. Needs Gemba.words (pure too), so node's test runner loads it as it is.
(function (exports, words) {
  "use strict";

  function say(vocab, key, values) { return words().say(vocab, key, values); }

  var MINUTE = 60 * 1000;

  function isOneOf(pairs, value) {
    return (pairs || []).some(function (pair) { return pair[0] === value; });
  }

  // A text over its limit, in a sentence naming the field (the vocabulary's too_long_<field>),
  // its numbers written as the server's own check writes them.
  function tooLong(problems, vocab, field, value) {
    var most = vocab.limits.text[field];
    if ((value || "").length > most) {
      problems.push(say(vocab, "too_long_" + field, { length: value.length, limit: most }));
    }
  }

  function isDate(value) { return value instanceof Date && !isNaN(value); }

  // fields: category, waste_type, said_by, text (trimmed).
  function observation(fields, vocab) {
    var problems = [];
    if (!isOneOf(vocab.words.category, fields.category)) problems.push(say(vocab, "choose_category"));
    if (fields.category === "waste" && !isOneOf(vocab.words.waste_type, fields.waste_type)) {
      problems.push(say(vocab, "choose_waste"));
    }
    if (!isOneOf(vocab.words.said_by, fields.said_by)) problems.push(say(vocab, "choose_said_by"));
    if (!fields.text) problems.push(say(vocab, "write_a_note"));
    tooLong(problems, vocab, "observation", fields.text);
    return problems;
  }

  // fields: kind, when (a Date), minutes (a number), place, purpose.
  function plan(fields, vocab) {
    var problems = [];
    if (!isOneOf(vocab.words.walk_kind, fields.kind)) problems.push(say(vocab, "choose_kind"));
    if (!isDate(fields.when)) problems.push(say(vocab, "give_day_and_time"));
    if (!isOneOf(vocab.limits.walk_minutes, fields.minutes)) problems.push(say(vocab, "choose_minutes"));
    tooLong(problems, vocab, "place", fields.place);
    tooLong(problems, vocab, "purpose", fields.purpose);
    return problems;
  }

  // fields: started, finished (Dates), spokenTo (as typed), frontline_met, summary; now in ms.
  function complete(fields, vocab, now) {
    var problems = [];
    var most = vocab.limits.customers_spoken_to_max;
    if (!/^\d+$/.test(fields.spokenTo) || Number(fields.spokenTo) > most) {
      problems.push(say(vocab, "say_spoken_to", { most: most }));
    }
    if (!isDate(fields.started) || !isDate(fields.finished)) problems.push(say(vocab, "give_start_and_finish"));
    else if (fields.finished < fields.started) problems.push(say(vocab, "finish_before_start"));
    else if (fields.finished.getTime() > now + MINUTE) problems.push(say(vocab, "finish_in_future"));
    tooLong(problems, vocab, "frontline_met", fields.frontline_met);
    tooLong(problems, vocab, "summary", fields.summary);
    return problems;
  }

  // What a long text's counter says at `length` characters of `most`: nothing while far from
  // the limit, the characters left once within a tenth of it, and how many are over past it.
  function counter(length, most, vocab) {
    if (length > most) {
      return { over: true, text: words().count(vocab, "characters_over", length - most, { limit: most }) };
    }
    if (length < most * 0.9) return null;
    return { over: false, text: words().count(vocab, "characters_left", most - length) };
  }

  exports.counter = counter;
  exports.observation = observation;
  exports.plan = plan;
  exports.complete = complete;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).checks = {}),
  // Looked up when used: in the page's bundle gw-words.js may come after this file.
  function () { return typeof module !== "undefined" ? require("./gw-words.js") : window.Gemba.words; });
