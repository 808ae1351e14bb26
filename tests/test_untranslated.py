"""Nothing a person reads is left outside the catalogues (issue 20, README: Languages).

Three readers, one per kind of source, each printing `file:line: text` for what it finds:

- the templates, parsed with the app's own Jinja environment: text between tags, the
  attributes people read (aria-label, title, alt, placeholder, a button's value, a page's
  description) and literal strings a template outputs or hands to a macro as its label, each
  unless it is inside `_()`, `ngettext` or `{% trans %}`;
- the Python in gembawalk/ (its syntax tree): literals given to flash(), the services' errors,
  abort(), the API's refusals, email subjects, form labels and validator messages, and words
  kept in module-level tables, unless wrapped in `_()`, `_l()`, `ngettext` or `lazy_ngettext`;
- the offline JavaScript in static/js/: string literals that read as words for people (letters
  with a space between them, or a sentence's full stop), which belong in the vocabulary JSON
  built from the catalogues (gembawalk/pwa/vocabulary.py).

There is no list of English strings allowed through: only the kinds of text below that are
never translated (the product's name, code samples, the operators' console).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "gembawalk"
SCRIPTS = ROOT / "static" / "js"

# --- what is never translated, by kind ----------------------------------------------------------

# The product's name and the lean word practitioners keep in every language (glossary.csv).
NAMES = re.compile(r"\bGemba Walk\b|\bgemba\b", re.IGNORECASE)
# Elements whose content is not prose: code samples, scripts, styles.
NOT_PROSE = {"code", "pre", "kbd", "samp", "script", "style", "svg"}
# Python the translations do not cover: the operators' console (English, README: Command line:
# the commands and what only they report, such as `flask move-photos`' outcomes), the demo
# organisation's made-up people, notes and questions (data, as a real organisation's own words
# are) and the data files the product ships (the common passwords).
PYTHON_EXCLUDED = (
    "gembawalk/cli.py",
    "gembawalk/storage/move.py",
    "gembawalk/demo/",
    "gembawalk/data/",
)
# A letter-word of two letters or more: punctuation, numbers, entities and symbols are not words.
WORD = re.compile(r"[^\W\d_]{2,}")
# Words for people, in code where most strings are names: two words, or a sentence's end.
PROSE = re.compile(r"[^\W\d_]+[ \u00a0][^\W\d_]+|[^\W\d_]{2,}\s*[.…]$")
# A label in a table: a capitalised word or words ("Kind", "Customers spoken to").
LABEL = re.compile(r"^[A-Z][a-z]+(?:[ -][a-z]+)*$")
HOLE = "\x00"  # where a template's expression stood: \x00<its number>\x01
HOLES = re.compile(r"\x00(\d*)\x01")

TRANSLATING = {"_", "gettext", "ngettext", "pgettext", "npgettext", "_l", "lazy_gettext",
               "lazy_ngettext", "lazy_pgettext"}  # fmt: skip


def has_words(text: str) -> bool:
    text = NAMES.sub(" ", HOLES.sub(" ", text))
    return bool(WORD.search(text))


def _shown(text: str) -> str:
    text = HOLES.sub(HOLE, text)
    text = re.sub(rf"^[\s{HOLE}]+|[\s{HOLE}]+$", "", text)  # holes at either end
    text = " ".join(text.split())
    return text.replace(HOLE, "{…}")


# --- HTML: the text and the attributes people read ----------------------------------------------

READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-placeholder",
                   "aria-roledescription", "aria-valuetext"}  # fmt: skip
VALUE_READ = {"button", "submit", "reset"}  # <input type=…> whose value is the button's words


class _Reader(HTMLParser):
    """The words in an HTML fragment (holes for expressions), with their line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []
        self.muted: set[str] = set()  # holes in attributes nobody reads, or in scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_PROSE:
            self.skipping.append(tag)
        given = {name: value or "" for name, value in attrs}
        read = [given[a] for a in READ_ATTRIBUTES if a in given]
        for name, value in given.items():
            if name not in READ_ATTRIBUTES and not (name == "value" and tag == "input"):
                self.muted.update(HOLES.findall(name + value))
        if tag == "button" and "value" in given and given.get("type") != "submit":
            pass  # a button's value is sent, not read: its content is what people see
        if tag == "input" and given.get("type") in VALUE_READ and "value" in given:
            read.append(given["value"])
        if tag == "meta" and given.get("name") == "description":
            read.append(given.get("content", ""))
        line = self.getpos()[0]
        self.found += [(line, value) for value in read if has_words(value)]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in NOT_PROSE:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            while self.skipping and self.skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.skipping or self.lasttag in ("script", "style"):
            self.muted.update(HOLES.findall(data))
        elif has_words(data):
            lead = len(data) - len(re.sub(r"^(?:\s|\x00\d*\x01)+", "", data))
            self.found.append((self.getpos()[0] + data[:lead].count("\n"), data))


