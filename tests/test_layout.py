"""How the package hangs together: blueprints do not import each other in a circle, and app-wide
template helpers are registered in templating.py, not from inside a blueprint."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gembawalk"
# Each folder holding a views.py is a blueprint (api/ is one blueprint of many modules).
BLUEPRINTS = sorted(p.parent.name for p in PACKAGE.glob("*/views.py")) + ["api"]


def _imported_blueprints(path: Path) -> set[str]:
    """The other blueprints a module under gembawalk/<blueprint>/ imports (relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
            top = node.module.split(".")[0]
            if top in BLUEPRINTS:
                found.add(top)
    return found


def _graph() -> dict[str, set[str]]:
    return {
        name: set().union(*(_imported_blueprints(p) for p in (PACKAGE / name).rglob("*.py")))
        - {name}
        for name in BLUEPRINTS
    }


def test_no_two_blueprints_import_each_other_even_through_others():
    graph = _graph()
    assert "coaching" in graph["followups"]  # the check sees real imports

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for step in graph[start] - seen:
            if step == goal or reaches(step, goal, seen | {step}):
                return True
        return False

    circles = sorted(name for name in BLUEPRINTS if reaches(name, name, set()))
    assert circles == []


def test_template_helpers_are_registered_only_in_templating():
    registering = (
        "app_template_filter",
        "app_template_global",
        "app_template_test",
        "app_context_processor",
        "add_template_filter",
        "add_template_global",
        "add_template_test",
        "context_processor",
    )
    where = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(word in path.read_text() for word in registering)
    }
    assert where == {"templating.py"}
