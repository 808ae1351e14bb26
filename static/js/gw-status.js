// Gemba Walk status: what is waiting on this device, when it last synced, and banners for
// offline, syncing, signing in, storage at risk and a new version ready.
// Module Gemba.status. Needs Gemba.store, Gemba.sync, Gemba.pull, Gemba.outbox, Gemba.words.
(function (Gemba) {
  "use strict";

  var ui = { storageAtRisk: false, updateReady: null, forceShow: false, lineOpen: false };
  // The words for each state of a record (the vocabulary's state_* texts).
  var STATES = ["pending", "sent", "attention", "conflict", "removed"];

  function say(key, values) { return Gemba.words.say(Gemba.words.current(), key, values); }
  function count(key, n, values) { return Gemba.words.count(Gemba.words.current(), key, n, values); }

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") el.textContent = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  // When something happened, in the page's language: the time today, else the day and time;
  // null for never.
  function timeLabel(ms) {
    if (!ms) return null;
    var when = new Date(ms), vocab = Gemba.words.current();
    var today = new Date().toDateString() === when.toDateString();
    return Gemba.words.when(vocab, when, today ? { hour: "2-digit", minute: "2-digit" }
      : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  // A record's state in words, with the reason when it is not sent.
  function stateText(record) {
    var text = STATES.indexOf(record.state) !== -1 ? say("state_" + record.state) : record.state;
    return record.error && record.state !== "sent" ? text + ": " + record.error : text;
  }

  function banner(kind, text, extra) {
    return h("p", { class: "banner banner-" + kind, "data-banner": kind }, [text].concat(extra || []));
  }

  function render() {
    var bar = document.querySelector("[data-syncbar]");
    if (!bar || !Gemba.store) return Promise.resolve();
    var sync = Gemba.sync.state;
    return Promise.all([Gemba.store.records(), Gemba.store.getMeta("lastSyncedAt"), Gemba.store.getMeta("me")])
      .then(function (found) {
        var records = found[0];
        var me = sync.me || found[2];
        var counted = Gemba.outbox.tally(records, me ? me.id : null);
        var waiting = counted.waiting, trouble = counted.trouble, others = counted.others;
        // What needs the person's action stands out as a banner; the rest (offline, syncing,
        // what waits, when last synced) folds into one compact line that opens on a tap.
        var parts = [];
        if (sync.signIn) parts.push(banner("signin", count("sign_in_to_sync", waiting.length) + " ", [
          h("a", { href: Gemba.words.signInAddress(Gemba.words.current(), location.pathname), text: say("sign_in") })]));
        if (others.length) parts.push(banner("others", count("other_account_waits", others.length)));
        // Storage at risk is said in the status line: marked on it while records wait (they
        // are what may be lost), explained when it opens.
        var atRisk = ui.storageAtRisk && (waiting.length || ui.forceShow);
        if (trouble.length) parts.push(banner("attention", count("need_attention", trouble.length) + " ", [h("a", { href: "/outbox", text: say("open_the_outbox") })]));
        if (ui.updateReady) parts.push(banner("update", say("new_version") + " ", [
          h("button", { type: "button", class: "button button-small", "data-update": true, text: say("update"), onclick: ui.updateReady })]));

        var offline = !navigator.onLine;
        var syncing = sync.running && sync.total;
        var synced = timeLabel(found[1]);
        var progress = syncing ? say("syncing", { done: Math.min(sync.done + 1, sync.total), total: sync.total }) : null;
        var short = [offline ? say("offline") : null, progress,
          waiting.length ? count("records_waiting", waiting.length) : synced ? say("synced_at", { when: synced }) : say("never_synced")]
          .filter(Boolean).join(" · ");
        var onOutbox = location.pathname === "/outbox";
        var line = h("details", { class: "syncline" + (offline ? " is-offline" : "") + (atRisk && waiting.length ? " is-at-risk" : ""),
          "data-syncline": true, open: ui.lineOpen,
          ontoggle: function (event) { ui.lineOpen = event.target.open; } }, [
          h("summary", {}, [h("span", { class: "syncline-text", "data-status-line": true, text: short }),
            atRisk && waiting.length ? h("span", { class: "syncline-risk", "data-storage-risk": true, text: say("storage_at_risk") }) : null]),
          h("div", { class: "syncline-more" }, [
            offline ? h("p", { "data-banner": "offline", text: say("offline_more") }) : null,
            atRisk ? h("p", { "data-banner": "storage", text: say(waiting.length ? "storage_unsent" : "storage_kept") }) : null,
            syncing ? h("p", { "data-banner": "syncing", text: progress }) : null,
            h("p", {}, [
              h("span", { class: "syncbar-count", "data-pending-count": waiting.length, text: waiting.length ? count("records_waiting_to_send", waiting.length) : say("nothing_to_send") }),
              h("span", { class: "muted", "data-last-synced": true, text: " · " + (synced ? say("last_synced", { when: synced }) : say("never_synced")) })]),
            onOutbox ? null : h("p", { class: "syncbar-actions" }, [
              h("button", { type: "button", class: "button button-small", "data-sync-now": true, text: say("sync_now"),
                onclick: function () { Gemba.pull.syncNow(); } }),
              h("a", { href: "/outbox", class: "button button-small button-quiet", text: say("outbox") })])
          ])
        ]);
        var show = parts.length || waiting.length || offline || syncing || ui.forceShow;
        // Hidden, it holds nothing: no stray text for readers (or tests) to trip over. A status
        // that stops being true is gone at the next refresh: it is drawn afresh each time.
        bar.replaceChildren.apply(bar, show ? parts.concat([line]) : []);
        bar.hidden = !show;
        document.dispatchEvent(new CustomEvent("gemba:status", { detail: { records: records } }));
      });
  }

  // Draw at most once per tick; a change asked for while a drawing is under way is drawn
  // after it, so the last state is always the one shown.
  var pendingRender = null, again = false;
  function refresh() {
    if (pendingRender) { again = true; return pendingRender; }
    pendingRender = new Promise(function (resolve) { setTimeout(resolve, 30); })
      .then(render).catch(function (e) { console.error(e); })
      .then(function () {
        pendingRender = null;
        if (again) { again = false; return refresh(); }
        return null;
      });
    return pendingRender;
  }

  // Ask the browser to keep our storage; say so plainly when it will not.
  function checkStorage() {
    if (!navigator.storage || !navigator.storage.persist) { ui.storageAtRisk = true; return refresh(); }
    return navigator.storage.persisted().then(function (kept) {
      return kept || navigator.storage.persist();
    }).then(function (kept) { ui.storageAtRisk = !kept; return refresh(); })
      .catch(function () { ui.storageAtRisk = true; return refresh(); });
  }

  Gemba.status = {
    ui: ui,
    h: h,
    stateText: stateText,
    timeLabel: timeLabel,
    say: say,
    count: count,
    refresh: refresh,
    checkStorage: checkStorage,
    offerUpdate: function (apply) { ui.updateReady = apply; refresh(); }
  };
})(window.Gemba = window.Gemba || {});
