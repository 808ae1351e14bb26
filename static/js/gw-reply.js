// Gemba Walk replies: what the server's answer to a sent record means for it. A record counts
// as sent only when the reply is the API's JSON and echoes its UUID.
// Module Gemba.reply. Needs nothing: pure, so node's test runner loads it as it is.
//
// A reply is read from a fetch Response into a plain object (gw-sync.js does that):
//   { status, type, redirected, body: the JSON or null when it was not JSON, retryAfter }
(function (exports) {
  "use strict";

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
    if (status === 200 || status === 201) {
      if (body && body.uuid === record.uuid) return { outcome: "sent", version: body.version || 1 };
      // A captive portal or a proxy answered: not an acknowledgement.
      return { outcome: "retry", error: "The reply was not from Gemba Walk; will try again." };
    }
    if (status === 400) return { outcome: "csrf", error: reason(body, "Request refused") };
    if (status === 408 || status === 429 || status >= 500) {
      var seconds = parseInt(reply.retryAfter || "", 10);
      return { outcome: "retry", error: "Server busy (" + status + "); will try again.",
        wait: isNaN(seconds) ? null : seconds * 1000 };
    }
    if (status === 409) return { outcome: "conflict", error: reason(body, "Changed on another device"), body: body };
    if (status === 410) return { outcome: "removed", error: reason(body, "Removed on the server") };
    if (status === 413) return { outcome: "attention", error: reason(body, "Too large to send") };
    return { outcome: "attention", error: reason(body, "Refused (" + status + ")") };
  }

  exports.signedOut = signedOut;
  exports.reason = reason;
  exports.classify = classify;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).reply = {}));
