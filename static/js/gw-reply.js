// Gemba Walk replies: what the server's answer to a sent record means for it. A record counts
// as sent only when the reply is the API's JSON and echoes its UUID.
// Module Gemba.reply. Needs Gemba.words (pure too: its words are the page's vocabulary), so
// node's test runner loads it as it is.
//
// A reply is read from a fetch Response into a plain object (gw-sync.js does that):
//   { status, type, redirected, body: the JSON or null when it was not JSON, retryAfter }
(function (exports, words) {
  "use strict";

  // Why a record waits or was refused, in the page's language (the vocabulary's texts).
  function say(key, status) { return words().say(words().current(), key, { status: status }); }

  // The session is gone: a 401, or any redirect (the sign-in page's way of saying so).
  function signedOut(reply) {
    return reply.status === 401 || reply.type === "opaqueredirect" || !!reply.redirected ||
      (reply.status >= 300 && reply.status < 400);
  }

  // The server's reason, with what it said about each field.
  function reason(body, fallback) {
    if (!body) return fallback;
    var text = body.error || fallback;
    if (body.fields) {
      text += ": " + Object.keys(body.fields).map(function (k) { return k + " " + body.fields[k]; }).join("; ");
    }
    return text;
  }

  // One reply, sorted into what happens to the record:
  //   sent (with the server's version), retry (later, with a wait when the server gave one),
  //   csrf (fetch a new token, once), conflict, removed, attention (a person must look),
  //   signin (stop: nothing more is sent until someone signs in).
  function classify(reply, record) {
    if (signedOut(reply)) return { outcome: "signin" };
    var status = reply.status, body = reply.body;
    if (record.removal) {
      // A removal (DELETE): 204 is done, and says so again when repeated; 404 (not the
      // walker's) and 409 (the walk was completed) need a person, not a conflict page.
      if (status === 204) return { outcome: "sent", version: record.baseVersion };
      if (status === 404 || status === 409) return { outcome: "attention", error: reason(body, say("not_undone", status)) };
    }
    if (status === 200 || status === 201) {
      if (body && body.uuid === record.uuid) return { outcome: "sent", version: body.version || 1 };
      // A captive portal or a proxy answered: not an acknowledgement.
      return { outcome: "retry", error: say("not_our_reply") };
    }
    if (status === 400) return { outcome: "csrf", error: reason(body, say("request_refused")) };
    if (status === 408 || status === 429 || status >= 500) {
      var seconds = parseInt(reply.retryAfter || "", 10);
      return { outcome: "retry", error: say("server_busy", status),
        wait: isNaN(seconds) ? null : seconds * 1000 };
    }
    if (status === 409) return { outcome: "conflict", error: reason(body, say("changed_elsewhere")), body: body };
    if (status === 410) return { outcome: "removed", error: reason(body, say("state_removed")) };
    if (status === 413) return { outcome: "attention", error: reason(body, say("too_large")) };
    return { outcome: "attention", error: reason(body, say("refused", status)) };
  }

  // The reply to a batch (POST /api/v1/sync) of `records`, sorted into what happens next:
  //   results (`outcomes`: one per record, in order, each read as its own PUT's reply),
  //   fallback (a server without batches, or one that would not read this batch as a whole:
  //   send each record with its PUT), csrf (fetch a new token, once), retry (all wait),
  //   signin (stop).
  function classifyBatch(reply, records) {
    if (signedOut(reply)) return { outcome: "signin" };
    var status = reply.status, body = reply.body;
    if (status === 200) {
      var results = body && body.results;
      var ours = Array.isArray(results) && results.length === records.length &&
        records.every(function (record, n) { return results[n] && results[n].uuid === record.uuid; });
      if (!ours) return { outcome: "retry", error: say("not_our_reply") };
      return { outcome: "results", outcomes: records.map(function (record, n) {
        var result = results[n];
        var outcome = classify({ status: result.status, type: "basic", redirected: false,
          body: result.body, retryAfter: null }, record);
        // The session and the token are the whole request's: a record's own 400 is a refusal.
        if (outcome.outcome === "signin" || outcome.outcome === "csrf") {
          outcome = { outcome: "attention", error: reason(result.body, say("refused", result.status)) };
        }
        return outcome;
      }) };
    }
    if (status === 400) return { outcome: "csrf", error: reason(body, say("request_refused")) };
    if (status === 408 || status === 429 || status >= 500) return classify(reply, {});
    return { outcome: "fallback", error: reason(body, say("refused", status)) };
  }

  exports.signedOut = signedOut;
  exports.classifyBatch = classifyBatch;
  exports.reason = reason;
  exports.classify = classify;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).reply = {}),
  // Looked up when used: the bundle's order does not matter.
  function () { return typeof module !== "undefined" ? require("./gw-words.js") : window.Gemba.words; });
