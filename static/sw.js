// Gemba Walk service worker. Served from /sw.js with `self.GEMBA_SW` (this release's name, the
// shell's URL and the precache list) put in front of this file by gembawalk/pwa/views.py.
//
// It keeps only the app shell and the static files: never a server page (they hold a person's
// data and CSRF tokens) and never an API answer. Pages go to the network first; when it fails,
// the shell answers and draws the page from IndexedDB.
"use strict";

var CONFIG = self.GEMBA_SW;
var CACHE = "gembawalk-" + CONFIG.release;
var PREFIX = "gembawalk-";
var NAVIGATION_TIMEOUT = 10000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // `reload`: the files come from the server, not from the browser's HTTP cache.
      return cache.addAll(CONFIG.precache.map(function (url) {
        return new Request(url, { cache: "reload", credentials: "same-origin" });
      }));
    })
  );
  // No skipWaiting here: a new version waits until the page's "Update" button asks.
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "skip-waiting") self.skipWaiting();
  if (event.data && event.data.type === "language") event.waitUntil(keepShellIn(String(event.data.language)));
});

// The shell speaks the language of the pages its person last opened online (a server page
// says so, gw-boot.js): the one kept is fetched again when it speaks another. A language is not
// a new release: nothing else changes, and nothing waits for "Update".
function keepShellIn(language) {
  if (!/^[a-zA-Z-]+$/.test(language)) return Promise.resolve(null);
  return caches.open(CACHE).then(function (cache) {
    return cache.match(CONFIG.shell).then(function (cached) {
      return cached ? cached.text() : "";
    }).then(function (text) {
      if (text.indexOf('<html lang="' + language + '"') !== -1) return null;
      return cache.add(new Request(CONFIG.shell, { cache: "reload", credentials: "same-origin" }));
    });
  }).catch(function () { return null; });
}

function shell() {
  return caches.open(CACHE).then(function (cache) { return cache.match(CONFIG.shell); });
}

// Network first, with a time limit: a page that does not come is answered by the shell.
function navigate(request) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var timer = setTimeout(function () {
      shell().then(function (cached) {
        if (!settled && cached) { settled = true; resolve(cached); }
      });
    }, NAVIGATION_TIMEOUT);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      if (!settled) { settled = true; resolve(response); }
    }, function (error) {
      clearTimeout(timer);
      shell().then(function (cached) {
        if (settled) return;
        settled = true;
        if (cached) resolve(cached); else reject(error);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return;  // always the network, never a cache
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  if (CONFIG.precache.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname).then(function (cached) { return cached || fetch(request); });
      })
    );
  }
});
