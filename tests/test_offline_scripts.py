"""The offline scripts in static/js/: bundled after what each says it needs, and holding no
copy of the product's words or limits (they read the JSON each page embeds). Their pure rules
are unit-tested by node's test runner in tests/js/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gembawalk.assets import OFFLINE_JS
from gembawalk.pwa.vocabulary import WORDS

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPTS = sorted((STATIC / "js").glob("*.js"))


def header_and_code(path: Path) -> tuple[str, str]:
    """The comment lines a script opens with, and the rest."""
    lines = path.read_text().splitlines()
    split = next(i for i, line in enumerate(lines) if not line.startswith("//"))
    return " ".join(line[2:].strip() for line in lines[:split]), "\n".join(lines[split:])


def module_of(path: Path) -> tuple[str, set[str], set[str]]:
    """What a script says it is and needs, and the modules its code uses."""
    header, code = header_and_code(path)
    found = re.search(r"Module Gemba\.(\w+)\b.*?Needs (nothing|(?:,? *Gemba\.\w+)+)", header)
    assert found, f"{path.name} does not say which module it is and what it needs"
    name, needs = found.group(1), set(re.findall(r"Gemba\.(\w+)", found.group(2)))
    return name, needs, set(re.findall(r"\bGemba\.(\w+)", code)) - {name}


def test_each_offline_script_is_bundled_after_what_it_says_it_needs():
    provided: set[str] = set()
    for asset in OFFLINE_JS:
        path = STATIC / asset
        name, needs, used = module_of(path)
        assert used == needs, f"{path.name} says it needs {sorted(needs)} but uses {sorted(used)}"
        assert needs <= provided, f"{path.name} comes before {sorted(needs - provided)}"
        provided.add(name)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_no_product_word_or_limit_is_typed_in_a_script(path):
    _, code = header_and_code(path)
    labels = {member.label for words in WORDS.values() for member in words}
    typed = {label for label in labels if f'"{label}"' in code or f"'{label}'" in code}
    assert not typed, f"{path.name} types {sorted(typed)}: read them from Gemba.words"
    assert not re.search(r"\b(maxlength|max|min)\s*:\s*\"?[1-9]", code), (
        f"{path.name} types a limit: read it from Gemba.words"
    )