def words_in_html(markup: str, muted: set[str] | None = None) -> list[tuple[int, str]]:
    """(line, text) for each piece of prose or read attribute in `markup`; the numbers of the
    holes in attributes nobody reads (a class, an address) are added to `muted`."""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    if muted is not None:
        muted.update(reader.muted)
    return reader.found


def words_in_text(text: str) -> list[tuple[int, str]]:
    """(line, text) for each line with words, in a plain-text template (an email)."""
    return [
        (n, line)
        for n, line in enumerate(text.split("\n"), 1)
        if has_words(line) and not _looks_like_code(HOLES.sub("", line))  # a link's path
    ]


# --- templates ---------------------------------------------------------------------------------

# Macro keyword arguments that are words on the page.
LABEL_KEYWORDS = {"label", "hint", "title", "legend", "heading", "text", "caption", "summary",
                  "button", "empty", "description"}  # fmt: skip


def _is_translating(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name in TRANSLATING
    )


def _literal_words(node: nodes.Node) -> Iterator[tuple[int, str]]:
    """Literal strings an expression would show as they are (not inside a translation)."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        if "<" in node.value:
            yield from ((node.lineno, words) for _, words in words_in_html(node.value))
        elif has_words(node.value):
            yield node.lineno, node.value
    elif isinstance(node, nodes.CondExpr):
        yield from _literal_words(node.expr1)
        if node.expr2 is not None:
            yield from _literal_words(node.expr2)
    elif isinstance(node, nodes.Concat):
        for part in node.nodes:
            yield from _literal_words(part)
    elif isinstance(node, (nodes.Filter, nodes.Add)) and not _is_translating(node):
        for part in (node.node,) if isinstance(node, nodes.Filter) else (node.left, node.right):
            if part is not None:
                yield from _literal_words(part)


class _Template:
    """The template's text as one document, holes where expressions and tags stood, kept on
    the same lines as in the source; and the literals its expressions show."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line = 1
        self.literals: list[tuple[str, int, str]] = []  # (hole, line, text)
        self.holes = 0

    def emit(self, text: str, lineno: int | None) -> None:
        lineno = lineno or self.line
        if lineno > self.line:
            self.parts.append("\n" * (lineno - self.line))
            self.line = lineno
        self.parts.append(text)
        self.line += text.count("\n")

    def hole(self, lineno: int | None) -> str:
        self.holes += 1
        self.emit(f"{HOLE}{self.holes}\x01", lineno)
        return str(self.holes)

    def expression(self, node: nodes.Node, hole: str) -> None:
        if _is_translating(node):
            return
        self.literals += [(hole, *found) for found in _literal_words(node)]
        self.calls(node, hole)

    def calls(self, node: nodes.Node, hole: str = "") -> None:
        for call in [node, *node.find_all(nodes.Call)]:
            if not isinstance(call, nodes.Call) or _is_translating(call):
                continue
            for keyword in call.kwargs:
                if keyword.key in LABEL_KEYWORDS:
                    self.literals += [(hole, *found) for found in _literal_words(keyword.value)]

    def walk(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.TemplateData):
            self.emit(node.data, node.lineno)
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    self.emit(child.data, child.lineno)
                else:
                    self.expression(child, self.hole(child.lineno))
        elif isinstance(node, nodes.Expr):
            self.calls(node)
        elif isinstance(node, nodes.Block) and node.name.endswith("class"):
            self.hole(node.lineno)  # a block that fills in a class attribute
        else:
            if isinstance(node, nodes.Stmt) and not isinstance(node, nodes.Template):
                self.hole(node.lineno)
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.calls(child)
                else:
                    self.walk(child)


def findings_in_template(env: Environment, source: str, name: str) -> list[str]:
    tree = env.parse(source, name=name)
    document = _Template()
    document.walk(tree)
    text = "".join(document.parts)
    muted: set[str] = set()
    plain = name.endswith((".txt", ".ics"))
    found = words_in_text(text) if plain else words_in_html(text, muted)
    found += [(line, words) for hole, line, words in document.literals if hole not in muted]
    return [f"{name}:{line}: {_shown(words)}" for line, words in sorted(set(found))]


