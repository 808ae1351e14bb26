// Copy buttons (the calendar link): shown only where the clipboard can be written.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    var status = button.closest(".field") && button.closest(".field").querySelector(".copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () { if (status) status.textContent = "Copied."; },
        function () { source.select(); if (status) status.textContent = "Select the link and copy it."; }
      );
    });
  });
})();
