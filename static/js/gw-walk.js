// Gemba Walk, one walk on the device as the server's walk page shows it: planned (its Start),
// under way (Add an observation, the tally, its questions), done (its record, questions and
// history), its observations with the state of each in the outbox; and its Complete form. The
// shell (gw-shell.js) finds the walk an address names and draws this page for it.
// Module Gemba.walk. Needs Gemba.status, Gemba.words, Gemba.forms, Gemba.capture, Gemba.tally,
// Gemba.records.
(function (Gemba) {
  "use strict";

  var h = function () { return Gemba.status.h.apply(null, arguments); };

  function vocab() { return Gemba.words.current(); }
  function say(key, values) { return Gemba.words.say(vocab(), key, values); }
  function label(kind, value) { return Gemba.words.label(vocab(), kind, value); }

  function zoneOf(walk) { return walk.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone; }

  // A moment in the page's language (<html lang>), in the walk's zone.
  function fmt(iso, zone, opts) {
    if (!iso) return "";
    return Gemba.words.when(vocab(), new Date(iso), opts, zone);
  }
  // A moment as the server's pages write it: "Fri 4 Dec 2026, 23:48" in the walk's zone, in the
  // page's language ("Gwen 4 Rhag 2026, 23:48").
  function stamp(iso, zone) {
    var parts = {};
    var opts = { weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var language = Gemba.words.language(vocab());
    try { new Intl.DateTimeFormat(language, Object.assign({ timeZone: zone }, opts)).formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; }); }
    catch (e) { return fmt(iso, undefined, opts); }
    var month = language === "en-GB" ? parts.month.slice(0, 3) : parts.month;
    return parts.weekday + " " + parts.day + " " + month + " " + parts.year + ", " + parts.hour + ":" + parts.minute;
  }

  function pad(n) { return String(n).padStart(2, "0"); }
  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function walkTitle(walk) { return walk.place || label("walk_kind", walk.kind); }

  function recordState(record) {
    if (!record) return null;
    return h("span", { class: "record-state", "data-record": record.uuid, "data-state": record.state, text: Gemba.status.stateText(record) });
  }

  // The server's Start form, for this walk.
  function startButton(walk) {
    var form = Gemba.forms.copy("start");
    form.setAttribute("data-walk", walk.uuid);
    return form;
  }

  // The server's Add an observation form, sent through the outbox.
  function observationForm(walk, customers) {
    var form = Gemba.forms.copy("observation");
    Gemba.forms.fillCustomerChoice(form, customers || []);
    form.setAttribute("data-walk", walk.uuid);
    form.elements.observation_id.value = Gemba.capture.uuid();
    Gemba.forms.enhance(form);
    return form;
  }

  function observationList(walk, records) {
    var list = (walk.observations || []).slice().sort(function (a, b) { return a.made_at < b.made_at ? 1 : -1; });
    return h("section", { "aria-labelledby": "obs-heading" }, [
      h("h2", { id: "obs-heading", class: "section-title" }, [say("observations") + " ", h("span", { class: "count", text: String(list.length) })]),
      h("ol", { class: "observations", reversed: true, "data-observations": "" }, list.length ? list.map(function (obs) {
        var photos = (obs.photos || []);
        return h("li", { class: "observation obs-" + obs.category }, [
          h("p", { class: "obs-meta" }, [
            h("span", { class: "badge badge-" + obs.category, text: label("category", obs.category) + (obs.waste_type ? ": " + label("waste_type", obs.waste_type) : "") }),
            h("span", { class: "muted", text: label("said_by", obs.said_by) + " · " + fmt(obs.made_at, zoneOf(walk), { hour: "2-digit", minute: "2-digit" }) }),
            recordState(records[obs.uuid])
          ]),
          h("p", { class: "prose", text: obs.text }),
          Gemba.records.correctable(walk) ? Gemba.records.correctNoteLink(walk, obs) : null,
          photos.length ? h("ul", { class: "photo-states" }, photos.map(function (p, i) {
            return h("li", {}, [say("photo_number", { number: i + 1 }) + " ", recordState(records[p.uuid]) || h("span", { class: "record-state", "data-state": "sent", text: say("state_sent") })]);
          })) : null
        ]);
      }) : [h("li", { class: "empty", text: say("no_observations") })])
    ]);
  }

  // A walk's standard questions as its page shows them (_macros/walks.html walk_questions):
  // under way, the questions it asks; done, each with its answer.
  function questionsCard(walk, asked) {
    // A walk started here keeps no copy until the server has it: its unit's are the ones it asked.
    var questions = walk.questions || (asked || {})[walk.kind] || [];
    if (!questions.length) return null;
    var vocab = Gemba.words.current(), words = vocab.questions, answers = walk.answers || {};
    var body;
    if (walk.status === "done") {
      body = h("dl", { class: "facts" }, questions.map(function (q) {
        var given = answers[String(q.id)];
        var shown = !given ? words.not_answered : q.answer_type === "yes_no" ? label("yes_no", given) : given;
        return h("div", {}, [h("dt", { text: q.text }), h("dd", { text: shown })]);
      }));
    } else {
      body = h("ol", {}, questions.map(function (q) {
        return h("li", {}, [q.text, q.required ? " " : null,
          q.required ? h("span", { class: "muted", text: say("questions_required") }) : null]);
      }));
    }
    return h("section", { class: "card stack", "aria-labelledby": "questions-heading", "data-walk-questions": "" }, [
      h("h2", { id: "questions-heading", text: words.heading }), body]);
  }

  // A done walk's "Corrected" block, as the server drew it for its page (walks/_history.html,
  // kept at the last pull: gw-pull.js keepHistories); nothing when it has no corrections.
  function historyOf(walk, histories) {
    var kept = (histories || {})[walk.uuid];
    if (!kept || !walk.corrections) return null;
    var holder = document.createElement("template");
    holder.innerHTML = kept.html;  // the server's own markup, its user text escaped there
    return holder.content.querySelector("section");
  }

  // A walk as the server's page shows it, from what the device holds (a walk it does not hold
  // is the shell's to say).
  function walkPage(walk, records, customers, asked, histories) {
    var zone = zoneOf(walk);
    var names = {};
    customers.forEach(function (c) { names[c.id] = c.name; });
    var line = walk.status === "in_progress"
      ? say("started_at", { time: fmt(walk.started_at, zone, { hour: "2-digit", minute: "2-digit" }) }) + (walk.purpose ? " · " + walk.purpose : "")
      : walk.recorded_after ? say("recorded_after")
      : walk.unplanned ? say("unplanned")
      : say("planned_for", { when: fmt(walk.planned_start, zone, { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }),
        minutes: walk.planned_minutes });
    var parts = [
      h("div", { class: "page-head" }, [h("div", {}, [
        h("p", { class: "eyebrow" }, [h("span", { class: "badge badge-" + walk.kind, text: label("walk_kind", walk.kind) }), " ",
          h("span", { class: "badge badge-" + walk.status, text: label("walk_status", walk.status) })]),
        h("h1", { text: walkTitle(walk) }),
        records[walk.uuid] ? h("p", { class: "walk-state" }, [recordState(records[walk.uuid])]) : null,
        h("p", { class: "muted", text: line })
      ])]),
      walk.purpose && walk.status !== "in_progress" ? h("p", { class: "lead", text: walk.purpose }) : null
    ];
    if (walk.status === "planned") {
      var planned = (walk.customer_ids || []).map(function (id) { return names[id]; }).filter(Boolean);
      parts.push(h("section", { class: "card stack" }, [
        planned.length ? h("p", {}, [h("strong", { text: say("customers") }), " " + planned.join(", ")]) : null,
        startButton(walk)]));
    }
    if (walk.status === "in_progress") {
      var form = observationForm(walk, customers);
      var chosen = new URLSearchParams(location.search).get("category");
      var chip = chosen && form.querySelector("input[name=category][value='" + chosen.replace(/[^a-z_]/g, "") + "']");
      if (chip) { chip.checked = true; chip.dispatchEvent(new Event("change", { bubbles: true })); }
      parts.push(h("section", { class: "card capture", id: "observe", "aria-labelledby": "observe-heading" }, [
        h("h2", { id: "observe-heading", text: say("add_an_observation") }), form]));
      if (Gemba.tally) parts.splice(parts.length - 1, 0, Gemba.tally.holder(walk));
      parts.push(questionsCard(walk, asked));
      parts.push(h("a", { class: "button button-block", href: "/walks/" + walk.uuid + "/complete", text: say("complete_walk") }));
    }
    if (walk.status === "done") parts.push(recordFacts(walk, customers), questionsCard(walk, asked));
    if (Gemba.records.correctable(walk)) parts.push(Gemba.records.correctLink(walk));
    if (walk.status === "done") parts.push(historyOf(walk, histories));
    if (walk.status === "cancelled") parts.push(h("section", { class: "card stack" }, [h("p", { text: say("cancelled") })]));
    if (walk.status !== "planned" && walk.status !== "cancelled" || (walk.observations || []).length) parts.push(observationList(walk, records));
    return parts;
  }

  // The server's Complete walk form, with the device's values, for a walk under way (the shell
  // sends any other to its page).
  function completePage(walk, customers, asked) {
    var form = Gemba.forms.copy("complete");
    form.setAttribute("data-walk", walk.uuid);
    form.elements.started_at.value = localInput(walk.started_at ? new Date(walk.started_at) : new Date());
    form.elements.completed_at.value = localInput(new Date());
    form.elements.frontline_met.value = walk.frontline_met || "";
    form.elements.summary.value = walk.summary || "";
    Gemba.forms.fillCustomers(form, customers, walk.customer_ids || []);
    // The questions the walk keeps, else (started here) those its unit asks of its kind.
    Gemba.forms.fillQuestions(form, walk.questions || (asked || {})[walk.kind] || [], walk.kind);
    form.querySelector("[data-back]").setAttribute("href", "/walks/" + walk.uuid);
    Gemba.forms.enhance(form);
    var count = (walk.observations || []).length;
    return [h("h1", { text: say("complete_walk") }),
      h("p", { class: "muted", text: walkTitle(walk) + " · " + Gemba.words.count(vocab(), "observations", count) }), form];
  }

  // The server's record of a done walk, filled in from the device.
  function recordFacts(walk, customers) {
    var zone = zoneOf(walk), section = Gemba.forms.copy("record");
    var names = {};
    customers.forEach(function (c) { names[c.id] = c.name; });
    var values = {
      started_at: stamp(walk.started_at, zone),
      completed_at: stamp(walk.completed_at, zone),
      customers_spoken_to: String(walk.customers_spoken_to),
      customers: (walk.customer_ids || []).map(function (id) { return names[id] || say("a_customer"); }).join(", ") || say("none_named"),
      frontline_met: walk.frontline_met || say("none_noted"),
      summary: walk.summary || ""
    };
    section.querySelectorAll("[data-fill]").forEach(function (el) { el.textContent = values[el.getAttribute("data-fill")]; });
    if (!walk.summary) section.querySelector("[data-fact=summary]").remove();
    return section;
  }

  Gemba.walk = {
    zoneOf: zoneOf,
    fmt: fmt,
    localInput: localInput,
    title: walkTitle,
    recordState: recordState,
    startButton: startButton,
    observationList: observationList,
    page: walkPage,
    completePage: completePage
  };
})(window.Gemba = window.Gemba || {});
