// Gemba Walk on the server's pages: the record-a-walk form writes to the device first and the
// outbox sends it, so losing signal mid-walk loses nothing. Without JavaScript the form posts.
// Module Gemba.enhance. Needs Gemba.status, Gemba.store, Gemba.capture, Gemba.outbox,
// Gemba.words, Gemba.checks.
(function (Gemba) {
  "use strict";

  function pageUserId() {
    var bar = document.querySelector("[data-syncbar]");
    var id = bar && bar.getAttribute("data-user-id");
    return id ? Number(id) : null;
  }

  // Keep each shown record's state up to date as the outbox works.
  document.addEventListener("gemba:status", function (event) {
    var byUuid = {};
    event.detail.records.forEach(function (r) { byUuid[r.uuid] = r; });
    document.querySelectorAll("[data-record]").forEach(function (el) {
      var record = byUuid[el.getAttribute("data-record")];
      if (!record) return;
      el.setAttribute("data-state", record.state);
      el.textContent = Gemba.status.stateText(record);
    });
  });

  function photoField(form) {
    var wrap = Gemba.status.h("div", { class: "field photo-field" }, [
      Gemba.status.h("label", { for: "obs-photos", text: "Photos" }),
      Gemba.status.h("p", { class: "hint", text: "Optional. Kept on this phone until sent; made smaller first." }),
      Gemba.status.h("input", { type: "file", id: "obs-photos", name: "photos", accept: "image/*", multiple: true, "data-photos": true })
    ]);
    var text = form.querySelector("textarea[name=text]");
    var anchor = text ? text.closest(".field") || text : null;
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(wrap, anchor.nextSibling);
    return wrap.querySelector("input");
  }

  function readForm(form) {
    var category = form.querySelector("input[name=category]:checked");
    var saidBy = form.querySelector("input[name=said_by]:checked");
    var waste = form.querySelector("select[name=waste_type]");
    var text = form.querySelector("textarea[name=text]");
    return {
      category: category ? category.value : "",
      waste_type: category && category.value === "waste" && waste && waste.value ? waste.value : null,
      said_by: saidBy ? saidBy.value : Gemba.words.current().defaults.said_by,
      text: text ? text.value.trim() : ""
    };
  }

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
  function flash(text) {
    var main = document.querySelector("main");
    var box = main.querySelector(".flashes");
    if (!box) {
      box = Gemba.status.h("div", { class: "flashes", role: "status" });
      main.insertBefore(box, main.firstChild);
    }
    box.replaceChildren(Gemba.status.h("p", { class: "flash flash-success", text: text }));
  }

  function enhanceObservationForm(form) {
    var userId = pageUserId();
    var list = document.querySelector("[data-observations]");
    if (!userId || !list) return;
    var photos = photoField(form);
    form.addEventListener("submit", function (event) {
      var fields = readForm(form);
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
        flash("Observation added. Saved on this device; it shows “Sent” once the server has it.");
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

  Gemba.enhance = function () {
    document.querySelectorAll("form[data-outbox=observation]").forEach(enhanceObservationForm);
    document.querySelectorAll("form[action$='/sign-out']").forEach(guardSignOut);
  };
})(window.Gemba = window.Gemba || {});