# --- Python ------------------------------------------------------------------------------------

# The API's own document is English, for developers (README: Languages): its descriptions
# and summaries are not words for people.
OPENAPI_WORDS = {"description", "summary"}
PATTERN = re.compile(r"\\[bdsSw]|\(\?:")  # a regular expression
# Module-level tables that hold names, not words: a module's exported names, and each
# language's name in itself (the chooser shows "Cymraeg" to everyone, gembawalk/languages.py).
NOT_WORD_TABLES = {"__all__", "LANGUAGES"}
# Calls whose string arguments people read, and which of their arguments those are.
ERRORS = {"Invalid", "NotFound", "Forbidden", "Conflict", "Gone", "TooMany", "DomainError",
          "ValidationError", "StopValidation"}  # fmt: skip
VALIDATORS = {"DataRequired", "InputRequired", "Length", "NumberRange", "Email", "EqualTo",
              "Optional", "Regexp", "AnyOf", "NoneOf", "URL", "FileRequired", "FileAllowed",
              "FileSize"}  # fmt: skip
# Those whose first argument is the message (the others' are a field name, a pattern, ...).
MESSAGE_FIRST = ERRORS | {"DataRequired", "InputRequired", "FileRequired"}
# Argument positions read by people: flash(message), abort(code, description), the API's
# refuse(status, reason) and error_response(status, reason), and the form helpers' labels.
POSITIONS = {"flash": (0,), "abort": (1,), "refuse": (1,), "error_response": (1,),
             "limited": (1,), "whole_number": (1,), "choice": (3,)}  # fmt: skip
KEYWORDS = {"message", "description", "reason", "label", "subject", "title", "detail",
            "hint", "placeholder", "fields"}  # fmt: skip
MAIL = re.compile(r"mail|send|message", re.IGNORECASE)  # calls whose subject= is an email's


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _python_words(node: ast.AST | None, prose_only: bool = False) -> Iterator[ast.AST]:
    """Literal text inside an argument that is not wrapped in a translation."""
    if node is None:
        return
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATING:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = NAMES.sub(" ", node.value.strip())
        if (PROSE.search(text) or LABEL.match(text)) if prose_only else WORD.search(text):
            yield node
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if WORD.search(NAMES.sub(" ", text)):
            yield node
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value in OPENAPI_WORDS):
                yield from _python_words(value, prose_only)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        if any(isinstance(i, ast.Constant) and PATTERN.search(str(i.value)) for i in node.elts):
            return  # (name, pattern) pairs: a regular expression and the proper name it finds
        for item in node.elts:
            yield from _python_words(item, prose_only)
    elif isinstance(node, ast.IfExp):
        yield from _python_words(node.body, prose_only)
        yield from _python_words(node.orelse, prose_only)
    elif isinstance(node, ast.BinOp):
        yield from _python_words(node.left, prose_only)
        yield from _python_words(node.right, prose_only)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):  # "…".format(…): the text is the string the method is called on
        yield from _python_words(node.func.value, prose_only)


def _read_arguments(call: ast.Call) -> Iterator[ast.expr]:
    name = _name(call.func)
    if name in MESSAGE_FIRST:
        yield from call.args
    elif name.endswith("Field") and call.args:
        yield call.args[0]  # a form field's label
    for position in POSITIONS.get(name, ()):
        if len(call.args) > position:
            yield call.args[position]
    for keyword in call.keywords:
        if keyword.arg in KEYWORDS and (
            name in POSITIONS or name in ERRORS or name in VALIDATORS or name.endswith("Field")
            or keyword.arg in {"reason", "message"}
            or (keyword.arg == "subject" and MAIL.search(name))
        ):  # fmt: skip
            yield keyword.value


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def untranslated_nodes(tree: ast.AST) -> list[ast.AST]:
    """The literals (and f-strings) in `tree` that people would read untranslated."""
    found: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for argument in _read_arguments(node):
                found.update((id(n), n) for n in _python_words(argument))
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            pass
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            # msg["Subject"] = "…": an email's subject.
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "Subject"
                ):
                    found.update((id(n), n) for n in _python_words(node.value))
    # Words kept in module-level (and class-level) tables: dicts, lists and tuples of text.
    docstrings = _docstring_nodes(tree)
    scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]
    for scope in scopes:
        for statement in scope.body:  # type: ignore[attr-defined]
            value = getattr(statement, "value", None)
            targets = getattr(statement, "targets", [getattr(statement, "target", None)])
            if any(isinstance(t, ast.Name) and t.id in NOT_WORD_TABLES for t in targets):
                continue
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(
                value, (ast.Dict, ast.List, ast.Tuple, ast.Set)
            ):
                found.update((id(n), n) for n in _python_words(value, prose_only=True))
    nodes_ = [node for key, node in found.items() if key not in docstrings]
    return sorted(nodes_, key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]


