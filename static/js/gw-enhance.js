// Gemba Walk on the server's pages: every capture form (Plan, Start, Start now, Add an
// observation, Complete) writes to the device first and the outbox sends it, the same path as
// offline, so losing signal mid-walk loses nothing; once sent, the page shows the server's
// state. Without JavaScript the forms post. Module Gemba.enhance. Needs Gemba.status,
// Gemba.store, Gemba.outbox, Gemba.words, Gemba.forms, Gemba.submit, Gemba.sync.
(function (Gemba) {
  "use strict";

  function pageUserId() {
    var bar = document.querySelector("[data-syncbar]");
    var id = bar && bar.getAttribute("data-user-id");
    return id ? Number(id) : null;
  }

  // Keep each shown record's state up to date as the outbox works, and drop a message that
  // stopped being true ("Saved on this device" once the server has it).
  document.addEventListener("gemba:status", function (event) {
    var byUuid = {};
    event.detail.records.forEach(function (r) { byUuid[r.uuid] = r; });
    document.querySelectorAll("[data-until-sent]").forEach(function (el) {
      var record = byUuid[el.getAttribute("data-until-sent")];
      if (!record || record.state === "sent") el.remove();
    });
    document.querySelectorAll("[data-record]").forEach(function (el) {
      var record = byUuid[el.getAttribute("data-record")];
      if (!record) return;
      el.setAttribute("data-state", record.state);
      el.textContent = Gemba.status.stateText(record);
    });
  });

  function showSaved(list, obs) {
    var h = Gemba.status.h, words = Gemba.words, vocab = words.current();
    var empty = list.querySelector(".empty");
    if (empty) empty.remove();
    var label = words.label(vocab, "category", obs.category) +
      (obs.waste_type ? ": " + words.label(vocab, "waste_type", obs.waste_type) : "");
    var item = h("li", { class: "observation obs-" + obs.category }, [
      h("p", { class: "obs-meta" }, [
        h("span", { class: "badge badge-" + obs.category, text: label }),
        h("span", { class: "muted", text: words.label(vocab, "said_by", obs.said_by) + " · " + words.when(vocab, new Date(obs.made_at), { hour: "2-digit", minute: "2-digit" }) }),
        h("span", { class: "record-state", "data-record": obs.uuid, "data-state": "pending", text: words.say(vocab, "state_pending") })
      ]),
      h("p", { class: "prose", text: obs.text }),
      obs.photos.length ? h("p", { class: "muted small", text: words.count(vocab, "photos", obs.photos.length) }) : null
    ]);
    list.insertBefore(item, list.firstChild);
  }

  // The same message place and look as the server's flash after a plain post.
  function flash(text, recordUuid) {
    var main = document.querySelector("main");
    var box = main.querySelector(".flashes");
    if (!box) {
      box = Gemba.status.h("div", { class: "flashes", role: "status" });
      main.insertBefore(box, main.firstChild);
    }
    box.replaceChildren(Gemba.status.h("p", { class: "flash flash-success", text: text, "data-until-sent": recordUuid }));
  }

  function busy(form, on) {
    form.querySelectorAll("[type=submit]").forEach(function (b) { b.disabled = on; });
  }

  // What the server alone does (or what the device could not keep) goes as a plain post.
  function postPlainly(form, submitter) {
    busy(form, false);
    form.dataset.plain = "1";
    // After the submit event that was held back is done: during it a new submit is ignored.
    setTimeout(function () { if (submitter) form.requestSubmit(submitter); else form.requestSubmit(); }, 0);
  }

  // An observation stays on the walk's page: shown at once as saved on this device, its state
  // following the outbox until Sent (the gemba:status listener above).
  function observed(form, result) {
    var list = document.querySelector("[data-observations]");
    if (list) showSaved(list, result.observation);
    flash(Gemba.submit.said("observed", true), result.record);
    form.querySelector("textarea[name=text]").value = "";
    if (form.elements.photos) form.elements.photos.value = "";
    var count = document.querySelector("#obs-heading .count");
    if (count && list) count.textContent = String(list.querySelectorAll(".observation").length);
    busy(form, false);
    Gemba.status.refresh();
  }

  // A step of the walk (plan, start, complete): once the outbox has tried to send it, the
  // walk's page from the server shows what the server now holds. If the server refused it the
  // reason shows on the form; if there was no signal after all, the page the phone opens
  // (the device's, offline) says it is saved on this device.
  function stepped(form, result) {
    var tried = Gemba.sync.flush("save");
    var patience = new Promise(function (resolve) { setTimeout(resolve, 8000); });
    return Promise.race([tried, patience]).then(function () {
      return Gemba.store.record(result.record);
    }).then(function (record) {
      // Refused, or (a correction made from a version the server moved on from) a conflict
      // the outbox keeps to resolve: said on the form, not as done.
      if (record && (record.state === "attention" || record.state === "conflict")) {
        busy(form, false);
        Gemba.forms.showProblems(form, [record.error]);
        return;
      }
      var sent = !record || record.state === "sent";
      Gemba.submit.keepMessage(Gemba.submit.said(result.said, !sent), sent ? null : result.record);
      location.assign("/walks/" + result.walk);
    });
  }

  // With JavaScript every capture form goes through the outbox, online as offline: one path
  // (gw-submit.js send). Delegated, so a form drawn again from the server is handled too.
  function onCapture(event) {
    var form = event.target.closest ? event.target.closest("form[data-capture]") : null;
    var userId = pageUserId();
    if (!form || !userId || form.dataset.plain) return;
    event.preventDefault();
    var submitter = event.submitter;
    busy(form, true);
    Gemba.submit.send(form, submitter, userId, "page").then(function (result) {
      if (result.plain) return postPlainly(form, submitter);
      if (!result.walk) return busy(form, false);
      return result.said === "observed" ? observed(form, result) : stepped(form, result);
    }).catch(function (error) {
      console.error(error);
      postPlainly(form, submitter);  // the device could not keep it: the server has it directly
    });
  }

  // Signing out with records not yet sent: say so first; they stay for this person.
  function guardSignOut(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      var userId = pageUserId();
      Gemba.store.records().then(function (records) {
        var unsent = Gemba.outbox.unsentBy(records, userId);
        if (unsent.length && !window.confirm(
          Gemba.status.count("unsent_on_sign_out", unsent.length) + " " + Gemba.status.say("sign_out_anyway"))) return null;
        Gemba.sync.state.leaving = true;
        // Forgotten again once a pull under way has landed what it fetched, if it had begun to.
        return Gemba.store.forgetSynced(userId).then(function () {
          return Gemba.store.forgetSynced(userId);
        }).then(function () {
          form.dataset.confirmed = "1";
          form.submit();
        });
      }).catch(function () { form.dataset.confirmed = "1"; form.submit(); });
    });
  }

  // Today drawn by the server shows what the server held when it was drawn: when a
  // sync lands something this device sent, its content is fetched and swapped in, in place: no
  // reload, no jump. Not while something is being typed, and not while a record still waits
  // (the server's page would not show it yet: the page waits for the sync that lands it).
  function waiting() {
    return Gemba.store.records().then(function (records) {
      return records.some(function (r) { return r.state === "pending"; });
    });
  }

  function typing() {
    var active = document.activeElement;
    return !!(active && active.form && active.value && active.type !== "radio" && active.type !== "submit");
  }

  function redrawMain() {
    return fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        // Something saved while the page was fetched is not in it: keep the page as it is.
        return waiting().then(function (busy) { return busy || typing() ? null : html; });
      })
      .then(function (html) {
        if (!html) return false;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (!fresh || !main) return false;
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        Gemba.forms.enhance(main);
        return true;
      }).catch(function () { return false; /* no signal after all: the page stays as it is */ });
  }

  // Whether something was typed into a field of `part` (a comment on a note, say).
  function filledIn(part) {
    return Array.prototype.some.call(part.querySelectorAll("textarea, input:not([type=hidden])"), function (field) {
      return field.type === "checkbox" || field.type === "radio" ? field.checked !== field.defaultChecked : field.value !== field.defaultValue;
    });
  }

  // A walk's page holds a form being filled in: only its parts a sync may change (marked
  // data-redraw: the walk's state, its record, its observations) are drawn again, each one
  // that changed, and never one holding the focus. What is being typed stays as it is.
  function redrawParts() {
    return fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) { return waiting().then(function (busy) { return busy ? null : html; }); })
      .then(function (html) {
        if (!html) return false;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var drawn = [];
        document.querySelectorAll("[data-redraw]").forEach(function (part) {
          var now = fresh.querySelector("[data-redraw='" + part.getAttribute("data-redraw") + "']");
          if (!now || part.contains(document.activeElement) || filledIn(part) || now.outerHTML === part.outerHTML) return;
          var copy = document.importNode(now, true);
          part.replaceWith(copy);
          Gemba.forms.enhance(copy);
          drawn.push(copy);
        });
        return Gemba.store.records().then(function (records) {
          drawn.forEach(function (part) { markHeld(part, Gemba.outbox.byUuid(records)); });
          return true;
        });
      }).catch(function () { return false; /* no signal after all: the page stays as it is */ });
  }

  // The notes this device sent keep saying so once drawn again from the server ("Sent", as
  // before the redraw); the gemba:status listener above keeps the words true from then on.
  function markHeld(part, byUuid) {
    part.querySelectorAll("[data-observation]").forEach(function (item) {
      var record = byUuid[item.getAttribute("data-observation")];
      var meta = item.querySelector(".obs-meta");
      if (!record || !meta || item.querySelector("[data-record]")) return;
      meta.appendChild(Gemba.status.h("span", { class: "record-state", "data-record": record.uuid,
        "data-state": record.state, text: Gemba.status.stateText(record) }));
    });
  }

  function refreshOnSync() {
    var parts = !!document.querySelector("[data-redraw]");
    if (!parts && !document.querySelector("[data-refresh-on-sync]")) return;
    var sentBefore = null;
    function countSent() {
      return Gemba.store.records().then(function (records) {
        return records.filter(function (r) { return r.state === "sent"; }).length;
      });
    }
    countSent().then(function (n) { sentBefore = n; });
    Gemba.sync.onChange(function () {
      Promise.all([countSent(), waiting()]).then(function (found) {
        var sent = found[0];
        if (sentBefore === null || sent <= sentBefore || found[1] || (!parts && typing())) return;
        (parts ? redrawParts() : redrawMain()).then(function (drawn) { if (drawn) sentBefore = sent; });
      });
    });
  }

  Gemba.enhance = function () {
    Gemba.forms.enhance(document);
    refreshOnSync();
    if (!document.querySelector("[data-shell]")) document.addEventListener("submit", onCapture);
    var kept = Gemba.submit.takeMessage();
    if (kept && !document.querySelector("[data-shell]")) flash(kept.text, kept.uuid);
    document.querySelectorAll("form[action$='/sign-out']").forEach(guardSignOut);
  };
})(window.Gemba = window.Gemba || {});
