// Gemba Walk on the server's pages: the record-a-walk form writes to the device first and the
// outbox sends it, so losing signal mid-walk loses nothing. Without JavaScript the form posts.
// Module Gemba.enhance. Needs Gemba.status, Gemba.store, Gemba.capture, Gemba.outbox,
// Gemba.words, Gemba.checks, Gemba.forms, Gemba.sync.
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
        h("span", { class: "muted", text: words.label(vocab, "said_by", obs.said_by) + " · " + new Date(obs.made_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) }),
        h("span", { class: "record-state", "data-record": obs.uuid, "data-state": "pending", text: "Saved on this device" })
      ]),
      h("p", { class: "prose", text: obs.text }),
      obs.photos.length ? h("p", { class: "muted small", text: Gemba.status.plural(obs.photos.length, "photo") }) : null
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

  function enhanceObservationForm(form) {
    var userId = pageUserId();
    var list = document.querySelector("[data-observations]");
    if (!userId || !list) return;
    var photos = form.querySelector("input[name=photos]");
    form.addEventListener("submit", function (event) {
      var fields = Gemba.forms.readObservation(form);
      // Anything the server must explain (a missing category or note) goes the plain way.
      if (Gemba.checks.observation(fields, Gemba.words.current()).length) return;
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      var files = Array.prototype.slice.call(photos.files || []);
      Promise.all(files.map(Gemba.capture.preparePhoto)).then(function (prepared) {
        return Gemba.capture.addObservation(form.getAttribute("data-walk"), fields, prepared, userId);
      }).then(function (obs) {
        showSaved(list, obs);
        flash("Observation added. Saved on this device; it shows “Sent” once the server has it.", obs.uuid);
        form.querySelector("textarea[name=text]").value = "";
        photos.value = "";
        var count = document.querySelector("#obs-heading .count");
        if (count) count.textContent = String(list.querySelectorAll(".observation").length);
        Gemba.status.refresh();
      }).catch(function (error) {
        console.error(error);
        form.submit();  // the device could not keep it: let the server have it directly
      }).then(function () { if (button) button.disabled = false; });
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
          Gemba.status.plural(unsent.length, "record") + " on this device are not sent yet. " +
          "They stay here and are sent when you sign in again. Sign out anyway?")) return null;
        return Gemba.store.forgetSynced(userId).then(function () {
          form.dataset.confirmed = "1";
          form.submit();
        });
      }).catch(function () { form.dataset.confirmed = "1"; form.submit(); });
    });
  }

  // Today drawn by the server shows what the server held when it was drawn: when a sync
  // lands something this device sent, its content is fetched and swapped in (unless something
  // is being typed), in place: no reload, no jump.
  function redrawMain() {
    return fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok && !response.redirected ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) {
          main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
          Gemba.forms.enhance(main);
        }
      }).catch(function () { /* no signal after all: the page stays as it is */ });
  }

  function refreshTodayOnSync() {
    if (!document.querySelector("[data-refresh-on-sync]")) return;
    var sentBefore = null;
    function countSent() {
      return Gemba.store.records().then(function (records) {
        return records.filter(function (r) { return r.state === "sent"; }).length;
      });
    }
    countSent().then(function (n) { sentBefore = n; });
    Gemba.sync.onChange(function () {
      countSent().then(function (sent) {
        var active = document.activeElement;
        var typing = active && active.form && active.value;
        if (sentBefore === null || sent <= sentBefore || typing) return;
        sentBefore = sent;
        redrawMain();
      });
    });
  }

  Gemba.enhance = function () {
    Gemba.forms.enhance(document);
    refreshTodayOnSync();
    document.querySelectorAll("form[data-outbox=observation]").forEach(enhanceObservationForm);
    document.querySelectorAll("form[action$='/sign-out']").forEach(guardSignOut);
  };
})(window.Gemba = window.Gemba || {});