def findings_in_python(source: str, name: str) -> list[str]:
    lines = source.splitlines()
    report = []
    for node in untranslated_nodes(ast.parse(source, filename=name)):
        text = node.value if isinstance(node, ast.Constant) else lines[node.lineno - 1].strip()  # type: ignore[attr-defined]
        report.append(f"{name}:{node.lineno}: {_shown(str(text))}")  # type: ignore[attr-defined]
    return report


# --- JavaScript --------------------------------------------------------------------------------

# Calls whose string arguments are names, not words: selectors, events, storage, logging.
JS_NAMES = re.compile(
    r"(?:querySelector(?:All)?|closest|matches|getElementById|addEventListener|"
    r"removeEventListener|dispatchEvent|CustomEvent|Event|getAttribute|setAttribute|"
    r"removeAttribute|hasAttribute|toggleAttribute|getItem|setItem|removeItem|fetch|"
    r"importScripts|postMessage|console\.\w+|createElement|createObjectStore|createIndex|"
    r"objectStore|transaction|index|open|register|mark|measure|"
    # A program's reason for failing: shown, if ever, only as the detail inside a translated
    # sentence ("This device could not keep it: …"), as the browser's own errors are.
    r"new Error)\s*\(\s*$"
)
# Keys and properties whose values are names: a class, an element's type or role, a data- value.
JS_NAME_KEYS = re.compile(
    r"""(?:\b(?:class|className|type|name|role|id|htmlFor|for|rel|method|action|autocomplete|"""
    r"""inputmode|mode|cache|credentials|kind|status|state)|["']?data-[\w-]+["']?)\s*[:=]\s*$|"""
    r"""classList\.\w+\(\s*$"""
)
TAG_NAMES = {"a", "article", "body", "button", "dd", "details", "div", "dl", "dt", "fieldset",
             "form", "h1", "h2", "h3", "h4", "header", "html", "img", "input", "label", "legend",
             "li", "main", "nav", "ol", "option", "p", "section", "select", "span", "strong",
             "summary", "table", "tbody", "td", "textarea", "th", "thead", "time", "tr", "ul",
             "output", "small", "em", "figure", "figcaption", "aside", "footer"}  # fmt: skip
SELECTOR = re.compile(r"^[\w\-.#\[\]=\"':>~+*(),^$|\s]+$")


def _looks_like_code(text: str) -> bool:
    stripped = text.strip()
    if re.match(r"^(?:/|\.\.?/|https?:|mailto:|data:|blob:)", stripped) or "://" in stripped:
        return True  # a URL or path
    # a CSS selector
    return bool(SELECTOR.match(stripped)) and (
        bool(re.search(r"(?:^|[\s>+~,])[.#][A-Za-z_-]|\[|>|:[a-z]", stripped))
        or all(t in TAG_NAMES for t in re.split(r"[\s,]+", stripped) if t)
    )


