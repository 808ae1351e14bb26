// Gemba Walk: small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce what needs fixing.
  var summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
})();
