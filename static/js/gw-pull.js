// Gemba Walk pull: the device's copy of what the signed-in manager reads offline (their walks,
// the customer register, the standard questions, each corrected walk's history), fetched one
// pull at a time in a page; and "Sync now", which sends what waits and then pulls. The flush
// that sends the outbox, and the state both report, are gw-sync.js's.
// Module Gemba.pull. Needs Gemba.store, Gemba.sync.
(function (Gemba) {
  "use strict";

  var state = Gemba.sync.state;
  function call(url, options, timeoutMs) { return Gemba.sync.call(url, options, timeoutMs); }
  function readJson(response) { return Gemba.sync.readJson(response); }
  function whoAmI() { return Gemba.sync.whoAmI(); }
  function emit() { Gemba.sync.emit(); }

  // "Sync now": whatever is waiting goes now, back-off or not.
  function syncNow() {
    return Gemba.store.records().then(function (records) {
      return Promise.all(records.filter(function (r) { return r.state === "pending" && r.nextAttemptAt; })
        .map(function (r) { return Gemba.store.updateRecord(r.uuid, function (x) { x.nextAttemptAt = 0; }); }));
    }).then(function () { return Gemba.sync.flush("now"); }).then(pull);
  }

  // A server page rendered for nobody (the sign-in page): nothing to read, and asking
  // would only log a 401. The offline shell is public too, but it reads for whoever is signed in.
  function signedOutPage() {
    var bar = document.querySelector("[data-syncbar]");
    return !!bar && bar.getAttribute("data-user-id") === "" && !document.querySelector("[data-shell]");
  }

  // Each done walk's history ("Corrected", as its page draws it: GET /app/history), kept on the
  // device so the offline walk page shows it too. Asked only for walks whose count of
  // corrections (the walk's JSON) differs from the one kept: one request, most pulls none.
  function keepHistories(walks) {
    return Gemba.store.getMeta("history").then(function (kept) {
      kept = kept || {};
      var held = {}, wanted = [];
      walks.forEach(function (w) {
        if (w.status !== "done" || !w.corrections) return;
        var old = kept[w.uuid];
        if (old && old.corrections === w.corrections) held[w.uuid] = old;
        else wanted.push(w);
      });
      if (!wanted.length) return Gemba.store.setMeta("history", held);
      var query = wanted.map(function (w) { return "walk=" + encodeURIComponent(w.uuid); }).join("&");
      return call("/app/history?" + query).then(function (r) { return r.ok ? readJson(r) : null; })
        .catch(function () { return null; })
        .then(function (body) {
          wanted.forEach(function (w) {
            var html = body && body.history && body.history[w.uuid];
            if (typeof html === "string") held[w.uuid] = { corrections: w.corrections, html: html };
          });
          return state.leaving ? null : Gemba.store.setMeta("history", held);
        });
    });
  }

  // One pull at a time in a page: a pull asked for while one runs (a page's own on load beside
  // "Sync now") runs once after it, so it reads what changed meanwhile and asks nothing twice.
  var pulling = null, pullAgain = null;
  function pull() {
    if (pulling) {
      if (!pullAgain) pullAgain = pulling.then(function () { pullAgain = null; return pull(); });
      return pullAgain;
    }
    pulling = pullOnce().then(function () { pulling = null; });
    return pulling;
  }

  function pullOnce() {
    if (!navigator.onLine || signedOutPage()) return Promise.resolve(null);
    return whoAmI().then(function (me) {
      if (me.signedOut) return null;
      state.me = me;
      return Promise.all([
        call(Gemba.sync.api("/walks")).then(function (r) { return r.ok ? readJson(r) : null; }),
        call(Gemba.sync.api("/customers")).then(function (r) { return r.ok ? readJson(r) : null; }),
        // The standard questions a walk started here without signal is asked, by kind.
        call(Gemba.sync.api("/questions")).then(function (r) { return r.ok ? readJson(r) : null; }).catch(function () { return null; })
      ]).then(function (bodies) {
        // Signing out meanwhile: what came back is not to be kept (the sign-out forgot it).
        if (state.leaving || !bodies[0] || !bodies[0].walks) return null;
        var asked = bodies[2] && bodies[2].questions ? Gemba.store.setMeta("questions", bodies[2].questions) : null;
        return Promise.resolve(asked).then(function () {
          return Gemba.store.replaceSynced(me.id, bodies[0].walks, bodies[1] && bodies[1].customers);
        })
          .then(function () { return keepHistories(bodies[0].walks); })
          .then(function () {
            if (state.leaving) return null;
            return Gemba.store.setMeta("me", { id: me.id, display_name: me.display_name || me.name || "" })
              .then(function () { return Gemba.store.setMeta("pulledAt", Date.now()); });
          });
      });
    }).catch(function (error) { console.warn("Gemba Walk pull:", error); })
      .then(function () { emit(); });
  }

  Gemba.pull = {
    run: pull,
    syncNow: syncNow,
    signedOutPage: signedOutPage
  };
})(window.Gemba = window.Gemba || {});
