// Gemba Walk offline store: IndexedDB holds the outbox (records not yet acknowledged by the
// server), the walks and customers as last synced, and a little state (who, when synced).
// Module Gemba.store. Needs Gemba.schema, Gemba.outbox.
(function (Gemba) {
  "use strict";

  var DB_NAME = "gembawalk";
  var dbPromise = null;

  function req(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Apply the schema's steps (gw-schema.js) that this database has not had yet.
  function upgrade(db, oldVersion, tx) {
    Gemba.schema.stepsAfter(oldVersion).forEach(function (step) {
      (step.stores || []).forEach(function (s) { db.createObjectStore(s[0], s[1]); });
      (step.indexes || []).forEach(function (i) { tx.objectStore(i[0]).createIndex(i[1], i[2]); });
    });
    if (!Gemba.schema.rewritesOutbox(oldVersion)) return;
    tx.objectStore("outbox").openCursor().onsuccess = function (event) {
      var cursor = event.target.result;
      if (!cursor) return;
      cursor.update(Gemba.schema.upgradeRecord(cursor.value, oldVersion));
      cursor.continue();
    };
  }

  function open() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, Gemba.schema.VERSION);
        request.onupgradeneeded = function (event) {
          upgrade(request.result, event.oldVersion, request.transaction);
        };
        request.onsuccess = function () {
          var db = request.result;
          // Another tab loaded a newer release: step aside so its upgrade can run.
          db.onversionchange = function () { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = function () { reject(request.error); };
        request.onblocked = function () { /* waits for the other tab to close the old one */ };
      });
    }
    return dbPromise;
  }

  // Run `work(stores)` in one transaction; resolves with its result once committed.
  function transact(names, mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(names, mode);
      var stores = {};
      names.forEach(function (name) { stores[name] = tx.objectStore(name); });
      var committed = new Promise(function (resolve, reject) {
        tx.oncomplete = resolve;
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
      });
      // Both: the work's value may arrive a moment after the commit event, never before it.
      return Promise.all([Promise.resolve(work(stores)), committed]).then(function (both) { return both[0]; });
    });
  }

  function all(store) { return req(store.getAll()); }

  var store = {
    open: open,
    transact: transact,
    req: req,

    getMeta: function (key) {
      return transact(["meta"], "readonly", function (s) { return req(s.meta.get(key)); });
    },
    setMeta: function (key, value) {
      return transact(["meta"], "readwrite", function (s) { s.meta.put(value, key); });
    },

    records: function () {
      return transact(["outbox"], "readonly", function (s) { return all(s.outbox); }).then(function (list) {
        return list.sort(function (a, b) { return a.createdAt - b.createdAt; });
      });
    },
    record: function (uuid) {
      return transact(["outbox"], "readonly", function (s) { return req(s.outbox.get(uuid)); });
    },
    putRecord: function (record) {
      return transact(["outbox"], "readwrite", function (s) { s.outbox.put(record); });
    },
    // Change a record in place (`change` edits it) and note when.
    updateRecord: function (uuid, change) {
      return transact(["outbox"], "readwrite", function (s) {
        return req(s.outbox.get(uuid)).then(function (record) {
          if (!record) return null;
          change(record);
          record.updatedAt = Date.now();
          s.outbox.put(record);
          return record;
        });
      });
    },

    walks: function (userId) {
      return transact(["walks"], "readonly", function (s) { return all(s.walks); }).then(function (list) {
        return list.filter(function (w) { return w.userId === userId; });
      });
    },
    walk: function (uuid) {
      return transact(["walks"], "readonly", function (s) { return req(s.walks.get(uuid)); });
    },
    customers: function () {
      return transact(["customers"], "readonly", function (s) { return all(s.customers); });
    },

    // Save a change made on the device: the walk as the device now sees it, and the outbox
    // record that will carry it to the server, in one transaction (both or neither).
    saveChange: function (walk, record) {
      return transact(["walks", "outbox"], "readwrite", function (s) {
        if (walk) s.walks.put(walk);
        return req(s.outbox.get(record.uuid)).then(function (existing) {
          var saved = Gemba.outbox.saved(existing, record, Date.now());
          s.outbox.put(saved);
          return saved;
        });
      });
    },

    // Replace one person's synced walks and the customer register with the server's, keeping
    // every walk that still has something unsent (the device's view of it is newer).
    replaceSynced: function (userId, walks, customers) {
      return transact(["walks", "customers", "outbox"], "readwrite", function (s) {
        return Promise.all([all(s.walks), all(s.outbox)]).then(function (found) {
          var busy = Gemba.outbox.busyWalks(found[1]);
          found[0].forEach(function (w) {
            if (w.userId === userId && !busy[w.uuid]) s.walks.delete(w.uuid);
          });
          walks.forEach(function (w) {
            if (!busy[w.uuid]) s.walks.put(Object.assign({}, w, { userId: userId }));
          });
          if (customers) {
            s.customers.clear();
            customers.forEach(function (c) { s.customers.put(c); });
          }
        });
      });
    },

    // On sign-out: forget the walks shown offline and the customers this person may choose
    // from (the next pull fills them in again), keep the outbox (it is not sent for others).
    forgetSynced: function (userId) {
      return transact(["walks", "customers", "meta"], "readwrite", function (s) {
        return all(s.walks).then(function (list) {
          list.forEach(function (w) { if (w.userId === userId) s.walks.delete(w.uuid); });
          s.customers.clear();
          s.meta.delete("me");
          s.meta.delete("history");
        });
      });
    },

    // Undo a tally (gw-tally.js): the walk's copy forgets it, and its outbox record goes
    // (never sent) or becomes a removal the outbox sends (Gemba.outbox.undone), in one
    // transaction. Resolves with the removal, or null when nothing is to be sent.
    undoTally: function (walkUuid, uuid, userId) {
      return transact(["walks", "outbox"], "readwrite", function (s) {
        return Promise.all([req(s.walks.get(walkUuid)), req(s.outbox.get(uuid))]).then(function (found) {
          var walk = found[0], held = null;
          if (walk) {
            held = (walk.observations || []).filter(function (o) { return o.uuid === uuid; })[0] || null;
            walk.observations = (walk.observations || []).filter(function (o) { return o.uuid !== uuid; });
            s.walks.put(walk);
          }
          var removal = Gemba.outbox.undone(found[1], { uuid: uuid, walkUuid: walkUuid, userId: userId,
            version: held && held.version }, Date.now());
          if (removal) s.outbox.put(removal); else s.outbox.delete(uuid);
          return removal;
        });
      });
    },

    setWalkVersion: function (uuid, version) {
      return transact(["walks"], "readwrite", function (s) {
        return req(s.walks.get(uuid)).then(function (walk) {
          if (walk && version > (walk.version || 0)) { walk.version = version; s.walks.put(walk); }
        });
      });
    }
  };

  Gemba.store = store;
})(window.Gemba = window.Gemba || {});
