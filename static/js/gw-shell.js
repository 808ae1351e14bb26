// Gemba Walk app shell: with no signal (or opened cold from the home screen) it draws Today,
// the walks, a walk being recorded, the plan and complete forms, and the outbox from IndexedDB.
// Its words and limits are the server's (gw-words.js); its checks are gw-checks.js.
// Module Gemba.shell. Needs Gemba.status, Gemba.store, Gemba.capture, Gemba.sync,
// Gemba.outbox, Gemba.words, Gemba.checks.
(function (Gemba) {
  "use strict";

  var h = function () { return Gemba.status.h.apply(null, arguments); };
  var MINUTE = 60 * 1000;
  var root, me, flashText = "";

  function vocab() { return Gemba.words.current(); }
  function label(kind, value) { return Gemba.words.label(vocab(), kind, value); }
  function choices(kind) { return Gemba.words.choices(vocab(), kind); }
  function limited(field, attrs) { return Object.assign(attrs, Gemba.words.textAttributes(vocab(), field)); }

  function zoneOf(walk) { return walk.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone; }

  function fmt(iso, zone, opts) {
    if (!iso) return "";
    try { return new Date(iso).toLocaleString("en-GB", Object.assign({ timeZone: zone }, opts)); }
    catch (e) { return new Date(iso).toLocaleString("en-GB", opts); }
  }
  function dayKey(date) { return date.getFullYear() * 10000 + (date.getMonth() + 1) * 100 + date.getDate(); }
  function pad(n) { return String(n).padStart(2, "0"); }
  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }
  function walkTitle(walk) { return walk.place || label("walk_kind", walk.kind); }

  function go(path, message) {
    flashText = message || "";
    history.pushState({}, "", path);
    render();
    window.scrollTo(0, 0);
  }

  function field(labelText, control, hint, id) {
    return h("div", { class: "field" }, [
      h("label", { for: id, text: labelText }),
      hint ? h("p", { class: "hint", text: hint }) : null,
      control
    ]);
  }

  function radios(name, pairs, chosen, cls, legend) {
    return h("fieldset", { class: "field choices " + cls }, [
      h("legend", { class: "label", text: legend }),
      h("div", { class: "options" }, pairs.map(function (p) {
        var id = name + "-" + p[0];
        return h("label", { class: "option", for: id }, [
          h("input", { type: "radio", name: name, id: id, value: p[0], checked: p[0] === chosen }), p[1]]);
      }))
    ]);
  }

  function customerChecks(customers, chosen, legend) {
    if (!customers.length) return null;
    return h("fieldset", { class: "field choices list" }, [
      h("legend", { class: "label", text: legend }),
      h("ul", {}, customers.map(function (c) {
        var id = "customer-" + c.id;
        return h("li", {}, [h("input", { type: "checkbox", name: "customer_ids", id: id, value: c.id,
          checked: chosen.indexOf(c.id) !== -1 }), h("label", { for: id, text: c.name + " (" + label("customer_kind", c.kind).toLowerCase() + ")" })]);
      }))
    ]);
  }

  function errorBox(messages) {
    return h("div", { class: "form-errors", role: "alert", tabindex: "-1" }, messages.map(function (m) { return h("p", { text: m }); }));
  }

  function recordState(record) {
    if (!record) return null;
    return h("span", { class: "record-state", "data-record": record.uuid, "data-state": record.state, text: Gemba.status.stateText(record) });
  }

  function walkCard(walk, records, action) {
    var zone = zoneOf(walk);
    return h("article", { class: "walk-card" }, [
      h("a", { class: "walk-card-link", href: "/walks/" + walk.uuid }, [
        h("p", { class: "walk-when", text: fmt(walk.planned_start, zone, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }) }),
        h("h3", { class: "walk-title", text: walkTitle(walk) }),
        h("p", { class: "walk-meta" }, [
          h("span", { class: "badge badge-" + walk.kind, text: label("walk_kind", walk.kind) }),
          h("span", { class: "badge badge-" + walk.status, text: label("walk_status", walk.status) }),
          recordState(records[walk.uuid])
        ])
      ]),
      action || null
    ]);
  }

  function startButton(walk) {
    return h("form", { "data-start": walk.uuid }, [
      h("button", { type: "submit", class: "button button-primary button-block button-large", text: "Start" })]);
  }

  function onStart(event) {
    var form = event.target.closest("form[data-start]");
    if (!form) return;
    event.preventDefault();
    Gemba.store.walk(form.getAttribute("data-start")).then(function (walk) {
      return Gemba.capture.startWalk(walk, me.id).then(function () {
        go("/walks/" + walk.uuid, "Walk started. Saved on this device.");
      });
    });
  }

  // Today: the walk in progress, today's walks with Start, and what is coming up.
  function today(walks, records) {
    var now = new Date();
    var todayKey = dayKey(now);
    var live = walks.filter(function (w) { return w.status === "in_progress"; });
    var planned = walks.filter(function (w) { return w.status === "planned"; })
      .sort(function (a, b) { return a.planned_start < b.planned_start ? -1 : 1; });
    var todays = planned.filter(function (w) { return dayKey(new Date(w.planned_start)) === todayKey; });
    var later = planned.filter(function (w) { return dayKey(new Date(w.planned_start)) > todayKey; });
    return [
      h("div", { class: "page-head" }, [
        h("div", {}, [h("p", { class: "eyebrow", text: now.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" }) }),
          h("h1", { text: "Today" })]),
        h("a", { class: "button button-primary", href: "/walks/new", text: "Plan a walk" })
      ]),
      // No walk in progress, no section: one labelled by a heading that is not there is nameless.
      live.length ? h("section", { "aria-labelledby": "live-heading" }, [h("h2", { id: "live-heading", class: "visually-hidden", text: label("walk_status", "in_progress") })].concat(live.map(function (walk) {
        return h("section", { class: "card card-live" }, [
          h("p", { class: "eyebrow", text: "In progress since " + fmt(walk.started_at, zoneOf(walk), { hour: "2-digit", minute: "2-digit" }) }),
          h("h2", { text: walkTitle(walk) }),
          h("p", { class: "muted", text: label("walk_kind", walk.kind) + " · " + Gemba.status.plural((walk.observations || []).length, "observation") }),
          h("a", { class: "button button-primary button-block button-large", href: "/walks/" + walk.uuid, text: "Continue" })
        ]);
      }))) : null,
      h("section", { "aria-labelledby": "today-heading" }, [h("h2", { id: "today-heading", class: "section-title", text: "Planned for today" })]
        .concat(todays.length ? todays.map(function (w) { return walkCard(w, records, startButton(w)); })
          : [h("div", { class: "empty" }, [h("p", { text: "Nothing planned for today." })])])),
      later.length ? h("section", { "aria-labelledby": "next-heading" }, [h("h2", { id: "next-heading", class: "section-title", text: "Coming up" })]
        .concat(later.slice(0, 10).map(function (w) { return walkCard(w, records); }))) : null
    ];
  }

  function walksList(walks, records) {
    var sorted = walks.slice().sort(function (a, b) { return a.planned_start < b.planned_start ? 1 : -1; });
    return [h("h1", { text: "My walks" }),
      h("p", { class: "muted", text: "As saved on this device." })]
      .concat(sorted.length ? sorted.map(function (w) { return walkCard(w, records); })
        : [h("div", { class: "empty" }, [h("p", { text: "No walks saved on this device yet." })])]);
  }

  function observationForm(walk) {
    var form = h("form", { class: "stack", novalidate: true, "data-observe": walk.uuid }, [
      radios("category", choices("category"), null, "chips-field", "What did you see?"),
      h("div", { class: "field waste-type", hidden: true }, [
        h("label", { for: "waste_type", text: "Which waste?" }),
        h("select", { id: "waste_type", name: "waste_type" }, [h("option", { value: "", text: "Choose…" })]
          .concat(choices("waste_type").map(function (p) { return h("option", { value: p[0], text: p[1] }); })))
      ]),
      radios("said_by", choices("said_by"), vocab().defaults.said_by, "segmented", "Who said it?"),
      field("Note", h("textarea", limited("observation", { id: "text", name: "text", rows: "4" })), null, "text"),
      field("Photos", h("input", { type: "file", id: "photos", name: "photos", accept: "image/*", multiple: true }),
        "Optional. Kept on this phone until sent; made smaller first.", "photos"),
      h("div", { class: "sticky-actions" }, [h("button", { type: "submit", class: "button button-primary button-large button-block", text: "Add" })])
    ]);
    form.addEventListener("change", function (event) {
      if (event.target.name !== "category") return;
      form.querySelector(".waste-type").hidden = event.target.value !== "waste";
      form.querySelector("textarea").focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var category = form.querySelector("input[name=category]:checked");
      var fields = {
        category: category ? category.value : "",
        waste_type: form.querySelector("select").value || null,
        said_by: (form.querySelector("input[name=said_by]:checked") || {}).value || vocab().defaults.said_by,
        text: form.querySelector("textarea").value.trim()
      };
      var problems = Gemba.checks.observation(fields, vocab());
      var old = form.querySelector(".form-errors");
      if (old) old.remove();
      if (problems.length) { form.insertBefore(errorBox(problems), form.firstChild).focus(); return; }
      var files = Array.prototype.slice.call(form.querySelector("input[type=file]").files || []);
      form.querySelector("[type=submit]").disabled = true;
      Promise.all(files.map(Gemba.capture.preparePhoto)).then(function (photos) {
        return Gemba.capture.addObservation(walk.uuid, fields, photos, me.id);
      }).then(function () { go(location.pathname, "Observation saved on this device."); });
    });
    return form;
  }

  function observationList(walk, records) {
    var list = (walk.observations || []).slice().sort(function (a, b) { return a.made_at < b.made_at ? 1 : -1; });
    return h("section", { "aria-labelledby": "obs-heading" }, [
      h("h2", { id: "obs-heading", class: "section-title" }, ["Observations ", h("span", { class: "count", text: String(list.length) })]),
      h("ol", { class: "observations", reversed: true }, list.length ? list.map(function (obs) {
        var photos = (obs.photos || []);
        return h("li", { class: "observation obs-" + obs.category }, [
          h("p", { class: "obs-meta" }, [
            h("span", { class: "badge badge-" + obs.category, text: label("category", obs.category) + (obs.waste_type ? ": " + label("waste_type", obs.waste_type) : "") }),
            h("span", { class: "muted", text: label("said_by", obs.said_by) + " · " + fmt(obs.made_at, zoneOf(walk), { hour: "2-digit", minute: "2-digit" }) }),
            recordState(records[obs.uuid])
          ]),
          h("p", { class: "prose", text: obs.text }),
          photos.length ? h("ul", { class: "photo-states" }, photos.map(function (p, i) {
            return h("li", {}, ["Photo " + (i + 1) + " ", recordState(records[p.uuid]) || h("span", { class: "record-state", "data-state": "sent", text: "Sent" })]);
          })) : null
        ]);
      }) : [h("li", { class: "empty", text: "No observations yet. What matters to the customer, in their own words?" })])
    ]);
  }

  function walkPage(walk, records) {
    if (!walk) return notFound();
    var zone = zoneOf(walk);
    var parts = [
      h("div", { class: "page-head" }, [h("div", {}, [
        h("p", { class: "eyebrow" }, [h("span", { class: "badge badge-" + walk.kind, text: label("walk_kind", walk.kind) }), " ",
          h("span", { class: "badge badge-" + walk.status, text: label("walk_status", walk.status) })]),
        h("h1", { text: walkTitle(walk) }),
        records[walk.uuid] ? h("p", { class: "walk-state" }, [recordState(records[walk.uuid])]) : null,
        h("p", { class: "muted", text: walk.status === "in_progress"
          ? "Started " + fmt(walk.started_at, zone, { hour: "2-digit", minute: "2-digit" }) + (walk.purpose ? " · " + walk.purpose : "")
          : "Planned for " + fmt(walk.planned_start, zone, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }) })
      ])])
    ];
    if (walk.status === "planned") parts.push(h("section", { class: "card stack" }, [walk.purpose ? h("p", { text: walk.purpose }) : null, startButton(walk)]));
    if (walk.status === "in_progress") {
      parts.push(h("section", { class: "card capture", "aria-labelledby": "observe-heading" }, [
        h("h2", { id: "observe-heading", text: "Add an observation" }), observationForm(walk)]));
      parts.push(h("a", { class: "button button-block", href: "/walks/" + walk.uuid + "/complete", text: "Complete walk" }));
    }
    if (walk.status === "done") {
      parts.push(h("section", { class: "card stack" }, [h("h2", { text: "Record" }), h("dl", { class: "facts" }, [
        h("div", {}, [h("dt", { text: "Finished" }), h("dd", { text: fmt(walk.completed_at, zone, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }) })]),
        h("div", {}, [h("dt", { text: "Customers spoken to" }), h("dd", { text: String(walk.customers_spoken_to) })])
      ]), walk.summary ? h("p", { class: "prose", text: walk.summary }) : null]));
    }
    if (walk.status !== "planned") parts.push(observationList(walk, records));
    return parts;
  }

  function completePage(walk, customers) {
    if (!walk) return notFound();
    if (walk.status !== "in_progress") { go("/walks/" + walk.uuid); return []; }
    var started = walk.started_at ? new Date(walk.started_at) : new Date();
    var form = h("form", { class: "card stack", novalidate: true }, [
      h("div", { class: "row" }, [
        h("div", { class: "grow" }, [field("Started", h("input", { type: "datetime-local", id: "started_at", name: "started_at", value: localInput(started) }), null, "started_at")]),
        h("div", { class: "grow" }, [field("Finished", h("input", { type: "datetime-local", id: "completed_at", name: "completed_at", value: localInput(new Date()) }), null, "completed_at")])
      ]),
      field("How many customers did you speak with?", h("input", { type: "number", id: "customers_spoken_to", name: "customers_spoken_to",
        min: "0", max: String(vocab().limits.customers_spoken_to_max), inputmode: "numeric" }),
        "Customers you actually spoke with. Only external customers count as customer engagement.", "customers_spoken_to"),
      customerChecks(customers, walk.customer_ids || [], "Customers met"),
      field("Frontline people met", h("input", limited("frontline_met", { type: "text", id: "frontline_met", name: "frontline_met", value: walk.frontline_met || "" })), null, "frontline_met"),
      field("Summary", h("textarea", limited("summary", { id: "summary", name: "summary", rows: "4" }), []), null, "summary"),
      h("div", { class: "actions" }, [h("button", { type: "submit", class: "button button-primary button-large", text: "Complete walk" }),
        h("a", { class: "button button-quiet", href: "/walks/" + walk.uuid, text: "Back to the walk" })])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = function (name) { return form.elements[name].value; };
      var count = value("customers_spoken_to");
      var start = new Date(value("started_at")), end = new Date(value("completed_at"));
      var problems = Gemba.checks.complete({ started: start, finished: end, spokenTo: count,
        frontline_met: value("frontline_met").trim(), summary: value("summary").trim() }, vocab(), Date.now());
      var old = form.querySelector(".form-errors");
      if (old) old.remove();
      if (problems.length) { form.insertBefore(errorBox(problems), form.firstChild).focus(); return; }
      var chosen = Array.prototype.filter.call(form.querySelectorAll("input[name=customer_ids]:checked"), function () { return true; })
        .map(function (input) { return Number(input.value); });
      Gemba.capture.completeWalk(walk, {
        started_at: start.toISOString(), completed_at: end.toISOString(), customers_spoken_to: Number(count),
        customer_ids: chosen, frontline_met: value("frontline_met").trim(), summary: value("summary").trim()
      }, me.id).then(function () { go("/walks/" + walk.uuid, "Walk done. Saved on this device."); });
    });
    return [h("h1", { text: "Complete walk" }), h("p", { class: "muted", text: walkTitle(walk) }), form];
  }

  function planPage(customers) {
    var soon = new Date(Date.now() + 30 * MINUTE);
    soon.setMinutes(soon.getMinutes() < 30 ? 30 : 60, 0, 0);
    var form = h("form", { class: "card stack", novalidate: true }, [
      radios("kind", choices("walk_kind"), null, "segmented", "Kind of walk"),
      h("div", { class: "row" }, [
        h("div", { class: "grow" }, [field("Day", h("input", { type: "date", id: "day", name: "day", value: localInput(soon).slice(0, 10) }), null, "day")]),
        h("div", { class: "grow" }, [field("Time", h("input", { type: "time", id: "at", name: "at", value: localInput(soon).slice(11) }), null, "at")])
      ]),
      field("How long", h("select", { id: "planned_minutes", name: "planned_minutes" }, vocab().limits.walk_minutes.map(function (p) {
        return h("option", { value: String(p[0]), text: p[1], selected: p[0] === vocab().defaults.walk_minutes });
      })), null, "planned_minutes"),
      field("Place", h("input", limited("place", { type: "text", id: "place", name: "place" })), null, "place"),
      field("Purpose", h("textarea", limited("purpose", { id: "purpose", name: "purpose", rows: "3" })), null, "purpose"),
      customerChecks(customers, [], "Customers you mean to meet"),
      h("div", { class: "actions" }, [
        h("button", { type: "submit", class: "button button-primary button-large", name: "plan", text: "Plan walk" }),
        h("button", { type: "submit", class: "button button-large", name: "start_now", text: "Start now" })])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var startNow = event.submitter && event.submitter.name === "start_now";
      var kind = form.querySelector("input[name=kind]:checked");
      var when = new Date(form.elements.day.value + "T" + form.elements.at.value);
      var minutes = Number(form.elements.planned_minutes.value);
      var place = form.elements.place.value.trim(), purpose = form.elements.purpose.value.trim();
      var problems = Gemba.checks.plan({ kind: kind ? kind.value : "", when: when, minutes: minutes,
        place: place, purpose: purpose }, vocab());
      var old = form.querySelector(".form-errors");
      if (old) old.remove();
      if (problems.length) { form.insertBefore(errorBox(problems), form.firstChild).focus(); return; }
      Gemba.capture.planWalk({
        kind: kind.value, planned_start: (startNow ? new Date() : when).toISOString(), planned_minutes: minutes,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        place: place, purpose: purpose,
        customer_ids: Array.prototype.map.call(form.querySelectorAll("input[name=customer_ids]:checked"), function (i) { return Number(i.value); })
      }, me.id, startNow).then(function (walk) {
        go("/walks/" + walk.uuid, startNow ? "Walk started. Saved on this device." : "Walk planned. Saved on this device.");
      });
    });
    return [h("h1", { text: "Plan a walk" }), form];
  }

  function describe(record, walks) {
    var walk = walks[record.walkUuid];
    var title = walk ? walkTitle(walk) : "a walk";
    if (record.type === "walk") return "Walk: " + (record.body.place || title) + " (" + label("walk_status", record.body.status) + ")";
    if (record.type === "observation") return "Observation on " + title + ": " + (record.body.text || "").slice(0, 80);
    return "Photo for an observation on " + title;
  }

  function download(records) {
    var unsent = records.filter(function (r) { return r.state !== "sent"; }).map(function (r) {
      var copy = Object.assign({}, r, { body: Object.assign({}, r.body) });
      if (copy.body.data instanceof ArrayBuffer) {
        var bytes = new Uint8Array(copy.body.data), text = "";
        for (var i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        copy.body.data_base64 = btoa(text);
        delete copy.body.data;
      }
      return copy;
    });
    var file = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), records: unsent }, null, 2)], { type: "application/json" });
    var link = h("a", { href: URL.createObjectURL(file), download: "gemba-walk-unsent-" + new Date().toISOString().slice(0, 10) + ".json" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function outboxPage(records, walkList) {
    var walks = {};
    walkList.forEach(function (w) { walks[w.uuid] = w; });
    var unsent = records.filter(function (r) { return r.state !== "sent"; });
    var sent = records.filter(function (r) { return r.state === "sent"; }).slice(-20).reverse();
    var byUuid = Gemba.outbox.byUuid(records);
    function item(r) {
      var other = me && r.userId !== me.id && r.state === "pending";
      var blocked = r.state === "pending" && Gemba.outbox.waitsForParent(r, byUuid);
      return h("li", { class: "outbox-item state-" + r.state, "data-outbox-record": r.uuid }, [
        h("p", { class: "outbox-what", text: describe(r, walks) }),
        h("p", { class: "obs-meta" }, [recordState(r),
          h("span", { class: "muted", text: "saved " + Gemba.status.timeLabel(r.createdAt) + (r.attempts ? " · " + Gemba.status.plural(r.attempts, "try") .replace("trys", "tries") : "") })]),
        other ? h("p", { class: "muted small", text: "Made under another account: waits for that person to sign in." }) : null,
        blocked ? h("p", { class: "muted small", text: "Waits until what it belongs to has been sent." }) : null,
        r.state === "conflict" ? h("p", {}, [h("a", { href: r.conflictUrl || "/sync/conflicts", text: "Resolve the conflict" })]) : null
      ]);
    }
    return [
      h("div", { class: "page-head" }, [h("h1", { text: "Outbox" }),
        h("div", { class: "actions" }, [
          h("button", { type: "button", class: "button button-primary", text: "Sync now", onclick: function () { Gemba.sync.syncNow(); } }),
          h("button", { type: "button", class: "button", text: "Download unsent", "data-download": true, disabled: !unsent.length, onclick: function () { download(records); } })])]),
      h("p", { class: "muted", text: "What you record is saved on this device first, then sent. “Sent” means the server has confirmed it." }),
      h("section", { "aria-labelledby": "unsent-heading" }, [h("h2", { id: "unsent-heading", class: "section-title" }, ["Not sent yet ", h("span", { class: "count", text: String(unsent.length) })]),
        unsent.length ? h("ul", { class: "outbox-list" }, unsent.map(item)) : h("div", { class: "empty" }, [h("p", { text: "Nothing waiting: everything is sent." })])]),
      sent.length ? h("section", { "aria-labelledby": "sent-heading" }, [h("h2", { id: "sent-heading", class: "section-title", text: "Recently sent" }),
        h("ul", { class: "outbox-list" }, sent.map(item))]) : null
    ];
  }

  function notFound() {
    return [h("h1", { text: "Not on this device" }),
      h("p", { text: "This page is not saved on this device. It opens when you have signal." }),
      h("p", {}, [h("a", { href: "/", text: "Back to Today" })])];
  }

  function needsAccount() {
    return [h("h1", { text: "Gemba Walk" }),
      h("p", { text: "Sign in once while you have signal: your walks are then kept on this device for when there is none." }),
      h("p", {}, [h("a", { class: "button button-primary", href: "/sign-in", text: "Sign in" })])];
  }

  function render() {
    var path = location.pathname.replace(/\/+$/, "") || "/";
    var match = path.match(/^\/walks\/([0-9a-f-]{36})(\/complete|\/edit)?$/);
    var section = path === "/" || path === "/app" ? "today" : path === "/outbox" ? "outbox"
      : path === "/walks/new" ? "plan" : path.indexOf("/walks") === 0 ? "walks" : "";
    document.querySelectorAll("[data-nav]").forEach(function (a) {
      var on = a.getAttribute("data-nav") === section;
      a.classList.toggle("is-active", on);
      if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    return Promise.all([Gemba.store.getMeta("me"), Gemba.store.records(), Gemba.store.customers(), Gemba.store.getMeta("pulledAt")])
      .then(function (found) {
        me = found[0];
        var records = Gemba.outbox.byUuid(found[1]);
        if (!me && section !== "outbox") return needsAccount();
        return (me ? Gemba.store.walks(me.id) : Promise.resolve([])).then(function (walks) {
          var walk = match && walks.filter(function (w) { return w.uuid === match[1]; })[0];
          var view;
          if (section === "outbox") view = outboxPage(found[1], walks);
          else if (match && match[2] === "/complete") view = completePage(walk, found[2]);
          else if (match) view = walkPage(walk, records);
          else if (section === "plan") view = planPage(found[2]);
          else if (section === "walks") view = walksList(walks, records);
          else if (section === "today") view = today(walks, records);
          else view = notFound();
          if (!match && (section === "today" || section === "walks")) {
            view.splice(1, 0, h("p", { class: "muted small synced-note", text: "As last synced " + Gemba.status.timeLabel(found[3]) + "." }));
          }
          return view;
        });
      }).then(function (view) {
        var title = view[0] && view[0].textContent;
        document.title = (section === "today" ? "Today" : section === "outbox" ? "Outbox" : (root.querySelector("h1") || {}).textContent || "Gemba Walk") + " · Gemba Walk";
        var parts = flashText ? [h("div", { class: "flashes", role: "status" }, [h("p", { class: "flash flash-success", text: flashText })])] : [];
        root.replaceChildren.apply(root, parts.concat(view.filter(Boolean)));
        var heading = root.querySelector("h1");
        if (heading) document.title = heading.textContent + " · Gemba Walk";
        flashText = "";
        return title;
      }).catch(function (error) {
        console.error(error);
        root.replaceChildren(h("p", { class: "form-errors", text: "This device could not open what it saved: " + error }));
      });
  }

  Gemba.shell = {
    start: function () {
      root = document.querySelector("[data-shell]");
      Gemba.status.ui.forceShow = true;
      root.addEventListener("submit", onStart);
      // Offline, moving around stays inside the shell; online, links reach the server's pages.
      document.addEventListener("click", function (event) {
        var link = event.target.closest("a[href]");
        if (!link || navigator.onLine || link.origin !== location.origin || link.hasAttribute("download")) return;
        if (link.pathname.indexOf("/static/") === 0) return;
        event.preventDefault();
        go(link.pathname);
      });
      window.addEventListener("popstate", render);
      // When the outbox moves on, the states shown move with it (the outbox page is redrawn).
      // Views without a form are redrawn as the outbox moves on and fresh walks arrive.
      Gemba.sync.onChange(function () {
        var path = location.pathname.replace(/\/+$/, "") || "/";
        if (["/", "/app", "/walks", "/outbox"].indexOf(path) !== -1) render();
      });
      render();
    },
    render: render
  };
})(window.Gemba = window.Gemba || {});
