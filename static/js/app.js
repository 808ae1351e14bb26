// Gemba Walk: small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";

  // Waste type matters only for waste: show its field when that category is chosen.
  function syncWasteField(form) {
    var field = form.querySelector(".waste-type");
    if (!field) return;
    var chosen = form.querySelector("input[name=category]:checked");
    field.hidden = !(chosen && chosen.value === "waste");
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector(".waste-type")) return;
    syncWasteField(form);
    form.addEventListener("change", function (event) {
      if (event.target.name !== "category") return;
      syncWasteField(form);
      var text = form.querySelector("textarea[name=text]");
      if (text) text.focus();
    });
  });

  // Move focus to the error summary so screen readers announce what needs fixing.
  var summary = document.querySelector(".form-errors");
  if (summary) summary.focus();
})();
