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
  // The vocabulary current() answers with, where there is no page (node's tests).
  function use(vocab) { memo = vocab; }

  // The language dates, numbers and plural forms are written in: the page's <html lang> (the
  // server sets it and the vocabulary's `language` alike). English is British English, as the
  // server writes it ("Wed 9 Dec", a 24-hour clock).
  function language(vocab) {
    var lang = (typeof document !== "undefined" && document.documentElement.lang) || vocab.language || "en";
    return lang === "en" ? "en-GB" : lang;
  }

  // `text` with its %(name)s (or %(name)d) placeholders filled from `values`.
  function fill(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : whole;
    });
  }

  // One of the offline app's sentences (the vocabulary's texts, pwa/texts.py) in the page's
  // language, its placeholders filled in. A name the server does not know shows as itself.
  function say(vocab, key, values) {
    var text = (vocab.texts || {})[key];
    return text === undefined ? key : fill(text, values);
  }

  // A counted phrase (the vocabulary's plurals): the language's form for `n` (Welsh has six),
  // with %(num)d the count, in digits as the server's messages write counts.
  function count(vocab, key, n, values) {
    var forms = (vocab.plurals || {})[key];
    if (!forms) return key;
    var form = forms[new Intl.PluralRules(language(vocab)).select(n)] || forms.other;
    return fill(form, Object.assign({}, values, { num: String(n) }));
  }

  // A moment in the page's language: `options` as Intl.DateTimeFormat takes them, in `zone`
  // when given (a walk's own time zone), else this device's.
  function when(vocab, moment, options, zone) {
    // A 24-hour clock in every language, as the server's pages write times.
    var opts = Object.assign(options.hour ? { hourCycle: "h23" } : {}, options, zone ? { timeZone: zone } : {});
    try { return new Intl.DateTimeFormat(language(vocab), opts).format(moment); }
    catch (e) { delete opts.timeZone; return new Intl.DateTimeFormat(language(vocab), opts).format(moment); }
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

  // A day as the server's pages name it: "Today", "Tomorrow", "Yesterday" (the vocabulary's
  // near_days), else its short date. `day` and `today` are local dates.
  function dayLabel(vocab, day, today) {
    var start = function (d) { return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()); };
    var offset = Math.round((start(day) - start(today)) / 86400000);
    var near = (vocab.near_days || {})[String(offset)];
    if (near) return near;
    var opts = { weekday: "short", day: "numeric", month: "short" };
    if (day.getFullYear() !== today.getFullYear()) opts.year = "numeric";
    return when(vocab, day, opts).replace(/,/g, "");
  }

  // Where a "Sign in" link leads (single sign-on when the server has it: the vocabulary's
  // sign_in), coming back to `back` (a path on this site) once signed in.
  function signInAddress(vocab, back) {
    return vocab.sign_in + (back ? "?next=" + encodeURIComponent(back) : "");
  }

  exports.dayLabel = dayLabel;
  exports.use = use;
  exports.language = language;
  exports.fill = fill;
  exports.say = say;
  exports.count = count;
  exports.when = when;
  exports.signInAddress = signInAddress;
  exports.read = read;
  exports.current = current;
  exports.choices = choices;
  exports.label = label;
  exports.textLimit = textLimit;
  exports.textAttributes = textAttributes;
})(typeof module !== "undefined" ? module.exports : ((window.Gemba = window.Gemba || {}).words = {}));
