// Gemba Walk capture: every change a manager makes is written to the device first (the walk as
// it now stands and an outbox record to carry it), then handed to the sync routine.
// Module Gemba.capture. Needs Gemba.store, Gemba.sync, Gemba.words.
(function (Gemba) {
  "use strict";

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function nowIso() { return new Date().toISOString(); }

  // The walk as the server reads it: the fields the server names (the vocabulary's), no others.
  function walkBody(walk) {
    var body = {};
    Gemba.words.current().fields.walk.forEach(function (name) { if (walk[name] !== undefined) body[name] = walk[name]; });
    return body;
  }

  function changed() { Gemba.sync.soon("save"); }

  // A walk record: the full state of the walk; an edit names the version it was based on.
  function saveWalk(walk, userId) {
    return Gemba.store.record(walk.uuid).then(function (existing) {
      var record = { uuid: walk.uuid, type: "walk", userId: userId, walkUuid: walk.uuid, body: walkBody(walk) };
      var creating = existing ? existing.baseVersion === null && existing.state !== "sent" : !walk.version;
      record.baseVersion = creating ? null : walk.version;
      return Gemba.store.saveChange(walk, record);
    }).then(function (saved) { changed(); return saved; });
  }

  function planWalk(fields, userId, startNow) {
    var walk = Object.assign({
      uuid: uuid(), userId: userId, version: 0, status: "planned",
      planned_minutes: Gemba.words.current().defaults.walk_minutes,
      purpose: "", place: "", customer_ids: [], started_at: null, completed_at: null,
      customers_spoken_to: null, frontline_met: "", summary: "", observations: [], local: true
    }, fields);
    // Started now: its planned start is its start, and it says it was never planned.
    if (startNow) {
      walk.status = "in_progress";
      walk.started_at = walk.planned_start = nowIso();
      walk.unplanned = true;
    }
    return saveWalk(walk, userId).then(function () { return walk; });
  }

  function startWalk(walk, userId) {
    walk.status = "in_progress";
    walk.started_at = nowIso();
    return saveWalk(walk, userId);
  }

  function completeWalk(walk, fields, userId) {
    Object.assign(walk, fields, { status: "done" });
    return saveWalk(walk, userId);
  }

  // A walk entered after the fact: done at once, never planned (its planned start is its
  // start), and kept apart as recorded after.
  function recordPast(fields, userId) {
    var walk = Object.assign({
      uuid: uuid(), userId: userId, version: 0, status: "done", unplanned: true, recorded_after: true,
      planned_minutes: Gemba.words.current().defaults.walk_minutes, purpose: "", place: "",
      customer_ids: [], frontline_met: "", summary: "", observations: [], local: true
    }, fields);
    walk.planned_start = walk.started_at;
    return saveWalk(walk, userId).then(function () { return walk; });
  }

  // A correction of a done walk's record: the walk as it now stands, sent with the version it
  // was corrected from (the server keeps what it replaced, or a conflict if it moved on).
  function correctWalk(walk, fields, userId) {
    Object.assign(walk, fields);
    return saveWalk(walk, userId);
  }

  // A correction of one of a done walk's notes, likewise; when it was made is not corrected.
  function correctObservation(walk, obs, fields, userId) {
    Object.assign(obs, fields);
    if (obs.category !== "waste") obs.waste_type = null;
    var body = { walk_id: walk.uuid, category: obs.category, waste_type: obs.waste_type,
      said_by: obs.said_by, text: obs.text, made_at: obs.made_at, customer_id: obs.customer_id || null };
    return Gemba.store.record(obs.uuid).then(function (existing) {
      var creating = existing ? existing.baseVersion === null && existing.state !== "sent" : !obs.version;
      return Gemba.store.saveChange(walk, { uuid: obs.uuid, type: "observation", userId: userId,
        walkUuid: walk.uuid, parent: walk.uuid, body: body, baseVersion: creating ? null : obs.version });
    }).then(function (saved) { changed(); return saved; });
  }

  // An observation, and one record per photo (each photo is sent on its own, resumable).
  function addObservation(walkUuid, fields, photos, userId) {
    var obs = Object.assign({
      uuid: uuid(), version: 0, walk_id: walkUuid, waste_type: null,
      said_by: Gemba.words.current().defaults.said_by,
      made_at: nowIso(), photos: [], local: true
    }, fields);
    if (obs.category !== "waste") obs.waste_type = null;
    return Gemba.store.walk(walkUuid).then(function (walk) {
      var body = { walk_id: walkUuid, category: obs.category, waste_type: obs.waste_type,
        said_by: obs.said_by, text: obs.text, made_at: obs.made_at, customer_id: obs.customer_id || null };
      var saves = [];
      (photos || []).forEach(function (photo) {
        var photoUuid = uuid();
        obs.photos.push({ uuid: photoUuid, content_type: photo.type, width: photo.width, height: photo.height, local: true });
        saves.push({ uuid: photoUuid, type: "photo", userId: userId, walkUuid: walkUuid,
          parent: obs.uuid, body: { data: photo.data, type: photo.type, width: photo.width, height: photo.height } });
      });
      if (walk) walk.observations = (walk.observations || []).concat([obs]);
      var first = Gemba.store.saveChange(walk, { uuid: obs.uuid, type: "observation", userId: userId,
        walkUuid: walkUuid, parent: walkUuid, body: body });
      return saves.reduce(function (done, record) {
        return done.then(function () { return Gemba.store.saveChange(null, record); });
      }, first);
    }).then(function () { changed(); return obs; });
  }

  // Downscale on the device (to the longest side the server states) and keep the bytes with
  // their type: Blobs in IndexedDB are unreliable on some phones, ArrayBuffers are not.
  function preparePhoto(file) {
    var side = Gemba.words.current().limits.photo.side;
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var width = Math.max(1, Math.round(bitmap.width * scale));
      var height = Math.max(1, Math.round(bitmap.height * scale));
      var canvas = document.createElement("canvas");
      canvas.width = width; canvas.height = height;
      canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); })
        .then(function (blob) { return blob.arrayBuffer().then(function (data) {
          return { data: data, type: blob.type || "image/jpeg", width: width, height: height };
        }); });
    });
  }

  Gemba.capture = {
    uuid: uuid,
    planWalk: planWalk,
    startWalk: startWalk,
    completeWalk: completeWalk,
    recordPast: recordPast,
    correctWalk: correctWalk,
    correctObservation: correctObservation,
    addObservation: addObservation,
    preparePhoto: preparePhoto,
    walkBody: walkBody
  };
})(window.Gemba = window.Gemba || {});
