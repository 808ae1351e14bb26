// Gemba Walk back-off: how long an unsent record waits before the outbox tries it again.
// Module Gemba.backoff. Needs nothing: pure, so node's test runner loads it as it is.
(function (exports) {
  "use strict";

  var SECOND = 1000;
  var FIRST = 2 * SECOND;
  var LONGEST = 5 * 60 * SECOND;

  // The wait after `attempts` tries: 2 s, doubling each time up to 5 minutes, spread by up to a
  // quarter either way (`random` in [0, 1), Math.random() when left out) so that phones coming
  // back into signal together do not all knock at once.
  function delay(attempts, random) {
    var spread = random === undefined ? Math.random() : random;
    var base = Math.min(LONGEST, FIRST * Math.pow(2, Math.max(0, attempts - 1)));
    return Math.round(base * (0.75 + spread * 0.5));
  }

  exports.FIRST = FIRST;
  exports.LONGEST = LONGEST;
  exports.delay = delay;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).backoff = {}));
