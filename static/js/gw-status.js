// Gemba Walk status: what is waiting on this device, when it last synced, and banners for
// offline, syncing, signing in, storage at risk and a new version ready.
// Module Gemba.status. Needs Gemba.store, Gemba.sync, Gemba.outbox, Gemba.words.
(function (Gemba) {
  "use strict";

  var ui = { storageAtRisk: false, updateReady: null, forceShow: false, lineOpen: false };
  var STATE_LABELS = {
    pending: "Saved on this device",
    sent: "Sent",
    attention: "Needs attention",
    conflict: "Conflict",
    removed: "Removed on the server"
  };

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

  function timeLabel(ms) {
    if (!ms) return "never";
    var when = new Date(ms);
    var today = new Date().toDateString() === when.toDateString();
    return today
      ? when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })
      : when.toLocaleString("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // A record's state in words, with the reason when it is not sent.
  function stateText(record) {
    var text = STATE_LABELS[record.state] || record.state;
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
        if (sync.signIn) parts.push(banner("signin", "Sign in to sync. " + plural(waiting.length, "record") + (waiting.length === 1 ? " waits" : " wait") + " on this device. ", [
          h("a", { href: Gemba.words.signInAddress(Gemba.words.current(), location.pathname), text: "Sign in" })]));
        if (others.length) parts.push(banner("others", plural(others.length, "record") + " from another account " + (others.length === 1 ? "waits" : "wait") + " here until that person signs in again."));
        // Storage at risk is a banner while records wait (they are what may be lost), else
        // said inside the status line.
        var atRisk = ui.storageAtRisk && (waiting.length || ui.forceShow);
        if (atRisk && waiting.length) parts.push(banner("storage", "Storage at risk: this browser may clear unsent records. Add the app to your home screen, or sync soon."));
        if (trouble.length) parts.push(banner("attention", plural(trouble.length, "record") + (trouble.length === 1 ? " needs" : " need") + " attention. ", [h("a", { href: "/outbox", text: "Open the outbox" })]));
        if (ui.updateReady) parts.push(banner("update", "A new version of Gemba Walk is ready. ", [
          h("button", { type: "button", class: "button button-small", "data-update": true, text: "Update", onclick: ui.updateReady })]));

        var offline = !navigator.onLine;
        var syncing = sync.running && sync.total;
        var short = [offline ? "Offline" : null,
          syncing ? "Syncing " + Math.min(sync.done + 1, sync.total) + " of " + sync.total + "…" : null,
          waiting.length ? plural(waiting.length, "record") + " waiting" : "synced " + timeLabel(found[1])]
          .filter(Boolean).join(" · ");
        short = short.charAt(0).toUpperCase() + short.slice(1);
        var onOutbox = location.pathname === "/outbox";
        var line = h("details", { class: "syncline" + (offline ? " is-offline" : ""), "data-syncline": true, open: ui.lineOpen,
          ontoggle: function (event) { ui.lineOpen = event.target.open; } }, [
          h("summary", {}, [h("span", { class: "syncline-text", "data-status-line": true, text: short })]),
          h("div", { class: "syncline-more" }, [
            offline ? h("p", { "data-banner": "offline", text: "Offline: what you record is saved on this device, and sent when there is signal." }) : null,
            atRisk && !waiting.length ? h("p", { "data-banner": "storage", text: "Storage at risk: this browser may clear what this device keeps. Add the app to your home screen." }) : null,
            syncing ? h("p", { "data-banner": "syncing", text: "Syncing " + Math.min(sync.done + 1, sync.total) + " of " + sync.total + "…" }) : null,
            h("p", {}, [
              h("span", { class: "syncbar-count", "data-pending-count": waiting.length, text: waiting.length ? plural(waiting.length, "record") + " waiting to be sent" : "Nothing waiting to be sent" }),
              h("span", { class: "muted", "data-last-synced": true, text: " · Last synced " + timeLabel(found[1]) })]),
            onOutbox ? null : h("p", { class: "syncbar-actions" }, [
              h("button", { type: "button", class: "button button-small", "data-sync-now": true, text: "Sync now",
                onclick: function () { Gemba.sync.syncNow(); } }),
              h("a", { href: "/outbox", class: "button button-small button-quiet", text: "Outbox" })])
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
    plural: plural,
    refresh: refresh,
    checkStorage: checkStorage,
    offerUpdate: function (apply) { ui.updateReady = apply; refresh(); }
  };
})(window.Gemba = window.Gemba || {});
