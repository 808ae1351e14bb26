"""The coaching rules of a people import: each coach named is a coach, and nobody ends up
coaching, through others, the person who coaches them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask_babel import gettext

from ...models import Role

if TYPE_CHECKING:
    from .people import Current, Wanted


def check_coaches(
    wanted: dict[str, Wanted],
    people: dict[str, Current],
    leaving: set[str],
    problems: list[tuple[int | None, str]],
) -> None:
    """Each coach named is a coach: in the file with that role, or in the app, active, and
    staying so."""
    for person in wanted.values():
        for coach in person.coaches if person.coach_named else ():
            if not coach:
                continue  # a malformed address, refused already
            if coach == person.email:
                problems.append((person.line, gettext("nobody coaches themselves")))
            elif coach in wanted:
                if Role.COACH not in wanted[coach].roles:
                    line = wanted[coach].line
                    problems.append(
                        (
                            person.line,
                            gettext(
                                "coach %(email)s is not a coach (line %(line)d gives no coach "
                                "role)",
                                email=coach,
                                line=line,
                            ),
                        )
                    )
            elif coach not in people:
                problems.append(
                    (
                        person.line,
                        gettext(
                            "coach %(email)s is neither in the file nor in the app", email=coach
                        ),
                    )
                )
            elif Role.COACH not in people[coach].roles:
                problems.append(
                    (person.line, gettext("coach %(email)s is not a coach", email=coach))
                )
            elif not people[coach].active:
                problems.append(
                    (person.line, gettext("coach %(email)s is deactivated", email=coach))
                )
            elif coach in leaving:
                problems.append(
                    (
                        person.line,
                        gettext(
                            "coach %(email)s is not in the file, so would be deactivated",
                            email=coach,
                        ),
                    )
                )


def cycles(edges: dict[str, frozenset[str]], starts: Iterable[str]) -> list[list[str]]:
    """Each circle of coaching reached from `starts` (depth first, without recursion: a chain
    may be thousands long)."""
    state: dict[str, int] = {}  # 1: on the path now, 2: done
    found: list[list[str]] = []
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        path, stack = [start], [iter(sorted(edges.get(start, ())))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                state[path.pop()] = 2
            elif state.get(child) == 1:
                found.append(path[path.index(child) :])
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(edges.get(child, ()))))
    return found


def check_cycles(
    wanted: dict[str, Wanted],
    people: dict[str, Current],
    stop_coaching: set[str],
    problems: list[tuple[int | None, str]],
) -> None:
    """Nobody ends up coaching, through others, the person who coaches them."""
    edges = {
        email: frozenset(c for c in now.coaches if c not in stop_coaching)
        for email, now in people.items()
    }
    edges.update(
        (email, frozenset(c for c in w.coaches if c and c != email)) for email, w in wanted.items()
    )
    for cycle in cycles(edges, sorted(wanted)):
        lines = [wanted[email].line for email in cycle if email in wanted]
        if lines:
            circle = " → ".join([*cycle, cycle[0]])
            problems.append(
                (min(lines), gettext("coaching goes round in a circle: %(circle)s", circle=circle))
            )
