// Gemba Walk start-up: the service worker and its "Update" offer, and when the outbox flushes:
// on load, back online, page visible again, after each save, on a timer, and "Sync now".
// Module Gemba.boot (it starts the others and registers nothing). Needs Gemba.sync,
// Gemba.pull, Gemba.status, Gemba.enhance, Gemba.shell.
(function (Gemba) {
  "use strict";

  if (!("indexedDB" in window)) return;

  var applying = false;

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).then(function (reg) {
      // A new version waits: swapping code under a half-filled form would lose it.
      function offer(worker) {
        Gemba.status.offerUpdate(function () {
          applying = true;
          worker.postMessage({ type: "skip-waiting" });
        });
      }
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener("updatefound", function () {
        var worker = reg.installing;
        if (!worker) return;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
        });
      });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible" && navigator.onLine) reg.update().catch(function () {});
      });
      // A server page tells the worker its language: the shell it keeps for offline use
      // follows (sw.js keepShellIn), so a person who reads Welsh online does offline too.
      if (!document.querySelector("[data-shell]") && navigator.onLine) {
        navigator.serviceWorker.ready.then(function (ready) {
          if (ready.active) ready.active.postMessage({ type: "language", language: document.documentElement.lang });
        });
      }
    }).catch(function (error) { console.warn("Gemba Walk: no service worker", error); });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (applying) location.reload();
    });
  }

  function start() {
    Gemba.sync.onChange(function () { Gemba.status.refresh(); });
    window.addEventListener("online", function () {
      Gemba.sync.state.offline = false;
      Gemba.sync.flush("online").then(Gemba.pull.run);
    });
    window.addEventListener("offline", function () { Gemba.sync.state.offline = true; Gemba.status.refresh(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") Gemba.sync.flush("visible");
    });
    registerWorker();
    Gemba.enhance();
    if (document.querySelector("[data-shell]")) Gemba.shell.start();
    Gemba.status.refresh();
    Gemba.status.checkStorage();
    Gemba.sync.flush("load").then(Gemba.pull.run);
  }

  start();
})(window.Gemba = window.Gemba || {});
