// Gemba Walk tally: one tap records one demand heard on a walk, as an observation of the
// demand type's category, written to the device first and sent by the outbox (so offline too).
// Undo drops a tally not yet sent, or queues the removal of one the server holds.
// The demand types reach the device from GET /api/v1/demand-types, kept in the store's meta.
// Module Gemba.tally. Needs Gemba.store, Gemba.sync, Gemba.pull, Gemba.words. Its pure rules
// load in node too.
(function (exports, Gemba) {
  "use strict";


  // How many of each demand type the walk holds, by type id.
  function counts(observations) {
    var found = {};
    (observations || []).forEach(function (o) {
      if (o.demand_type_id !== null && o.demand_type_id !== undefined) {
        found[o.demand_type_id] = (found[o.demand_type_id] || 0) + 1;
      }
    });
    return found;
  }

  // The latest tally of a type on the walk (the one Undo takes back), or null.
  function latest(observations, typeId) {
    var found = null;
    (observations || []).forEach(function (o) {
      if (o.demand_type_id === typeId && (!found || o.made_at >= found.made_at)) found = o;
    });
    return found;
  }

  // The observation a tap makes: the type decides its category; the words are optional.
  function tallyFields(type, words) {
    return { category: type.category, demand_type_id: type.id, said_by: "customer", text: (words || "").trim() };
  }

  exports.counts = counts;
  exports.latest = latest;
  exports.tallyFields = tallyFields;
  if (!Gemba) return;

  // --- on the device ---------------------------------------------------------------------

  function uuid() { return crypto.randomUUID(); }

  function me() {
    return Gemba.store.getMeta("me").then(function (found) { return found ? found.id : null; });
  }

  // Keep the demand types for offline use whenever there is signal (not on a page drawn for
  // nobody, the sign-in page: asking there would only log a 401).
  function pullTypes() {
    if (!navigator.onLine || Gemba.pull.signedOutPage()) return Promise.resolve(null);
    return fetch(Gemba.sync.api("/demand-types"), { credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { return body && Gemba.store.setMeta("demandTypes", body.demand_types); })
      .catch(function () { return null; });
  }

  // Record one demand heard on the walk: in the device's copy of the walk and in the outbox.
  function add(walkUuid, type, words, userId) {
    var obs = Object.assign({ uuid: uuid(), version: 0, walk_id: walkUuid, waste_type: null,
      made_at: new Date().toISOString(), photos: [], local: true }, tallyFields(type, words));
    return Gemba.store.walk(walkUuid).then(function (walk) {
      if (walk) walk.observations = (walk.observations || []).concat([obs]);
      var body = { walk_id: walkUuid, category: obs.category, waste_type: null, said_by: obs.said_by,
        text: obs.text, made_at: obs.made_at, demand_type_id: obs.demand_type_id };
      return Gemba.store.saveChange(walk, { uuid: obs.uuid, type: "observation", userId: userId,
        walkUuid: walkUuid, parent: walkUuid, body: body });
    }).then(function () { Gemba.sync.soon("save"); return obs; });
  }

  // Take back a tally, offline too: one still in the outbox is dropped there (nothing is
  // sent); one the server holds becomes a removal the outbox sends (DELETE) once there is
  // signal. Decided while no flush runs, so a tally on its way is not dropped mid-send.
  function undo(walkUuid, tallyUuid) {
    return me().then(function (userId) {
      return Gemba.sync.exclusive(function () { return Gemba.store.undoTally(walkUuid, tallyUuid, userId); });
    }).then(function () { Gemba.sync.soon("save"); });  // the status line recounts
  }

  // --- the walk page's counters (the server's, or the offline shell's) --------------------

  function say(key, values) { return Gemba.words.say(Gemba.words.current(), key, values); }

  function tell(section, text) {
    var status = section.querySelector("[data-tally-status]");
    if (status) status.textContent = text;
  }

  function show(item, count) {
    var counter = item.querySelector("[data-tally-count]");
    counter.textContent = String(count);
    counter.setAttribute("aria-label", Gemba.words.count(Gemba.words.current(), "heard_count", count));
    var undoButton = item.querySelector(".tally-undo button");
    if (undoButton) undoButton.disabled = count === 0;
  }

  function enhance(section) {
    if (section.hasAttribute("data-tally-ready")) return;
    section.setAttribute("data-tally-ready", "");
    var walkUuid = section.getAttribute("data-walk");
    section.addEventListener("submit", function (event) {
      var form = event.target;
      var item = form.closest("[data-tally-type]");
      if (!item) return;
      event.preventDefault();
      var type = { id: Number(item.getAttribute("data-tally-type")), category: item.getAttribute("data-category"),
        name: item.querySelector(".tally-name").textContent };
      var uuids = JSON.parse(item.getAttribute("data-tallies") || "[]");
      var adding = form.classList.contains("tally-add");
      var words = form.querySelector("input[name=words]");
      var step = adding
        ? me().then(function (userId) { return add(walkUuid, type, words ? words.value : "", userId); })
            .then(function (obs) { uuids.push(obs.uuid); if (words) words.value = ""; return say("heard", { type: type.name }); })
        : (uuids.length ? undo(walkUuid, uuids[uuids.length - 1]).then(function () { uuids.pop(); return say("undone"); })
                        : Promise.resolve(say("nothing_to_undo")));
      step.then(function (message) {
        item.setAttribute("data-tallies", JSON.stringify(uuids));
        show(item, uuids.length);
        tell(section, message);
        // The page around it (the offline shell's observation list) draws what changed.
        section.dispatchEvent(new CustomEvent("gemba:tallied", { bubbles: true, detail: { walk: walkUuid } }));
      }).catch(function (error) { tell(section, say("could_not_keep", { error: error.message })); });
    });
  }

  // The offline shell's walk page holds an empty [data-tally-shell]: draw the counters from
  // the types kept on the device and the walk as the device holds it.
  function fill(holder) {
    var walkUuid = holder.getAttribute("data-walk");
    Promise.all([Gemba.store.getMeta("demandTypes"), Gemba.store.walk(walkUuid)]).then(function (found) {
      var types = found[0] || [];
      var observations = (found[1] && found[1].observations) || [];
      if (!types.length) return;
      var template = document.getElementById("tally-template");
      if (!template) return;
      var section = template.content.firstElementChild.cloneNode(true);
      section.setAttribute("data-walk", walkUuid);
      var list = section.querySelector(".tally-list");
      var sample = list.firstElementChild;
      var pattern = "00000000-0000-0000-0000-000000000000";
      list.textContent = "";
      types.forEach(function (type) {
        var item = sample.cloneNode(true);
        item.setAttribute("data-tally-type", type.id);
        item.setAttribute("data-category", type.category);
        item.className = "tally-item tally-" + type.kind;
        item.querySelector(".tally-name").textContent = type.name;
        var badge = item.querySelector(".badge");
        badge.className = "badge badge-" + type.category;
        badge.textContent = Gemba.words.label(Gemba.words.current(), "demand_kind", type.kind);
        item.querySelectorAll("form").forEach(function (f) { f.action = f.getAttribute("action").replace(pattern, walkUuid); });
        item.querySelectorAll("input[name=demand_type_id]").forEach(function (i) { i.value = type.id; });
        item.querySelector(".tally-words .visually-hidden").textContent = say("their_words_for", { type: type.name });
        // The button's whole name in one sentence ("Undo one Report a repair"), its visible word kept.
        var undoing = item.querySelector(".tally-undo button");
        undoing.querySelectorAll(".visually-hidden").forEach(function (part) { part.remove(); });
        undoing.setAttribute("aria-label", say("undo_one", { type: type.name }));
        var mine = observations.filter(function (o) { return o.demand_type_id === type.id; })
          .map(function (o) { return o.uuid; });
        item.setAttribute("data-tallies", JSON.stringify(mine));
        list.appendChild(item);
        show(item, mine.length);
      });
      holder.replaceWith(section);
      enhance(section);
    });
  }

  function scan() {
    document.querySelectorAll("[data-tally]").forEach(enhance);
    document.querySelectorAll("[data-tally-shell]").forEach(fill);
  }

  Gemba.tally = { add: add, undo: undo, pullTypes: pullTypes, scan: scan,
    holder: function (walk) {
      var el = document.createElement("div");
      el.setAttribute("data-tally-shell", "");
      el.setAttribute("data-walk", walk.uuid);
      setTimeout(scan, 0);
      return el;
    } };
  document.addEventListener("DOMContentLoaded", function () { scan(); pullTypes(); });
  window.addEventListener("online", pullTypes);
})(typeof module !== "undefined" ? module.exports : {},
  typeof window !== "undefined" ? (window.Gemba = window.Gemba || {}) : null);
