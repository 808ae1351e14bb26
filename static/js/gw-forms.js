// Gemba Walk capture forms: the server renders each form once (templates/_macros/capture.html),
// into its pages and into the app shell's <template>s. This module copies a shell template and
// fills in its values, reads a form's fields, shows its problems all at once, and counts the
// characters of a long text as its limit nears. The same markup online and offline. And it
// sends them: with JavaScript every capture form, on a server page or in the shell, is read,
// checked and written to the device's outbox the same way (send); only what the server alone
// can do (repeating a walk, a new customer) goes as a plain post.
// Module Gemba.forms. Needs Gemba.status, Gemba.words, Gemba.checks, Gemba.capture, Gemba.store.
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

  // A datetime-local value as the moment it names on this device.
  function moment(form, name) { return new Date(value(form, name)); }

  function zone() { return Intl.DateTimeFormat().resolvedOptions().timeZone; }

  // The id the server gave the form (so a form sent twice saves once), when it is one.
  function clientId(form, name) {
    var id = value(form, name);
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : null;
  }

  function problems(list) { return Promise.resolve({ problems: list }); }
  var PLAIN = Promise.resolve({ plain: true });

  // A new walk under the form's id, unless the server already has that one (the form sent
  // again, after Back): then it is only shown.
  function newWalk(form, fields, userId, startNow, said) {
    var id = clientId(form, "walk_id");
    return (id ? Gemba.store.record(id) : Promise.resolve(null)).then(function (known) {
      if (known) return { walk: id, record: id, said: said };
      if (id) fields.uuid = id;
      return Gemba.capture.planWalk(fields, userId, startNow).then(function (walk) {
        return { walk: walk.uuid, record: walk.uuid, said: said };
      });
    });
  }

  // The walk a form is about, as the device holds it; null when the device does not hold it
  // or it is no longer at `status` (the server then says what happened).
  function heldWalk(form, status) {
    return Gemba.store.walk(form.getAttribute("data-walk")).then(function (walk) {
      return walk && walk.status === status ? walk : null;
    });
  }

  // A walk's record as a form says it (Correct, Record a past walk): {fields} to keep, or the
  // problems with it, every one at once.
  // With its standard questions' answers (those of `kind` where the form asks both kinds'); a
  // form that asks none leaves the answers the walk has as they are.
  function readRecord(form, kind) {
    var start = moment(form, "started_at"), end = moment(form, "completed_at");
    var found = Gemba.checks.complete({ started: start, finished: end, spokenTo: value(form, "customers_spoken_to"),
      frontline_met: value(form, "frontline_met"), summary: value(form, "summary") }, Gemba.words.current(), Date.now());
    var asking = form.querySelector("[data-questions] [name^=answer_]") !== null;
    var asked = asking ? readAnswers(form, kind) : null;
    if (asked) found = found.concat(asked.missing);
    if (found.length) return { problems: found };
    var fields = {
      started_at: start.toISOString(), completed_at: end.toISOString(),
      customers_spoken_to: Number(value(form, "customers_spoken_to")), customer_ids: chosenIds(form),
      frontline_met: value(form, "frontline_met"), summary: value(form, "summary") };
    if (asked) fields.answers = asked.answers;
    return { fields: fields };
  }

  // The note a Correct observation form is about: the shell names it on the form, a server
  // page in its address.
  function noteOf(form) {
    var found = location.pathname.match(/\/observations\/([0-9a-f-]{36})\/correct/);
    return form.getAttribute("data-observation") || (found ? found[1] : "");
  }

  // What each capture form does when sent. Each answers {problems} to show, {plain: true}
  // when the server must do it, or {walk, record, said}: the walk's UUID, the outbox record
  // that carries the change, and the vocabulary's word for what was done.
  var SENDERS = {
    plan: function (form, submitter, userId, where) {
      var startNow = !!(submitter && submitter.name === "start_now");
      if (value(form, "repeat") || value(form, "new_customer_name")) {
        return where === "page" ? PLAIN : problems([say("server_only")]);
      }
      var vocab = Gemba.words.current();
      var when = new Date(value(form, "day") + "T" + value(form, "at"));
      var fields = { kind: checked(form, "kind"), planned_start: when, planned_minutes: Number(value(form, "planned_minutes")),
        timezone: zone(), place: value(form, "place"), purpose: value(form, "purpose"), customer_ids: chosenIds(form) };
      var found = Gemba.checks.plan({ kind: fields.kind, when: startNow ? new Date() : when, minutes: fields.planned_minutes,
        place: fields.place, purpose: fields.purpose }, vocab);
      if (found.length) return problems(found);
      fields.planned_start = when.toISOString();
      return newWalk(form, fields, userId, startNow, startNow ? "started" : "planned");
    },
    // Start a walk now: the form with a kind and a place, or Today's one button per kind.
    "start-now": function (form, submitter, userId) {
      var kind = submitter && submitter.name === "kind" ? submitter.value : checked(form, "kind");
      var place = form.elements.place ? value(form, "place") : "";
      var vocab = Gemba.words.current();
      var found = Gemba.checks.plan({ kind: kind, when: new Date(), minutes: vocab.defaults.walk_minutes, place: place, purpose: "" }, vocab);
      if (found.length) return problems(found);
      return newWalk(form, { kind: kind, place: place, timezone: zone() }, userId, true, "started");
    },
    start: function (form, submitter, userId) {
      return heldWalk(form, "planned").then(function (walk) {
        if (!walk) return { plain: true };
        return Gemba.capture.startWalk(walk, userId).then(function () {
          return { walk: walk.uuid, record: walk.uuid, said: "started" };
        });
      });
    },
    complete: function (form, submitter, userId) {
      var start = moment(form, "started_at"), end = moment(form, "completed_at");
      var found = Gemba.checks.complete({ started: start, finished: end, spokenTo: value(form, "customers_spoken_to"),
        frontline_met: value(form, "frontline_met"), summary: value(form, "summary") }, Gemba.words.current(), Date.now());
      var asked = readAnswers(form);
      found = found.concat(asked.missing);
      if (found.length) return problems(found);
      return heldWalk(form, "in_progress").then(function (walk) {
        if (!walk) return { plain: true };
        return Gemba.capture.completeWalk(walk, {
          started_at: start.toISOString(), completed_at: end.toISOString(),
          customers_spoken_to: Number(value(form, "customers_spoken_to")), customer_ids: chosenIds(form),
          frontline_met: value(form, "frontline_met"), summary: value(form, "summary"),
          answers: asked.answers
        }, userId).then(function () { return { walk: walk.uuid, record: walk.uuid, said: "completed" }; });
      });
    },
    // A done walk's record corrected: sent with the version it was corrected from.
    correct: function (form, submitter, userId) {
      var read = readRecord(form);
      if (read.problems) return problems(read.problems);
      return heldWalk(form, "done").then(function (walk) {
        if (!walk) return { plain: true };
        return Gemba.capture.correctWalk(walk, read.fields, userId).then(function () {
          return { walk: walk.uuid, record: walk.uuid, said: "corrected" };
        });
      });
    },
    "correct-observation": function (form, submitter, userId) {
      var fields = readObservation(form);
      var found = Gemba.checks.observation(fields, Gemba.words.current());
      if (found.length) return problems(found);
      var uuid = noteOf(form);
      return heldWalk(form, "done").then(function (walk) {
        var obs = walk && (walk.observations || []).filter(function (o) { return o.uuid === uuid; })[0];
        if (!obs) return { plain: true };
        return Gemba.capture.correctObservation(walk, obs, fields, userId).then(function () {
          return { walk: walk.uuid, record: obs.uuid, said: "corrected_observation" };
        });
      });
    },
    // A walk that already happened: a done walk at once, marked as recorded after the fact.
    "record-past": function (form, submitter, userId) {
      var kind = checked(form, "kind"), place = value(form, "place");
      var read = readRecord(form, kind);
      var found = Gemba.checks.plan({ kind: kind, when: new Date(), minutes: Gemba.words.current().defaults.walk_minutes,
        place: place, purpose: "" }, Gemba.words.current()).concat(read.problems || []);
      if (found.length) return problems(found);
      var id = clientId(form, "walk_id");
      return (id ? Gemba.store.record(id) : Promise.resolve(null)).then(function (known) {
        if (known) return { walk: id, record: id, said: "recorded" };
        var fields = Object.assign({ kind: kind, place: place, timezone: zone() }, read.fields);
        if (id) fields.uuid = id;
        return Gemba.capture.recordPast(fields, userId).then(function (walk) {
          return { walk: walk.uuid, record: walk.uuid, said: "recorded" };
        });
      });
    },
    observation: function (form, submitter, userId) {
      var fields = readObservation(form);
      var found = Gemba.checks.observation(fields, Gemba.words.current());
      if (found.length) return problems(found);
      var id = clientId(form, "observation_id");
      if (id) fields.uuid = id;
      var files = Array.prototype.slice.call((form.elements.photos && form.elements.photos.files) || []);
      var walkUuid = form.getAttribute("data-walk");
      return Promise.all(files.map(Gemba.capture.preparePhoto)).then(function (photos) {
        return Gemba.capture.addObservation(walkUuid, fields, photos, userId);
      }).then(function (obs) {
        // The next note is a new one.
        if (form.elements.observation_id) form.elements.observation_id.value = Gemba.capture.uuid();
        return { walk: walkUuid, record: obs.uuid, said: "observed", observation: obs };
      });
    }
  };

  // Send a capture form through the outbox (see SENDERS). `where` is "shell" (its problems
  // are shown on it) or "page": a server page lets the server say what is wrong, each field
  // marked, so a form with problems posts there.
  function send(form, submitter, userId, where) {
    var sender = SENDERS[form.getAttribute("data-capture")];
    if (!sender) return PLAIN;
    return sender(form, submitter, userId, where).then(function (result) {
      if (where === "page") return result.problems && result.problems.length ? { plain: true } : result;
      showProblems(form, result.problems || []);
      return result;
    });
  }

  // What a page says once `said` is done; `held` while only this device has it.
  function said(word, held) {
    var words = Gemba.words.current().said;
    return words[word] + (held ? " " + words.saved_here : "");
  }

  // A message carried to the next page (the walk's, once a step is done), said there once.
  var KEPT = "gembawalk-message";
  function keepMessage(text, recordUuid) {
    try { sessionStorage.setItem(KEPT, JSON.stringify({ text: text, uuid: recordUuid || null })); } catch (e) { /* private mode: no message */ }
  }
  function takeMessage() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
      sessionStorage.removeItem(KEPT);
      return kept;
    } catch (e) { return null; }
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
  // kind chosen shows (its answers are the ones read: readRecord); without, both, as before.
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
    send: send,
    said: said,
    keepMessage: keepMessage,
    takeMessage: takeMessage,
    enhance: enhance
  };
})(window.Gemba = window.Gemba || {});
