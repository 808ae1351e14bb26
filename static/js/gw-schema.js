// Gemba Walk store schema: the object stores and indexes each version of the device's
// database adds, and how an outbox record kept by an older version is brought up to date.
// Upgrades keep every record. Module Gemba.schema. Needs nothing: pure, so node's test
// runner loads it as it is (gw-store.js applies the steps to IndexedDB).
(function (exports) {
  "use strict";

  var STEPS = [
    // Version 1 held only the outbox, its records without a state.
    { version: 1, stores: [["outbox", { keyPath: "uuid" }]] },
    // Version 2 adds the synced walks, customers and meta, and gives every record a state.
    {
      version: 2,
      stores: [["walks", { keyPath: "uuid" }], ["customers", { keyPath: "id" }], ["meta"]],
      indexes: [["outbox", "state", "state"]],
      outbox: function (record) {
        // Version 1 records were all waiting to be sent.
        record.state = record.state || "pending";
        record.rev = record.rev || 1;
        record.attempts = record.attempts || 0;
        record.nextAttemptAt = 0;
        record.walkUuid = record.walkUuid || (record.type === "walk" ? record.uuid : record.body && record.body.walk_id);
        return record;
      }
    }
  ];

  // The steps a database at `oldVersion` (0: new) still needs, in order.
  function stepsAfter(oldVersion) {
    return STEPS.filter(function (step) { return step.version > oldVersion; });
  }

  // Whether those steps change the outbox records already kept.
  function rewritesOutbox(oldVersion) {
    return oldVersion > 0 && stepsAfter(oldVersion).some(function (step) { return !!step.outbox; });
  }

  // An outbox record kept by `oldVersion`, as the current version keeps it.
  function upgradeRecord(record, oldVersion) {
    return stepsAfter(oldVersion).reduce(function (r, step) {
      return step.outbox ? step.outbox(r) : r;
    }, record);
  }

  exports.VERSION = STEPS[STEPS.length - 1].version;
  exports.stepsAfter = stepsAfter;
  exports.rewritesOutbox = rewritesOutbox;
  exports.upgradeRecord = upgradeRecord;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).schema = {}));