def js_strings(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, text, what came before it on the line) for each string literal, outside
    comments and regular expressions; a template literal's `${…}` parts become holes."""
    i, n, line = 0, len(source), 1
    last = ""  # the last significant character, to tell a regex's / from a division
    last_word = ""
    while i < n:
        c = source[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += source.count("\n", i, end)
            i = end
            continue
        if c in "'\"`":
            start_line, j, text, depth = line, i + 1, [], 0
            while j < n and source[j] != c:
                if source[j] == "\\":
                    text.append(source[j : j + 2])
                    j += 2
                    continue
                if c == "`" and source.startswith("${", j):
                    # skip to the matching brace (nested strings inside are not read as words)
                    depth, j = 1, j + 2
                    while j < n and depth:
                        depth += {"{": 1, "}": -1}.get(source[j], 0)
                        line += source[j] == "\n"
                        j += 1
                    text.append(f"{HOLE}\x01")
                    continue
                line += source[j] == "\n"
                text.append(source[j])
                j += 1
            before = source[source.rfind("\n", 0, i) + 1 : i]
            yield start_line, "".join(text), before
            i, last, last_word = j + 1, "a", ""
            continue
        if c == "/" and (last in "(,=:[!&|?{};+-*%<>~^" or last_word in {"return", "typeof"}):
            # a regular expression literal
            j, in_class = i + 1, False
            while j < n and source[j] != "\n":
                if source[j] == "\\":
                    j += 2
                    continue
                if source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                elif source[j] == "/" and not in_class:
                    break
                j += 1
            i, last = j + 1, "a"
            continue
        if not c.isspace():
            if c.isalnum() or c in "_$":
                m = re.match(r"[\w$]+", source[i:])
                assert m
                last_word, last = m.group(), "a"
                i += len(m.group())
                continue
            last, last_word = c, ""
        i += 1


def findings_in_js(source: str, name: str) -> list[str]:
    found = []
    for line, text, before in js_strings(source):
        if JS_NAMES.search(before) or JS_NAME_KEYS.search(before):
            continue
        if before.rstrip().endswith(("import", "from")):
            continue
        if text == "use strict":  # a directive
            continue
        if "<" in text and re.search(r"<[a-z][\w-]*[\s>/]", text):
            pieces = [words for _, words in words_in_html(text)]
        else:
            pieces = [text]
        for piece in pieces:
            plain = " ".join(NAMES.sub(" ", HOLES.sub(" ", piece)).split())
            if PROSE.search(plain) and not _looks_like_code(plain) and has_words(plain):
                found.append(f"{name}:{line}: {_shown(piece)}")
    return found


# --- the project's files -----------------------------------------------------------------------


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def template_findings(env: Environment) -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in {".html", ".txt", ".ics"}:
            source = path.read_text(encoding="utf-8")
            found += findings_in_template(env, source, _relative(path))
    return found


def python_findings() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _relative(path).startswith(PYTHON_EXCLUDED):
            continue
        found += findings_in_python(path.read_text(encoding="utf-8"), _relative(path))
    return found


def js_findings() -> list[str]:
    found = []
    for path in sorted(SCRIPTS.rglob("*.js")):
        found += findings_in_js(path.read_text(encoding="utf-8"), _relative(path))
    return found


def test_no_template_shows_untranslated_words(app):
    found = template_findings(app.jinja_env)
    assert not found, f"{len(found)} untranslated:\n" + "\n".join(found)


def test_no_python_gives_people_untranslated_words():
    found = python_findings()
    assert not found, f"{len(found)} untranslated:\n" + "\n".join(found)


def test_no_offline_script_has_words_of_its_own():
    found = js_findings()
    assert not found, f"{len(found)} untranslated:\n" + "\n".join(found)


# --- the readers themselves, on made-up snippets -----------------------------------------------


@pytest.fixture
def env(app):
    return app.jinja_env


def _texts(findings: list[str]) -> list[str]:
    return [f.split(": ", 1)[1] for f in findings]


def test_the_template_reader_finds_words_people_read(env):
    source = """{% extends "base.html" %}
{% block title %}Walks{% endblock %}
{% block content %}
<h1>Your walks</h1>
<p class="lead">{{ count }} planned this week</p>
<a href="/x" aria-label="Open the walk">&rarr;</a>
<img src="a.png" alt="A photo">
<input type="text" placeholder="Search people">
<input type="submit" value="Save">
<meta name="description" content="Walks and what was seen">
<button title="Remove {{ name }}">x</button>
{{ "Nothing yet" }}
{{ "Late" if late else _("On time") }}
{{ forms.field(form.name, label="Your name", hint=_("As people know you.")) }}
{% endblock %}"""
    found = findings_in_template(env, source, "made-up.html")
    assert _texts(found) == [
        "Walks",
        "Your walks",
        "planned this week",
        "Open the walk",
        "A photo",
        "Search people",
        "Save",
        "Walks and what was seen",
        "Remove",
        "Nothing yet",
        "Late",
        "Your name",
    ]
    assert found[0].startswith("made-up.html:2: ")
    assert found[1].startswith("made-up.html:4: ")


def test_the_template_reader_passes_translated_and_unworded_text(env):
    source = """{% extends "base.html" %}
{% block title %}{{ _("Walks") }}{% endblock %}
{% block content %}
<h1 class="page-title">{{ _("Your walks") }}</h1>
<p>{% trans n=count %}{{ n }} planned this week{% endtrans %}</p>
<p>{{ ngettext("%(num)d walk", "%(num)d walks", count) }} &middot; {{ share }}%</p>
<a href="/walks/new?kind=gemba_walk" aria-label="{{ _('Open the walk') }}">&rarr; 12:30 —</a>
<input type="text" name="q" value="{{ q }}" placeholder="{{ _('Search people') }}">
<input type="hidden" name="kind" value="gemba_walk">
<button type="submit" name="step" value="next">{{ _("Next") }}</button>
<p>Gemba Walk &copy; 2026 · gemba</p>
<pre><code>curl -s https://example.org/api/v1/walks</code></pre>
<script type="application/json">{"words": "are data"}</script>
{% if x == "in progress" %}{{ url_for("walks.list", show="all") }}{% endif %}
{{ forms.field(form.name, label=_("Your name"), class_="wide") }}
<button class="button {{ 'button-primary' if main }}" data-state="{{ 'waiting here' }}">
{{- _("Send") }}</button>
{% endblock %}
{% block body_class %}narrow{% endblock %}"""
    assert findings_in_template(env, source, "made-up.html") == []


def test_the_template_reader_reads_an_email_as_plain_text(env):
    source = (
        "{{ _('Hello %(name)s,', name=name) }}\n\nYour week in walks:\n{{ url }}\n"
        "  {{ base_url }}/walks/{{ walk.uuid }}\n"
    )
    assert findings_in_template(env, source, "made-up.txt") == [
        "made-up.txt:3: Your week in walks:"
    ]


def test_the_python_reader_finds_words_given_to_people():
    source = '''"""A module docstring is for developers."""
from flask import flash, abort
from flask_babel import gettext as _, lazy_gettext as _l

LABELS = {"open": "Still open", "done": _l("Done"), "kind": "Kind", "type": "JPEG"}
PATHS = {"/walks": {"get": {"summary": "The signed-in manager's walks"}}}
__all__ = ["Walk", "Person"]
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
_BROWSERS = (("Samsung Internet", r"\\bSamsungBrowser/(\\d+)"),)
KINDS = ("customer_visit", "gemba_walk")


class WalkForm:
    when = DateField("When", validators=[InputRequired("Enter a date.")])
    where = StringField(_l("Where"), validators=[Length(max=5, message="Too long.")])


def view(walk):
    """Docstrings are for developers too."""
    flash("Walk planned.")
    flash(_("Walk started."))
    abort(404, "No such walk")
    abort(404)
    refuse(400, f"Send at most {n} records.")
    raise Invalid({"when": "Enter a time.", "where": _("Enter a place.")})
    raise Conflict("Only a planned walk can be " + "cancelled.")
    raise NotFound(_("No such walk."))
    EqualTo("new_password", message=_("The two passwords differ."))
    message["Subject"] = "Your week"
    doc = {"summary": "Sign in", "description": "For the API's own readers."}
    logger.info("Walk %s planned by someone", walk.id)
    return {"status": "in progress"}
'''
    found = findings_in_python(source, "made-up.py")
    assert _texts(found) == [
        "Still open",
        "Kind",
        "When",
        "Enter a date.",
        "Too long.",
        "Walk planned.",
        "No such walk",
        'refuse(400, f"Send at most {n} records.")',
        "Enter a time.",
        "Only a planned walk can be",
        "cancelled.",
        "Your week",
    ]
    assert found[0] == "made-up.py:5: Still open"


def test_the_javascript_reader_finds_sentences_not_names():
    source = r"""// A comment says what it likes: "Nothing to see here."
/* Nor does "a block comment." */
import { x } from "./gw-words.js";
const SELECTOR = ".walk-list li > a[data-id]";
document.querySelector("main h1");
el.addEventListener("gw:sent", go);
localStorage.setItem("gw outbox", "1");
console.warn("could not open the store", error);
tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
const re = /a b. c/g;
fetch("/api/v1/walks?show=all please");
status.textContent = "Saved on this device.";
status.textContent = words.said.saved_here;
banner.innerHTML = `<p class="note">${count} waiting to send</p>`;
button.setAttribute("aria-label", "Remove photo");
const later = `Sent ${n} of ${total}…`;
const kind = "gemba_walk";
const wait = ms / 1000 / 60;
h("p", { class: "muted small", text: "Waits until it has been sent." });
item.classList.add("flash flash-success");
"""
    found = findings_in_js(source, "made-up.js")
    assert _texts(found) == [
        "Saved on this device.",
        "waiting to send",
        "Remove photo",
        "Sent {…} of {…}…",
        "Waits until it has been sent.",
    ]
    assert found[0] == "made-up.js:12: Saved on this device."
