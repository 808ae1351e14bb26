// Gemba Walk capture forms: the server renders each form once (templates/_macros/capture.html),
// into its pages and into the app shell's <template>s. This module copies a shell template and
// fills in its values, reads a form's fields, shows its problems all at once, and counts the
// characters of a long text as its limit nears. The same markup online and offline; what a form
// does when sent is gw-submit.js's.
// Module Gemba.forms. Needs Gemba.status, Gemba.words, Gemba.checks.
(function (Gemba) {
  "use strict";

  function h() { return Gemba.status.h.apply(null, arguments); }
  function say(key, values) { return Gemba.words.say(Gemba.words.current(), key, values); }

  // A copy of the server's form `kind` ("plan", "observation", "complete", "start", "correct",
  // "correct-observation", "record-past", or the "record" of a done walk) from the shell.
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
      option.querySelector("span").textContent = say("customer_option", { name: c.name, kind: Gemba.words.label(vocab, "customer_kind", c.kind).toLowerCase() });
      return option;
    });
    options.replaceChildren.apply(options, copies.length ? copies
      : [h("p", { class: "muted", text: say("nothing_to_choose") })]);
  }

  // A walk's standard questions, drawn as the server draws them (capture.html question_fields),
  // into the form's empty place for them: the walk's own, or its unit's for a walk of `kind`.
  function fillQuestions(form, questions, kind) {
    var holder = form.querySelector("[data-questions]");
    if (!holder || holder.querySelector("[data-question-kind='" + kind + "']") || !(questions || []).length) return;
    var vocab = Gemba.words.current(), words = vocab.questions;
    var fields = questions.map(function (q) {
      var name = "answer_" + q.id, hint = q.required ? words.required : words.optional;
      var marked = q.required ? "true" : null;
      if (q.answer_type === "yes_no" || q.answer_type === "choice") {
        var pairs = q.answer_type === "yes_no" ? Gemba.words.choices(vocab, "yes_no") : q.choices.map(function (c) { return [c, c]; });
        return h("fieldset", { class: "field choices segmented" }, [
          h("legend", { class: "label", text: q.text }),
          h("p", { class: "hint", text: hint }),
          h("div", { class: "options" }, pairs.map(function (pair, i) {
            return h("label", { class: "option" }, [h("input", { "data-required": marked, id: name + "-" + i, name: name, type: "radio", value: pair[0] }),
              " ", h("span", { text: pair[1] })]);
          }))]);
      }
      var attrs = { "aria-describedby": name + "-hint", "data-required": marked, id: name, name: name, type: "text" };
      if (q.answer_type === "number") attrs.inputmode = "decimal";
      else { attrs.autocomplete = "off"; attrs.maxlength = String(Gemba.words.textLimit(vocab, "answer")); }
      return h("div", { class: "field" }, [h("label", { class: "label", for: name, text: q.text }),
        h("p", { class: "hint", id: name + "-hint", text: hint }), h("input", attrs)]);
    });
    holder.appendChild(h("fieldset", { class: "questions-group stack", "data-question-kind": kind }, [
      h("legend", { class: "label", text: words.heading + " · " + Gemba.words.label(vocab, "walk_kind", kind) })].concat(fields)));
  }

  // The answers a form gives, by question id, and a problem for each required one left out
  // (the server holds each answer to its question again).
  function readAnswers(form, kind) {
    var answers = {}, missing = [], seen = {};
    var words = Gemba.words.current().questions;
    var group = kind ? "[data-question-kind='" + String(kind).replace(/[^a-z_]/g, "") + "'] " : "";
    form.querySelectorAll("[data-questions] " + group + "[name^=answer_]").forEach(function (input) {
      var name = input.name;
      if (seen[name]) return;
      seen[name] = true;
      var given = input.type === "radio" ? checked(form, name) : value(form, name);
      if (given) answers[name.slice("answer_".length)] = given;
      else if (input.hasAttribute("data-required")) {
        var group = input.closest("fieldset.choices, .field");
        var asked = group.querySelector("legend, label");
        missing.push(say("question_missing", { question: asked.textContent.trim(), missing: words.missing }));
      }
    });
    return { answers: answers, missing: missing };
  }

  // Every problem at once, at the top of the form, in the server's own box.
  function showProblems(form, problems) {
    var old = form.querySelector(".form-errors");
    if (old) old.remove();
    if (!problems.length) return false;
    var box = h("div", { class: "form-errors", role: "alert", tabindex: "-1" }, [
      h("p", { text: say("problems_lead") }),
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
      var said = Gemba.checks.counter(textarea.value.length, most, Gemba.words.current());
      note.hidden = !said;
      note.textContent = said ? said.text : "";
      note.classList.toggle("is-over", !!(said && said.over));
      if (said && said.over) textarea.setAttribute("aria-invalid", "true");
      else if (!textarea.closest(".has-error")) textarea.removeAttribute("aria-invalid");
    }
    textarea.addEventListener("input", update);
    update();
  }

  // Record a past walk asks each kind's standard questions: with script, only the group of the
  // kind chosen shows (its answers are the ones read: readRecord, gw-submit.js); without, both,
  // as before.
  function showChosenKindsQuestions(form) {
    if (form.getAttribute("data-capture") !== "record-past" || form.dataset.kindWatched) return;
    form.dataset.kindWatched = "1";
    var show = function () {
      var kind = checked(form, "kind");
      form.querySelectorAll("[data-question-kind]").forEach(function (group) {
        group.hidden = group.getAttribute("data-question-kind") !== kind;
      });
    };
    show();
    form.addEventListener("change", function (event) { if (event.target.name === "kind") show(); });
  }

  // What every capture form gets with JavaScript, on a server page or in the shell.
  function enhance(root) {
    root.querySelectorAll("textarea[data-limit]").forEach(watchLength);
    root.querySelectorAll("[data-photo-field]").forEach(function (field) { field.hidden = false; });
    var forms = Array.prototype.slice.call(root.querySelectorAll("form"));
    if (root.matches && root.matches("form")) forms.push(root);
    forms.forEach(showChosenKindsQuestions);
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
    fillQuestions: fillQuestions,
    readAnswers: readAnswers,
    showProblems: showProblems,
    enhance: enhance
  };
})(window.Gemba = window.Gemba || {});
