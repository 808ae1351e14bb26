// Gemba Walk outbox rules: which records are due and in what order, and how a record changes
// when it is saved again, tried, or answered. The records live in IndexedDB (gw-store.js).
// Module Gemba.outbox. Needs Gemba.words (pure too), so node's test runner loads it as it is.
(function (exports, words) {
  "use strict";

  // Parents before children: a walk before its observations, an observation before its photos.
  var ORDER = { walk: 0, observation: 1, comment: 2, follow_up: 2, "follow-up": 2, photo: 3 };
  // Where each kind of record is PUT by its UUID (photos go under their observation).
  var PATHS = { walk: "/walks/", observation: "/observations/", comment: "/comments/",
    follow_up: "/follow-ups/", "follow-up": "/follow-ups/" };
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

  function pendingNow(record, now) {
    return record.state === "pending" && (record.nextAttemptAt || 0) <= now;
  }

  // What to send now, in order: pending records whose time has come and whose parent the
  // server holds, parents first, then oldest first. Given the types a batch takes (`types`,
  // the vocabulary's limits.sync_batch.types), a record of those types may also go in the same
  // batch as its parent, when that parent goes now too and is of those types.
  function due(records, now, types) {
    var index = byUuid(records);
    var together = function (record) {
      var parent = index[record.parent];
      return !!types && batchType(record, types) !== null && batchType(parent, types) !== null &&
        pendingNow(parent, now) && !waitsForParent(parent, index);
    };
    return records.filter(function (r) {
      return pendingNow(r, now) && (!waitsForParent(r, index) || together(r));
    }).sort(function (a, b) {
      return (rank(a) - rank(b)) || (a.createdAt - b.createdAt);
    });
  }

  // A removal goes before everything: what it removes is on the server already, and a walk
  // completed on the device afterwards would close the walk its undo needs open.
  function rank(record) { return record.removal ? -1 : ORDER[record.type]; }

  // Undo a tally (`obs`: its uuid, walkUuid, userId and the version the device knows) whose
  // record the outbox may hold (`existing`). One the server never had (not sent, never
  // acknowledged) is forgotten: null, nothing is sent. One the server holds becomes a removal
  // (DELETE, once, when there is signal); a removal already waiting stays as it is.
  function undone(existing, obs, now) {
    if (existing && existing.removal) return existing;
    if (existing && existing.state === "removed") return null;
    if (existing && existing.state !== "sent" && (existing.baseVersion === null || existing.baseVersion === undefined)) return null;
    var known = existing && (existing.serverVersion || existing.baseVersion);
    return { uuid: obs.uuid, type: "observation", removal: true, walkUuid: obs.walkUuid,
      userId: existing ? existing.userId : obs.userId, parent: null, body: {},
      rev: existing ? existing.rev + 1 : 1, state: "pending", error: "", attempts: 0,
      nextAttemptAt: 0, createdAt: now, updatedAt: now, baseVersion: known || obs.version || 1 };
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
    record.error = outcome.error || words().say(words().current(), "no_connection");
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

  // --- sending ------------------------------------------------------------------------------

  // The path a record is PUT to (or a removal DELETEd at), under the API's root.
  function putPath(record) {
    if (record.type === "photo") return "/observations/" + record.parent + "/photos/" + record.uuid;
    return PATHS[record.type] + record.uuid;
  }

  // The JSON body a record's PUT sends (and its body in a batch): what the device holds, with
  // the version an edit was made from.
  function putBody(record) {
    var body = Object.assign({}, record.body);
    if (record.baseVersion !== null && record.baseVersion !== undefined) body.base_version = record.baseVersion;
    return body;
  }

  // The name a batch gives a record (one of `types`, the server's), or null for a record that
  // goes alone (a photo).
  function batchType(record, types) {
    if (!record || !types || record.removal) return null;  // a removal goes alone (DELETE)
    var name = String(record.type).replace(/-/g, "_");
    return types.indexOf(name) !== -1 ? name : null;
  }

  // A record as a batch (POST /api/v1/sync) carries it.
  function batchEntry(record, types) {
    return { type: batchType(record, types), uuid: record.uuid, body: putBody(record) };
  }

  function byteLength(text) {
    return new TextEncoder().encode(text).length;
  }

  // The records due, cut in order into what is sent together: runs of records a batch takes,
  // each run within the server's limits (`limit` is the vocabulary's limits.sync_batch:
  // records, bytes, types), and every other record (a photo) alone. Each group is
  // {batch: true|false, records: [...]}. Without a limit (a server without batches), every
  // record goes alone.
  function batches(list, limit) {
    var groups = [], current = null, bytes = 0;
    var room = limit ? limit.bytes - byteLength('{"records":[]}') : 0;
    list.forEach(function (record) {
      if (!limit || batchType(record, limit.types) === null) {
        groups.push({ batch: false, records: [record] });
        current = null;
        return;
      }
      var size = byteLength(JSON.stringify(batchEntry(record, limit.types))) + 1;  // and a comma
      if (!current || current.records.length >= limit.records || bytes + size > room) {
        current = { batch: true, records: [] };
        bytes = 0;
        groups.push(current);
      }
      current.records.push(record);
      bytes += size;
    });
    return groups;
  }

  // What of a batch still goes, read again just before it is sent (`index`: every record
  // the device holds, by UUID): records still pending, whose parent the server holds or goes
  // before them in this batch.
  function ready(records, index) {
    var going = {};
    return records.filter(function (record) {
      var current = index[record.uuid];
      if (!current || current.state !== "pending") return false;
      if (waitsForParent(current, index) && !going[current.parent]) return false;
      going[current.uuid] = true;
      return true;
    }).map(function (record) { return index[record.uuid]; });
  }

  // The outcome of each record of a batch (gw-reply.js read them), with a record whose parent
  // in the same batch did not reach the server left to wait for it ("wait"), as it would have
  // had it not been sent with its parent.
  function settled(records, outcomes) {
    var sent = {}, inBatch = {};
    records.forEach(function (record) { inBatch[record.uuid] = true; });
    return records.map(function (record, n) {
      var outcome = outcomes[n];
      if (record.parent && inBatch[record.parent] && !sent[record.parent]) outcome = { outcome: "wait" };
      if (outcome.outcome === "sent") sent[record.uuid] = true;
      return outcome;
    });
  }

  exports.ORDER = ORDER;
  exports.putPath = putPath;
  exports.putBody = putBody;
  exports.batchType = batchType;
  exports.batchEntry = batchEntry;
  exports.batches = batches;
  exports.ready = ready;
  exports.settled = settled;
  exports.byUuid = byUuid;
  exports.waitsForParent = waitsForParent;
  exports.due = due;
  exports.undone = undone;
  exports.nextWake = nextWake;
  exports.saved = saved;
  exports.retried = retried;
  exports.answered = answered;
  exports.busyWalks = busyWalks;
  exports.tally = tally;
  exports.unsentBy = unsentBy;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).outbox = {}),
  function () { return typeof module !== "undefined" ? require("./gw-words.js") : window.Gemba.words; });
