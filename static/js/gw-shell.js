// Gemba Walk app shell: with no signal (or opened cold from the home screen) it draws Today,
// the walks, a walk being recorded and the outbox from IndexedDB. Its forms are the server's own,
// copied from the shell's <template>s (gw-forms.js); its words and limits are the server's too.
// A walk's own page is gw-walk.js's; this module finds the page an address asks for and draws it.
// Module Gemba.shell. Needs Gemba.status, Gemba.store, Gemba.capture, Gemba.pull, Gemba.sync,
// Gemba.outbox, Gemba.words, Gemba.forms, Gemba.submit, Gemba.records, Gemba.walk.
(function (Gemba) {
  "use strict";

  var h = function () { return Gemba.status.h.apply(null, arguments); };
  var MINUTE = 60 * 1000;
  var root, me;
  // The message a step leaves, kept while it is true: one naming a record goes once it is sent.
  var flash = null;
  var dirty = false;  // something typed into the page's form: a sync must not redraw it away
  var customerNames = {};  // the register as last synced, by id, for the page being drawn

  function vocab() { return Gemba.words.current(); }
  function say(key, values) { return Gemba.words.say(vocab(), key, values); }
  function count(key, n) { return Gemba.words.count(vocab(), key, n); }
  function label(kind, value) { return Gemba.words.label(vocab(), kind, value); }
  function choices(kind) { return Gemba.words.choices(vocab(), kind); }

  // A walk's moments, title, record state and Start form, as its page draws them (gw-walk.js).
  function zoneOf(walk) { return Gemba.walk.zoneOf(walk); }
  function fmt(iso, zone, opts) { return Gemba.walk.fmt(iso, zone, opts); }
  function localInput(date) { return Gemba.walk.localInput(date); }
  function walkTitle(walk) { return Gemba.walk.title(walk); }
  function recordState(record) { return Gemba.walk.recordState(record); }
  function startButton(walk) { return Gemba.walk.startButton(walk); }

  function dayKey(date) { return date.getFullYear() * 10000 + (date.getMonth() + 1) * 100 + date.getDate(); }

  function go(path, message, recordUuid) {
    flash = message ? { text: message, uuid: recordUuid || null } : null;
    history.pushState({}, "", path);
    render();
    window.scrollTo(0, 0);
  }

  function sayProblems(form, problems) { return Gemba.forms.showProblems(form, problems); }

  function busy(form, on) {
    form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = on; });
  }

  // A walk's card as the server's macro draws it (templates/_macros/walks.html walk_card).
  function walkCard(walk, records, action) {
    var zone = zoneOf(walk);
    var at = walk.status === "done" ? walk.completed_at : walk.planned_start;
    var notes = (walk.observations || []).length;
    // By name, as the server lists a walk's customers.
    var met = (walk.customer_ids || []).map(function (id) { return customerNames[id]; }).filter(Boolean).sort();
    return h("article", { class: "walk-card" }, [
      h("a", { class: "walk-card-link", href: "/walks/" + walk.uuid }, [
        h("p", { class: "walk-when", text: Gemba.words.dayLabel(vocab(), new Date(at), new Date()) + ", " + fmt(at, zone, { hour: "2-digit", minute: "2-digit" }) }),
        h("h3", { class: "walk-title", text: walkTitle(walk) }),
        h("p", { class: "walk-meta" }, [
          h("span", { class: "badge badge-" + walk.kind, text: label("walk_kind", walk.kind) }), " ",
          h("span", { class: "badge badge-" + walk.status, text: label("walk_status", walk.status) }), " ",
          notes ? h("span", { class: "nowrap muted", text: count("observations", notes) }) : null,
          recordState(records[walk.uuid])
        ]),
        met.length ? h("p", { class: "walk-customers", text: say("with_customers", { customers: met.join(", ") }) }) : null,
        walk.purpose ? h("p", { class: "walk-purpose", text: walk.purpose }) : null
      ]),
      action || null
    ]);
  }

  // Every capture form is sent one way (gw-submit.js): to the outbox, then to the walk's page
  // with what was done ("Saved on this device" until the server has it).
  function onSubmit(event) {
    var form = event.target.closest("form[data-capture]");
    if (!form) return;
    event.preventDefault();
    busy(form, true);
    Gemba.submit.send(form, event.submitter, me.id, "shell").then(function (result) {
      if (!result.walk) { busy(form, false); return; }
      go("/walks/" + result.walk, Gemba.submit.said(result.said, true), result.record);
    }).catch(function (error) {
      busy(form, false);
      sayProblems(form, [say("could_not_keep", { error: error })]);
    });
  }

  // Start a walk now in one tap: the server's button per kind.
  function startNowButtons() {
    var form = Gemba.forms.copy("start-now-quick");
    form.elements.walk_id.value = Gemba.capture.uuid();
    return form;
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
    var doneToday = walks.filter(function (w) { return w.status === "done" && w.completed_at && dayKey(new Date(w.completed_at)) === todayKey; })
      .sort(function (a, b) { return a.completed_at < b.completed_at ? -1 : 1; });
    return [
      h("div", { class: "page-head" }, [
        h("div", {}, [h("p", { class: "eyebrow", text: Gemba.words.when(vocab(), now, { weekday: "long", day: "numeric", month: "long" }) }),
          h("h1", { text: say("today") })]),
        h("a", { class: "button button-primary", href: "/walks/new", text: say("plan_a_walk") })
      ])
    ].concat(live.map(function (walk, i) {
      var title = walkTitle(walk);
      return h("section", { class: "card card-live", "aria-labelledby": "live-" + (i + 1) }, [
        h("p", { class: "eyebrow" }, [h("span", { class: "pulse", "aria-hidden": "true" }), " " + say("in_progress_since", { time: fmt(walk.started_at, zoneOf(walk), { hour: "2-digit", minute: "2-digit" }) })]),
        h("h2", { id: "live-" + (i + 1), text: title }),
        h("p", { class: "muted", text: label("walk_kind", walk.kind) + " · " + count("observations", (walk.observations || []).length) }),
        h("a", { class: "button button-primary button-block button-large", href: "/walks/" + walk.uuid, text: say("continue") }),
        h("p", { class: "label quick-label", text: say("add_an_observation") }),
        h("ul", { class: "chips", "aria-label": say("add_an_observation_to", { walk: title }) }, choices("category").map(function (pair) {
          return h("li", {}, [h("a", { class: "chip chip-" + pair[0], href: "/walks/" + walk.uuid + "?category=" + pair[0], text: pair[1] })]);
        }))
      ]);
    }), [
      h("section", { class: "today-walks", "aria-labelledby": "today-heading" }, [h("h2", { id: "today-heading", class: "section-title", text: say("planned_for_today") })]
        .concat(todays.length ? todays.map(function (w) { return walkCard(w, records, startButton(w)); })
          : [h("div", { class: "empty" }, [h("p", { text: live.length ? say("nothing_else_today") : say("nothing_today") })])])),
      startNowButtons(),
      h("p", { class: "muted" }, [h("a", { href: "/walks/start-now", text: say("name_the_place_first") }), " · ",
        h("a", { href: "/walks/record", text: say("record_a_past_walk") })]),
      // The server's Today has the figures here: they are the server's to count.
      doneToday.length ? h("section", { "aria-labelledby": "done-heading" }, [h("h2", { id: "done-heading", class: "section-title", text: say("done_today") })]
        .concat(doneToday.map(function (w) { return walkCard(w, records); }))) : null,
      later.length ? h("section", { "aria-labelledby": "next-heading" }, [h("h2", { id: "next-heading", class: "section-title", text: say("coming_up") })]
        .concat(later.slice(0, vocab().today.coming_up).map(function (w) { return walkCard(w, records); }),
          [h("p", {}, [h("a", { href: "/walks/", text: say("all_my_walks") })])])) : null
    ]);
  }

  // The walks the device holds, by status (the vocabulary's order), newest first.
  function walksList(walks, records) {
    var sorted = walks.slice().sort(function (a, b) { return a.planned_start < b.planned_start ? 1 : -1; });
    var parts = [h("div", { class: "page-head" }, [h("h1", { text: say("my_walks") }),
      h("a", { class: "button button-primary", href: "/walks/new", text: say("plan_a_walk") })])];
    if (!sorted.length) return parts.concat([h("div", { class: "empty" }, [h("p", { text: say("no_walks_here") })])]);
    choices("walk_status").forEach(function (pair) {
      var these = sorted.filter(function (w) { return w.status === pair[0]; });
      if (!these.length) return;
      parts.push(h("section", { "aria-labelledby": "walks-" + pair[0] }, [
        h("h2", { id: "walks-" + pair[0], class: "section-title", text: pair[1] })
      ].concat(these.map(function (w) { return walkCard(w, records); }))));
    });
    return parts;
  }


  // A tally tapped or undone (gw-tally.js): the walk's observations drawn again in place,
  // leaving the counters, their message and what has focus as they are.
  function redrawObservations(event) {
    var walkUuid = event.detail && event.detail.walk;
    Promise.all([Gemba.store.walk(walkUuid), Gemba.store.records()]).then(function (found) {
      var shown = root.querySelector("[data-observations]");
      if (!found[0] || !shown) return;
      shown.closest("section").replaceWith(Gemba.walk.observationList(found[0], Gemba.outbox.byUuid(found[1])));
    });
  }

  // Complete a walk under way; past that, the walk's page.
  function completingPage(walk, customers, asked) {
    if (!walk) return notFound();
    if (walk.status !== "in_progress") { go("/walks/" + walk.uuid); return []; }
    return Gemba.walk.completePage(walk, customers, asked);
  }

  // Correct a done walk, or one of its notes (`obsUuid`), while it may be corrected; past that,
  // the walk's page.
  function correctingPage(walk, obsUuid, customers) {
    if (!walk) return notFound();
    var obs = obsUuid && (walk.observations || []).filter(function (o) { return o.uuid === obsUuid; })[0];
    if (!Gemba.records.correctable(walk) || (obsUuid && !obs)) { go("/walks/" + walk.uuid); return []; }
    return obs ? Gemba.records.correctObservationPage(walk, obs, customers) : Gemba.records.correctPage(walk, customers);
  }

  // The server's Plan a walk form. Repeating and adding to the register are the server's to
  // do: the device says so rather than drop them.
  function planPage(customers) {
    var soon = new Date(Date.now() + 30 * MINUTE);
    soon.setMinutes(soon.getMinutes() < 30 ? 30 : 60, 0, 0);
    var form = Gemba.forms.copy("plan");
    form.elements.walk_id.value = Gemba.capture.uuid();
    form.elements.day.value = localInput(soon).slice(0, 10);
    form.elements.at.value = localInput(soon).slice(11);
    Gemba.forms.fillCustomers(form, customers, []);
    Gemba.forms.enhance(form);
    return [h("h1", { text: say("plan_a_walk") }), form];
  }

  // The server's Start a walk now form: a walk with no plan, started at once.
  function startNowPage() {
    var form = Gemba.forms.copy("start-now");
    form.elements.walk_id.value = Gemba.capture.uuid();
    return [h("h1", { text: say("start_a_walk_now") }),
      h("p", { class: "muted", text: say("no_plan_needed") }), form];
  }

  // More: what a manager reaches from the bottom bar's More, the outbox always among it.
  function morePage() {
    function entry(href, text, hint) {
      return h("li", {}, [h("a", { class: "menu-link", href: href }, [h("span", { class: "menu-text" }, [
        h("span", { text: text }), h("span", { class: "menu-hint", text: hint })])])]);
    }
    return [h("h1", { text: say("more") }),
      h("ul", { class: "menu card" }, [
        entry("/walks/new", say("plan_a_walk"), say("plan_hint")),
        entry("/outbox", say("outbox"), say("outbox_hint")),
        entry("/account", say("account"), say("account_hint"))])];
  }

  function describe(record, walks) {
    var walk = walks[record.walkUuid];
    // Each sentence whole: one naming the walk, one for a walk the device no longer holds.
    var title = walk ? walkTitle(walk) : null, known = title ? "" : "_unknown";
    if (record.type === "walk") return say("outbox_walk", { place: record.body.place || title || label("walk_kind", record.body.kind), status: label("walk_status", record.body.status) });
    if (record.removal) return say("outbox_undo_tally" + known, { walk: title });
    if (record.type === "observation") return say("outbox_observation" + known, { walk: title, text: (record.body.text || "").slice(0, 80) });
    return say("outbox_photo" + known, { walk: title });
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
          h("span", { class: "muted", text: say("outbox_saved", { when: Gemba.status.timeLabel(r.createdAt) }) + (r.attempts ? " · " + count("tries", r.attempts) : "") })]),
        other ? h("p", { class: "muted small", text: say("other_account") }) : null,
        blocked ? h("p", { class: "muted small", text: say("waits_for_parent") }) : null,
        r.state === "conflict" ? h("p", {}, [h("a", { href: r.conflictUrl || "/sync/conflicts", text: say("resolve_conflict") })]) : null
      ]);
    }
    return [
      h("div", { class: "page-head" }, [h("h1", { text: say("outbox") }),
        h("div", { class: "actions" }, [
          h("button", { type: "button", class: "button button-primary", text: say("sync_now"), onclick: function () { Gemba.pull.syncNow(); } }),
          h("button", { type: "button", class: "button", text: say("download_unsent"), "data-download": true, disabled: !unsent.length, onclick: function () { download(records); } })])]),
      h("p", { class: "muted", text: say("outbox_lead") }),
      h("section", { "aria-labelledby": "unsent-heading" }, [h("h2", { id: "unsent-heading", class: "section-title" }, [say("not_sent_yet") + " ", h("span", { class: "count", text: String(unsent.length) })]),
        unsent.length ? h("ul", { class: "outbox-list" }, unsent.map(item)) : h("div", { class: "empty" }, [h("p", { text: say("nothing_waiting") })])]),
      sent.length ? h("section", { "aria-labelledby": "sent-heading" }, [h("h2", { id: "sent-heading", class: "section-title", text: say("recently_sent") }),
        h("ul", { class: "outbox-list" }, sent.map(item))]) : null
    ];
  }

  function notFound() {
    return [h("h1", { text: say("not_on_device") }),
      h("p", { text: say("not_on_device_lead") }),
      h("p", {}, [h("a", { href: "/", text: say("back_to_today") })])];
  }

  function needsAccount() {
    return [h("h1", { text: "Gemba Walk" }),
      h("p", { text: say("sign_in_once") }),
      h("p", {}, [h("a", { class: "button button-primary", href: Gemba.words.signInAddress(vocab(), null), text: say("sign_in") })])];
  }

  function render() {
    var path = location.pathname.replace(/\/+$/, "") || "/";
    var match = path.match(/^\/walks\/([0-9a-f-]{36})(\/complete|\/edit|\/correct|\/observations\/([0-9a-f-]{36})\/correct)?$/);
    var section = path === "/" || path === "/app" ? "today" : path === "/outbox" ? "outbox"
      : path === "/more" ? "more" : path === "/walks/new" ? "plan" : path === "/walks/start-now" ? "start-now" : path === "/walks/record" ? "record-past"
      : path.indexOf("/walks") === 0 ? "walks" : "";
    // The bottom bar is the server's: the outbox and Plan live behind More there.
    var lit = { today: "today", walks: "walks", "start-now": "walks", "record-past": "walks", plan: "plan", outbox: "more", more: "more" }[section];
    document.querySelectorAll("[data-nav]").forEach(function (a) {
      var key = a.getAttribute("data-nav");
      var on = key === lit || (lit === "plan" && key === "more" && a.closest(".bottomnav") !== null);
      a.classList.toggle("is-active", on);
      if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    return Promise.all([Gemba.store.getMeta("me"), Gemba.store.records(), Gemba.store.customers(), Gemba.store.getMeta("pulledAt"),
      Gemba.store.getMeta("questions"), Gemba.store.getMeta("history")])
      .then(function (found) {
        me = found[0];
        customerNames = {};
        found[2].forEach(function (c) { customerNames[c.id] = c.name; });
        var records = Gemba.outbox.byUuid(found[1]);
        // "Saved on this device" stops being true once the server has the record.
        if (flash && flash.uuid && (!records[flash.uuid] || records[flash.uuid].state === "sent")) flash = null;
        if (!me && section !== "outbox") return needsAccount();
        return (me ? Gemba.store.walks(me.id) : Promise.resolve([])).then(function (walks) {
          var walk = match && walks.filter(function (w) { return w.uuid === match[1]; })[0];
          var view;
          if (section === "outbox") view = outboxPage(found[1], walks);
          else if (match && match[2] === "/complete") view = completingPage(walk, found[2], found[4]);
          else if (match && match[2] && /correct$/.test(match[2])) view = correctingPage(walk, match[3], found[2]);
          else if (match) view = walk ? Gemba.walk.page(walk, records, found[2], found[4], found[5]) : notFound();
          else if (section === "plan") view = planPage(found[2]);
          else if (section === "start-now") view = startNowPage();
          else if (section === "record-past") view = Gemba.records.recordPastPage(found[2], found[4]);
          else if (section === "more") view = morePage();
          else if (section === "walks") view = walksList(walks, records);
          else if (section === "today") view = today(walks, records);
          else view = notFound();
          if (section === "walks" && !match) {
            var synced = Gemba.status.timeLabel(found[3]);
            view.splice(1, 0, h("p", { class: "muted small synced-note", text: synced ? say("as_last_synced", { when: synced }) : say("not_synced_yet") }));
          }
          return view;
        });
      }).then(function (view) {
        var title = view[0] && view[0].textContent;
        document.title = (section === "today" ? say("today") : section === "outbox" ? say("outbox") : (root.querySelector("h1") || {}).textContent || "Gemba Walk") + " · Gemba Walk";
        var parts = flash ? [h("div", { class: "flashes", role: "status" }, [h("p", { class: "flash flash-success", text: flash.text })])] : [];
        root.replaceChildren.apply(root, parts.concat(view.filter(Boolean)));
        var heading = root.querySelector("h1");
        if (heading) document.title = heading.textContent + " · Gemba Walk";
        dirty = false;
        if (flash && !flash.uuid) flash = null;  // a message about no record is said once
        return title;
      }).catch(function (error) {
        console.error(error);
        root.replaceChildren(h("p", { class: "form-errors", text: say("could_not_open", { error: error }) }));
      });
  }

  Gemba.shell = {
    start: function () {
      root = document.querySelector("[data-shell]");
      Gemba.status.ui.forceShow = true;
      root.addEventListener("submit", onSubmit);
      root.addEventListener("gemba:tallied", redrawObservations);
      // A message a server page left for the page it went to (gw-enhance.js).
      var kept = Gemba.submit.takeMessage();
      if (kept) flash = kept;
      // Offline, moving around stays inside the shell; online, links reach the server's pages.
      document.addEventListener("click", function (event) {
        var link = event.target.closest("a[href]");
        if (!link || navigator.onLine || link.origin !== location.origin || link.hasAttribute("download")) return;
        if (link.pathname.indexOf("/static/") === 0) return;
        event.preventDefault();
        go(link.pathname + link.search);
      });
      window.addEventListener("popstate", render);
      // When a sync lands (the outbox moves on, fresh walks arrive) the page is drawn again,
      // unless something is being typed into it: then its record states move on in place.
      root.addEventListener("input", function () { dirty = true; });
      Gemba.sync.onChange(function () {
        var active = document.activeElement;
        if (!dirty && !(active && active.form && root.contains(active))) render();
      });
      render();
    },
    render: render
  };
})(window.Gemba = window.Gemba || {});
