// Gemba Walk sync: one flush routine sends the outbox in order, in batches where the server
// takes them (POST /api/v1/sync), one tab at a time (Web Locks); what each reply means, what is
// due and what goes together are the pure rules of gw-reply.js and gw-outbox.js.
// Module Gemba.sync. Needs Gemba.words, Gemba.store, Gemba.outbox, Gemba.reply, Gemba.backoff.
(function (Gemba) {
  "use strict";

  // An address of the JSON API, under the prefix the server names in the vocabulary.
  function api(path) { return Gemba.words.current().api + path; }
  var listeners = [];
  var timer = null;
  var queued = null;
  // `leaving`: this page is signing out (gw-enhance.js), and keeps nothing a pull brings back.
  var state = { running: false, done: 0, total: 0, signIn: false, offline: !navigator.onLine, me: null, leaving: false };

  function emit() { listeners.forEach(function (fn) { try { fn(state); } catch (e) { console.error(e); } }); }

  // A fetch that never follows a redirect (a redirect means the session is gone) and gives up.
  function call(url, options, timeoutMs) {
    var controller = new AbortController();
    var clock = setTimeout(function () { controller.abort(); }, timeoutMs || 30 * 1000);
    var opts = Object.assign({ credentials: "same-origin", redirect: "manual", cache: "no-store",
      signal: controller.signal }, options);
    opts.headers = Object.assign({ Accept: "application/json" }, options && options.headers);
    return fetch(url, opts).finally(function () { clearTimeout(clock); });
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) return Promise.resolve(null);
    return response.json().catch(function () { return null; });
  }

  // Who is signed in here, or null when nobody is (or the answer was not the API's).
  function whoAmI() {
    return call(api("/me")).then(function (response) {
      if (Gemba.reply.signedOut(response)) return { signedOut: true };
      if (!response.ok) throw new Error("HTTP " + response.status);
      return readJson(response).then(function (me) {
        if (!me || me.id === undefined) throw new Error("not the API's answer");
        return me;
      });
    });
  }

  function freshToken() {
    return call(api("/csrf")).then(function (response) {
      if (Gemba.reply.signedOut(response)) return { signedOut: true };
      return readJson(response).then(function (body) {
        if (!response.ok || !body || !body.csrf_token) throw new Error("no CSRF token");
        return body.csrf_token;
      });
    });
  }

  function request(record, token) {
    if (record.removal) {
      return call(api(Gemba.outbox.putPath(record)), { method: "DELETE", headers: { "X-CSRFToken": token } });
    }
    if (record.type === "photo") {
      return call(api(Gemba.outbox.putPath(record)), {
        method: "PUT", body: record.body.data,
        headers: { "Content-Type": record.body.type, "X-CSRFToken": token }
      }, 2 * 60 * 1000);
    }
    return call(api(Gemba.outbox.putPath(record)), {
      method: "PUT", body: JSON.stringify(Gemba.outbox.putBody(record)),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    });
  }

  // The server's limits for a batch (the vocabulary each page embeds), or null when this
  // server answered that it has no batches: then every record goes with its own PUT.
  var batchless = false;
  function batchLimit() {
    var vocab = Gemba.words.current();
    return batchless || !vocab || !vocab.limits.sync_batch ? null : vocab.limits.sync_batch;
  }

  function requestBatch(records, token) {
    var types = batchLimit().types;
    return call(api("/sync"), {
      method: "POST",
      body: JSON.stringify({ records: records.map(function (r) { return Gemba.outbox.batchEntry(r, types); }) }),
      headers: { "Content-Type": "application/json", "X-CSRFToken": token }
    }, 2 * 60 * 1000);
  }

  // A Response as gw-reply.js reads it: its status, how it came, and its JSON if it was JSON.
  function replyOf(response) {
    return readJson(response).then(function (body) {
      return { status: response.status, type: response.type, redirected: response.redirected,
        body: body, retryAfter: response.headers.get("Retry-After") };
    });
  }

  function markRetry(record, outcome) {
    return Gemba.store.updateRecord(record.uuid, function (r) {
      Gemba.outbox.retried(r, outcome, Date.now(), Gemba.backoff.delay);
    });
  }

  function markDone(record, outcome) {
    return Gemba.store.updateRecord(record.uuid, function (r) {
      Gemba.outbox.answered(r, record.rev, outcome, Date.now());
    }).then(function () {
      if (outcome.outcome === "sent" && record.type === "walk") return Gemba.store.setWalkVersion(record.uuid, outcome.version);
      if (outcome.outcome === "sent" && record.type === "observation" && !record.removal) return setObservationVersion(record, outcome.version);
      return null;
    });
  }

  function setObservationVersion(record, version) {
    return Gemba.store.transact(["walks"], "readwrite", function (s) {
      return Gemba.store.req(s.walks.get(record.walkUuid)).then(function (walk) {
        if (!walk) return;
        (walk.observations || []).forEach(function (o) { if (o.uuid === record.uuid) o.version = version; });
        s.walks.put(walk);
      });
    });
  }

  var failures = 0;  // flushes in a row that could not even ask who is signed in

  function scheduleRetry() {
    return Gemba.store.records().then(function (records) {
      var pending = records.some(function (r) { return r.state === "pending"; });
      var next = Gemba.outbox.nextWake(records);
      if (!next && failures && pending) next = Date.now() + Gemba.backoff.delay(failures);
      clearTimeout(timer);
      if (next) timer = setTimeout(function () { flush("timer"); }, Math.max(1000, next - Date.now()));
    });
  }

  // Send everything due, in order. Returns when done; runs in one tab at a time.
  function sendAll() {
    if (!navigator.onLine) { state.offline = true; emit(); return Promise.resolve(); }
    state.offline = false;
    return Gemba.store.records().then(function (records) {
      var list = Gemba.outbox.due(records, Date.now());
      if (!list.length) return null;
      // Who is signed in and a fresh token, asked at once: on a slow link each round trip
      // is a wait the manager sees.
      var token = freshToken().then(function (t) { return { value: t }; }, function (e) { return { error: e }; });
      return whoAmI().then(function (me) {
        if (me.signedOut) { state.signIn = true; return null; }
        state.signIn = false;
        state.me = me;
        Gemba.store.setMeta("me", { id: me.id, display_name: me.display_name || me.name || "" });
        if (!list.some(function (r) { return r.userId === me.id; })) return null;
        return token.then(function (got) {
          if (got.error) throw got.error;
          if (got.value && got.value.signedOut) { state.signIn = true; return null; }
          state.running = true; state.done = 0; state.total = 0;
          return round(me, { token: got.value }, {});
        });
      });
    }).then(function () { failures = 0; }, function (error) {
      // No network (or the reply was not ours): everything waits, and the timer tries again.
      failures += 1;
      console.warn("Gemba Walk sync:", error);
    }).then(function () {
      state.running = false;
      return Gemba.store.records().then(function (records) {
        if (!records.some(function (r) { return r.state === "pending"; }) && !state.signIn) {
          return Gemba.store.setMeta("lastSyncedAt", Date.now());
        }
        return null;
      });
    }).then(scheduleRetry).then(emit);
  }

  // One pass over what is due; then another, for records that waited on one just sent
  // (the photos of an observation made on the device go once the observation has). What a
  // batch takes goes in batches, a walk with its observations; photos one by one.
  function round(me, session, tried) {
    return Gemba.store.records().then(function (records) {
      var limit = batchLimit();
      var list = Gemba.outbox.due(records, Date.now(), limit && limit.types).filter(function (r) {
        return r.userId === me.id && !tried[r.uuid];
      });
      if (!list.length) return null;
      list.forEach(function (r) { tried[r.uuid] = true; });
      state.total += list.length; emit();
      return sendGroups(Gemba.outbox.batches(list, limit), session, 0).then(function (result) {
        return result === "stop" ? null : round(me, session, tried);
      });
    });
  }

  function sendGroups(groups, session, index) {
    if (index >= groups.length) return Promise.resolve("done");
    var group = groups[index];
    var sending = group.batch && batchLimit() ? sendBatch(group.records, session, true)
      : sendEach(group.records, session, 0);
    return sending.then(function (result) {
      return result === "stop" ? "stop" : sendGroups(groups, session, index + 1);
    });
  }

  function sendEach(list, session, index) {
    if (index >= list.length) return Promise.resolve("done");
    // Read it again: another tab may have sent it, or it was edited, since the list was made;
    // and a record sent with its parent in mind waits when that parent did not go.
    return Gemba.store.record(list[index].uuid).then(function (record) {
      if (!record || record.state !== "pending") return [];
      return (record.parent ? Gemba.store.record(record.parent) : Promise.resolve(null)).then(function (parent) {
        return Gemba.outbox.ready([record], Gemba.outbox.byUuid(parent ? [record, parent] : [record]));
      });
    }).then(function (going) {
      return going.length ? sendOne(going[0], session.token, true) : "next";
    }).then(function (result) {
      if (result === "stop") return "stop";
      if (result && result.token) session.token = result.token;
      state.done += 1; emit();
      return sendEach(list, session, index + 1);
    });
  }

  // A batch: one request for many records, each answered as its own PUT would have been and
  // handled the same way; a server without batches gets each record with its PUT instead.
  function sendBatch(list, session, mayRenewToken) {
    return Gemba.store.records().then(function (all) {
      var records = Gemba.outbox.ready(list, Gemba.outbox.byUuid(all));
      if (!records.length) return "next";
      return requestBatch(records, session.token).then(replyOf, function () { return null; })
        .then(function (reply) {
          var verdict = reply ? Gemba.reply.classifyBatch(reply, records)
            : { outcome: "retry", error: Gemba.words.say(Gemba.words.current(), "no_connection") };
          if (verdict.outcome === "signin") { state.signIn = true; return "stop"; }
          if (verdict.outcome === "fallback") {
            // 404 or 405: this server has no batches. Anything else it would not read whole:
            // each record then gets its own answer.
            if (reply.status === 404 || reply.status === 405) batchless = true;
            return sendEach(records, session, 0);
          }
          if (verdict.outcome === "csrf") {
            if (!mayRenewToken) return sendEach(records, session, 0);
            return freshToken().then(function (fresh) {
              if (fresh && fresh.signedOut) { state.signIn = true; return "stop"; }
              session.token = fresh;
              return sendBatch(records, session, false);
            });
          }
          if (verdict.outcome === "retry") {
            // Keep the order: what comes after waits for the first of them.
            return markRetry(records[0], verdict).then(function () { return "stop"; });
          }
          return settle(records, Gemba.outbox.settled(records, verdict.outcomes), 0, "done");
        });
    });
  }

  // Each record of a batch as its own reply would leave it; a record to try again keeps the
  // order: what comes after this batch waits for it.
  function settle(records, outcomes, index, result) {
    if (index >= records.length) return Promise.resolve(result);
    var record = records[index], outcome = outcomes[index];
    var step;
    if (outcome.outcome === "wait") step = Promise.resolve();
    else if (outcome.outcome === "retry") { result = "stop"; step = markRetry(record, outcome); }
    else step = markDone(record, outcome);
    return step.then(function () {
      state.done += 1; emit();
      return settle(records, outcomes, index + 1, result);
    });
  }

  function sendOne(record, token, mayRenewToken) {
    return request(record, token).then(function (response) {
      return replyOf(response).then(function (reply) { return Gemba.reply.classify(reply, record); });
    }, function () {
      return { outcome: "retry", error: Gemba.words.say(Gemba.words.current(), "no_connection"), network: true };
    }).then(function (outcome) {
      if (outcome.outcome === "signin") { state.signIn = true; return "stop"; }
      if (outcome.outcome === "csrf" && mayRenewToken) {
        // The token may have expired with the session's clock: fetch a new one, try once more.
        return freshToken().then(function (fresh) {
          if (fresh && fresh.signedOut) { state.signIn = true; return "stop"; }
          return sendOne(record, fresh, false).then(function (result) {
            return result === "stop" ? result : { token: fresh };
          });
        });
      }
      if (outcome.outcome === "csrf") outcome = { outcome: "attention", error: outcome.error };
      if (outcome.outcome === "retry") {
        // Keep the order: what comes after this record waits for it.
        return markRetry(record, outcome).then(function () { return "stop"; });
      }
      return markDone(record, outcome).then(function () { return "next"; });
    });
  }

  // Ask for a flush. One runs at a time in this tab; the lock makes it one across tabs.
  function flush(why) {
    if (queued) return queued;
    var run = function () {
      queued = null;
      return sendAll();
    };
    queued = navigator.locks
      ? navigator.locks.request("gembawalk-outbox", run)
      : run();
    return queued;
  }

  // Run `work` while no flush runs in any tab (the same lock): what it decides about a record
  // cannot race that record's send.
  function exclusive(work) {
    return navigator.locks ? navigator.locks.request("gembawalk-outbox", work) : Promise.resolve().then(work);
  }

  function soon(why) { setTimeout(function () { flush(why); }, 0); }

  Gemba.sync = {
    state: state,
    api: api,
    flush: flush,
    exclusive: exclusive,
    soon: soon,
    call: call,
    readJson: readJson,
    whoAmI: whoAmI,
    onChange: function (fn) { listeners.push(fn); },
    emit: emit
  };
})(window.Gemba = window.Gemba || {});
