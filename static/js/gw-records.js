// Gemba Walk, a done walk's record on the device: Correct it (or one of its notes) for the days
// the server allows after it finished, and Record a past walk. The shell draws these pages with
// the server's own forms (the shell's <template>s, gw-forms.js), filled with what the device
// holds; they are sent through the outbox like every capture form.
// Module Gemba.records. Needs Gemba.status, Gemba.words, Gemba.forms, Gemba.capture.
(function (Gemba) {
  "use strict";

  var h = function () { return Gemba.status.h.apply(null, arguments); };
  var DAY = 24 * 60 * 60 * 1000;

  function pad(n) { return String(n).padStart(2, "0"); }
  // A moment as a datetime-local field holds it, on this device's clock.
  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function say(key, values) { return Gemba.words.say(Gemba.words.current(), key, values); }
  function title(walk) { return walk.place || Gemba.words.label(Gemba.words.current(), "walk_kind", walk.kind); }

  // Whether the walker may still correct this walk: done, and within the server's window after
  // it finished (the server has the last word: past it, it answers why).
  function correctable(walk, now) {
    if (!walk || walk.status !== "done" || !walk.completed_at) return false;
    return (now || Date.now()) <= new Date(walk.completed_at).getTime() + Gemba.words.current().limits.correct_days * DAY;
  }

  function kept(walk) {
    return h("p", { class: "muted", text: say("history_kept", { walk: title(walk) }) });
  }

  function choose(form, name, value) {
    var input = form.querySelector("input[name=" + name + "][value='" + String(value).replace(/[^a-z_]/g, "") + "']");
    if (input) input.checked = true;
  }

  // The server's Correct walk form, filled with the record as the device holds it.
  function correctPage(walk, customers) {
    var form = Gemba.forms.copy("correct");
    form.setAttribute("data-walk", walk.uuid);
    form.elements.started_at.value = localInput(new Date(walk.started_at));
    form.elements.completed_at.value = localInput(new Date(walk.completed_at));
    form.elements.customers_spoken_to.value = walk.customers_spoken_to === null || walk.customers_spoken_to === undefined ? "" : String(walk.customers_spoken_to);
    form.elements.frontline_met.value = walk.frontline_met || "";
    form.elements.summary.value = walk.summary || "";
    Gemba.forms.fillCustomers(form, customers, walk.customer_ids || []);
    // The questions this walk was asked, with the answers it holds.
    Gemba.forms.fillQuestions(form, walk.questions || [], walk.kind);
    Object.keys(walk.answers || {}).forEach(function (id) {
      var given = walk.answers[id];
      var boxes = form.querySelectorAll("[name='answer_" + String(id).replace(/[^0-9]/g, "") + "']");
      boxes.forEach(function (box) {
        if (box.type === "radio") box.checked = box.value === given;
        else box.value = given;
      });
    });
    form.querySelector("[data-back]").setAttribute("href", "/walks/" + walk.uuid);
    Gemba.forms.enhance(form);
    return [h("h1", { text: say("correct_walk") }), kept(walk), form];
  }

  // The server's Correct observation form, filled with what the note says.
  function correctObservationPage(walk, obs, customers) {
    var form = Gemba.forms.copy("correct-observation");
    form.setAttribute("data-walk", walk.uuid);
    form.setAttribute("data-observation", obs.uuid);
    Gemba.forms.fillCustomerChoice(form, customers);
    choose(form, "category", obs.category);
    choose(form, "said_by", obs.said_by);
    form.elements.waste_type.value = obs.waste_type || "";
    form.elements.customer_id.value = obs.customer_id ? String(obs.customer_id) : "";
    form.elements.text.value = obs.text || "";
    form.querySelector("[data-back]").setAttribute("href", "/walks/" + walk.uuid);
    Gemba.forms.enhance(form);
    return [h("h1", { text: say("correct_observation") }), kept(walk), form];
  }

  // The server's Record a past walk form, under a new id of the device's.
  function recordPastPage(customers, asked) {
    var form = Gemba.forms.copy("record-past");
    form.elements.walk_id.value = Gemba.capture.uuid();
    Gemba.forms.fillCustomers(form, customers, []);
    // Each kind's standard questions, as the server's form asks them; the kind chosen is read.
    Gemba.words.choices(Gemba.words.current(), "walk_kind").forEach(function (pair) {
      Gemba.forms.fillQuestions(form, (asked || {})[pair[0]] || [], pair[0]);
    });
    Gemba.forms.enhance(form);
    return [h("h1", { text: say("record_a_past_walk") }),
      h("p", { class: "muted", text: say("record_past_lead") }),
      form];
  }

  // Correct on a done walk's page, and on each of its notes.
  function correctLink(walk) {
    return h("p", {}, [h("a", { class: "button", href: "/walks/" + walk.uuid + "/correct", text: say("correct") })]);
  }
  function correctNoteLink(walk, obs) {
    // Its name says which note, in one sentence: "Correct this observation".
    return h("a", { class: "button button-quiet", href: "/walks/" + walk.uuid + "/observations/" + obs.uuid + "/correct",
      "aria-label": say("this_observation") }, [say("correct")]);
  }

  Gemba.records = {
    correctable: correctable,
    correctPage: correctPage,
    correctObservationPage: correctObservationPage,
    recordPastPage: recordPastPage,
    correctLink: correctLink,
    correctNoteLink: correctNoteLink
  };
})(window.Gemba = window.Gemba || {});
