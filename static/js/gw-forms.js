// Gemba Walk capture forms: the server renders each form once (templates/_macros/capture.html),
// into its pages and into the app shell's <template>s. This module copies a shell template and
// fills in its values, reads a form's fields, shows its problems all at once, and counts the
// characters of a long text as its limit nears. The same markup online and offline.
// Module Gemba.forms. Needs Gemba.status, Gemba.words, Gemba.checks.
(function (Gemba) {
  "use strict";

  function h() { return Gemba.status.h.apply(null, arguments); }

  // A copy of the server's form `kind` ("plan", "observation", "complete", "start", or the
  // "record" of a done walk) from the shell.
  function copy(kind) {
    var template = document.getElementById("gw-" + (kind === "record" ? "record" : "form-" + kind));
    return template.content.firstElementChild.cloneNode(true);
  }

  function checked(form, name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }

  function value(form, name) {
    var el = form.elements[name];
    return el ? el.value.trim() : "";
  }

  function chosenIds(form) {
    return Array.prototype.map.call(form.querySelectorAll("input[name=customer_ids]:checked"),
      function (input) { return Number(input.value); });
  }

  function readObservation(form) {
    var category = checked(form, "category");
    return {
      category: category,
      waste_type: category === "waste" && value(form, "waste_type") ? value(form, "waste_type") : null,
      said_by: checked(form, "said_by") || Gemba.words.current().defaults.said_by,
      text: value(form, "text"),
      customer_id: value(form, "customer_id") ? Number(value(form, "customer_id")) : null
    };
  }

  // Who said it, from the register the device holds: the shell's select has "no one" only.
  function fillCustomerChoice(form, customers) {
    var select = form.elements.customer_id;
    if (!select) return;
    select.replaceChildren(select.options[0]);
    customers.forEach(function (c) { select.appendChild(h("option", { value: String(c.id), text: c.name })); });
  }

  // The customer options: the shell's form holds one, a pattern copied for each customer.
  function fillCustomers(form, customers, chosen) {
    var options = form.querySelector("input[name=customer_ids]").closest(".options");
    var pattern = options.querySelector(".option");
    var vocab = Gemba.words.current();
    var copies = customers.map(function (c, i) {
      var option = pattern.cloneNode(true);
      var input = option.querySelector("input");
      input.id = "customer_ids-" + i;
      input.value = String(c.id);
      input.checked = (chosen || []).indexOf(c.id) !== -1;
      option.querySelector("span").textContent = c.name + " (" + Gemba.words.label(vocab, "customer_kind", c.kind).toLowerCase() + ")";
      return option;
    });
    options.replaceChildren.apply(options, copies.length ? copies
      : [h("p", { class: "muted", text: "Nothing to choose from yet." })]);
  }

  // Every problem at once, at the top of the form, in the server's own box.
  function showProblems(form, problems) {
    var old = form.querySelector(".form-errors");
    if (old) old.remove();
    if (!problems.length) return false;
    var box = h("div", { class: "form-errors", role: "alert", tabindex: "-1" }, [
      h("p", { text: "Please correct what is marked below. Nothing has been saved yet." }),
      h("ul", {}, problems.map(function (m) { return h("li", { text: m }); }))]);
    form.insertBefore(box, form.firstElementChild);
    box.focus();
    return true;
  }

  // A long text's counter: quiet far from its limit (data-limit, from the server's form),
  // then the characters left, then what is over, with the field marked. Nothing is cut.
  function watchLength(textarea) {
    var most = Number(textarea.getAttribute("data-limit"));
    if (!most || textarea.dataset.watched) return;
    textarea.dataset.watched = "1";
    var id = textarea.id + "-count";
    var note = h("p", { class: "char-count", id: id, "aria-live": "polite", hidden: true });
    textarea.insertAdjacentElement("afterend", note);
    var described = (textarea.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    textarea.setAttribute("aria-describedby", described.concat([id]).join(" "));
    function update() {
      var said = Gemba.checks.counter(textarea.value.length, most);
      note.hidden = !said;
      note.textContent = said ? said.text : "";
      note.classList.toggle("is-over", !!(said && said.over));
      if (said && said.over) textarea.setAttribute("aria-invalid", "true");
      else if (!textarea.closest(".has-error")) textarea.removeAttribute("aria-invalid");
    }
    textarea.addEventListener("input", update);
    update();
  }

  // What every capture form gets with JavaScript, on a server page or in the shell.
  function enhance(root) {
    root.querySelectorAll("textarea[data-limit]").forEach(watchLength);
    root.querySelectorAll("[data-photo-field]").forEach(function (field) { field.hidden = false; });
    var forms = Array.prototype.slice.call(root.querySelectorAll("form"));
    if (root.matches && root.matches("form")) forms.push(root);
    forms.forEach(function (form) {
      var waste = form.querySelector(".waste-type");
      if (!waste || form.dataset.wasteWatched) return;
      form.dataset.wasteWatched = "1";
      var sync = function () { waste.hidden = checked(form, "category") !== "waste"; };
      sync();
      form.addEventListener("change", function (event) {
        if (event.target.name !== "category") return;
        sync();
        var text = form.querySelector("textarea[name=text]");
        if (text) text.focus();
      });
    });
  }

  Gemba.forms = {
    copy: copy,
    checked: checked,
    value: value,
    chosenIds: chosenIds,
    readObservation: readObservation,
    fillCustomers: fillCustomers,
    fillCustomerChoice: fillCustomerChoice,
    showProblems: showProblems,
    enhance: enhance
  };
})(window.Gemba = window.Gemba || {});
