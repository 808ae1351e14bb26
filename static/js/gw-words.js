// Gemba Walk words and limits: the product's labels and limits as the server states them
// (gembawalk/pwa/vocabulary.py, embedded in every page as <script id="gw-vocabulary">).
// Module Gemba.words. Needs nothing: pure but for current(), so node's test runner loads it.
(function (exports) {
  "use strict";

  // The vocabulary a page carries, or null on a page without one.
  function read(doc) {
    var element = doc.getElementById("gw-vocabulary");
    return element ? JSON.parse(element.textContent) : null;
  }

  var memo = null;
  // This page's vocabulary, read once.
  function current() {
    if (!memo) memo = read(document);
    return memo;
  }

  // The [value, label] pairs of one kind of word: "category", "said_by", "walk_kind", ...
  function choices(vocab, kind) { return vocab.words[kind] || []; }

  // A value's label; the value itself when the vocabulary does not know it.
  function label(vocab, kind, value) {
    var found = choices(vocab, kind).filter(function (pair) { return pair[0] === value; })[0];
    return found ? found[1] : value;
  }

  // How many characters a text field may hold.
  function textLimit(vocab, field) { return vocab.limits.text[field]; }

  // The attributes that hold a text box to its limit, as the server's forms render them.
  function textAttributes(vocab, field) { return { maxlength: String(textLimit(vocab, field)) }; }

  exports.read = read;
  exports.current = current;
  exports.choices = choices;
  exports.label = label;
  exports.textLimit = textLimit;
  exports.textAttributes = textAttributes;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).words = {}));
