// Gemba Walk outbox rules: which records are due and in what order, and how a record changes
// when it is saved again, tried, or answered. The records live in IndexedDB (gw-store.js).
// Module Gemba.outbox. Needs nothing: pure, so node's test runner loads it as it is.
(function (exports) {
  "use strict";

  // Parents before children: a walk before its observations, an observation before its photos.
  var ORDER = { walk: 0, observation: 1, photo: 2 };
  // Not (yet) on the server: waiting, or waiting for a person.
  var UNSENT = ["pending", "attention", "conflict"];
  // What the status bar asks a person to look at.
  var TROUBLE = ["attention", "conflict", "removed"];

  function byUuid(records) {
    var index = {};
    records.forEach(function (r) { index[r.uuid] = r; });
    return index;
  }

  // A record waits while what it belongs to has not yet reached the server.
  function waitsForParent(record, index) {
    var parent = record.parent && index[record.parent];
    return !!parent && parent.state !== "sent" && parent.baseVersion === null;
  }

  // What to send now, in order: pending records whose time has come and whose parent the
  // server holds, parents first, then oldest first.
  function due(records, now) {
    var index = byUuid(records);
    return records.filter(function (r) {
      return r.state === "pending" && (r.nextAttemptAt || 0) <= now && !waitsForParent(r, index);
    }).sort(function (a, b) {
      return (ORDER[a.type] - ORDER[b.type]) || (a.createdAt - b.createdAt);
    });
  }

  // When the outbox should try again by itself: the earliest retry time of a pending record.
  function nextWake(records) {
    var times = records.filter(function (r) { return r.state === "pending" && r.nextAttemptAt; })
      .map(function (r) { return r.nextAttemptAt; });
    return times.length ? Math.min.apply(null, times) : null;
  }

  // A change saved on the device. A record not yet sent carries the latest state (a create
  // stays a create); otherwise a fresh record starts.
  function saved(existing, record, now) {
    if (existing && existing.state !== "sent" && existing.state !== "removed") {
      existing.body = record.body;
      existing.rev += 1;
      existing.state = "pending";
      existing.error = "";
      existing.nextAttemptAt = 0;
      existing.updatedAt = now;
      return existing;
    }
    return Object.assign({
      rev: 1, state: "pending", error: "", attempts: 0, nextAttemptAt: 0,
      createdAt: now, updatedAt: now, baseVersion: null
    }, record);
  }

  // A try that will be repeated: one more attempt, why, and when next (the server's wait, or
  // `delay(attempts)`, the back-off).
  function retried(record, outcome, now, delay) {
    record.attempts = (record.attempts || 0) + 1;
    record.error = outcome.error || "No connection; will try again.";
    record.nextAttemptAt = now + (outcome.wait || delay(record.attempts));
    return record;
  }

  // The server answered the revision `sentRev` of this record.
  function answered(record, sentRev, outcome, now) {
    if (outcome.outcome !== "sent") {
      record.state = outcome.outcome;
      record.error = outcome.error;
      if (outcome.body && outcome.body.conflict) record.conflictUrl = outcome.body.conflict.url;
      return record;
    }
    if (record.rev !== sentRev) {
      // Edited while on its way: what was sent is now the base of the next send.
      record.baseVersion = outcome.version;
      record.state = "pending";
      record.nextAttemptAt = 0;
      return record;
    }
    record.state = "sent";
    record.error = "";
    record.sentAt = now;
    record.serverVersion = outcome.version;
    // The server has the photo: keep what it looked like, not its bytes.
    if (record.type === "photo") record.body = { type: record.body.type, width: record.body.width, height: record.body.height };
    return record;
  }

  // The walks with something not yet sent: the device's view of them is newer than the server's.
  function busyWalks(records) {
    var busy = {};
    records.forEach(function (r) { if (r.state !== "sent") busy[r.walkUuid] = true; });
    return busy;
  }

  // What the status bar counts, for the person signed in here (`meId`, or null).
  function tally(records, meId) {
    var waiting = records.filter(function (r) { return r.state === "pending"; });
    return {
      waiting: waiting,
      trouble: records.filter(function (r) { return TROUBLE.indexOf(r.state) !== -1 && !r.dismissed; }),
      others: meId === null || meId === undefined ? [] : waiting.filter(function (r) { return r.userId !== meId; })
    };
  }

  // One person's records the server does not have yet (asked before that person signs out).
  function unsentBy(records, userId) {
    return records.filter(function (r) { return r.userId === userId && UNSENT.indexOf(r.state) !== -1; });
  }

  exports.ORDER = ORDER;
  exports.byUuid = byUuid;
  exports.waitsForParent = waitsForParent;
  exports.due = due;
  exports.nextWake = nextWake;
  exports.saved = saved;
  exports.retried = retried;
  exports.answered = answered;
  exports.busyWalks = busyWalks;
  exports.tally = tally;
  exports.unsentBy = unsentBy;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).outbox = {}));
