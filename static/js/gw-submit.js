// Gemba Walk, a capture form sent: with JavaScript every capture form, on a server page or in
// the shell, is read, checked and written to the device's outbox the same way (send); only what
// the server alone can do (repeating a walk, a new customer) goes as a plain post. And what a
// page says once a step is done, carried to the next page. The forms themselves are gw-forms.js's.
// Module Gemba.submit. Needs Gemba.words, Gemba.checks, Gemba.capture, Gemba.store, Gemba.forms.
(function (Gemba) {
  "use strict";

  function say(key, values) { return Gemba.words.say(Gemba.words.current(), key, values); }
  function checked(form, name) { return Gemba.forms.checked(form, name); }
  function value(form, name) { return Gemba.forms.value(form, name); }
  function chosenIds(form) { return Gemba.forms.chosenIds(form); }
  function readObservation(form) { return Gemba.forms.readObservation(form); }
  function readAnswers(form, kind) { return Gemba.forms.readAnswers(form, kind); }
  function showProblems(form, problems) { return Gemba.forms.showProblems(form, problems); }

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

  Gemba.submit = {
    send: send,
    said: said,
    keepMessage: keepMessage,
    takeMessage: takeMessage
  };
})(window.Gemba = window.Gemba || {});
