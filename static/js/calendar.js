// Copy buttons (the calendar link): shown only where the clipboard can be written.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  // In the page's language: the words are the vocabulary's (gw-words.js, pwa/texts.py).
  function say(key) { return window.Gemba.words.say(window.Gemba.words.current(), key); }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    var status = button.closest(".field") && button.closest(".field").querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () { if (status) status.textContent = say("copied"); },
        function () { source.select(); if (status) status.textContent = say("select_and_copy"); }
      );
    });
  });
})();
