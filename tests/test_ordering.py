"""The one rule for a unit's ordered, retirable lists (demand types, standard questions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gembawalk.services import ordering


@dataclass(eq=False)
class Item:
    name: str
    position: int = 0
    retired_at: datetime | None = None


def names(items):
    return [i.name for i in sorted(items, key=lambda i: i.position)]


def test_moving_swaps_with_the_neighbour_and_numbers_them_again():
    a, b, c = Item("a", 3), Item("b", 7), Item("c", 9)
    ordering.move_among(c, [a, b, c], -1)
    assert names([a, b, c]) == ["a", "c", "b"]
    assert [a.position, c.position, b.position] == [0, 1, 2]
    ordering.move_among(a, [a, c, b], 1)
    assert names([a, b, c]) == ["c", "a", "b"]


def test_one_past_either_end_stays_and_an_item_not_listed_is_left_alone():
    a, b, stray = Item("a", 0), Item("b", 1), Item("stray", 5)
    ordering.move_among(a, [a, b], -1)
    ordering.move_among(b, [a, b], 1)
    assert names([a, b]) == ["a", "b"]
    ordering.move_among(stray, [a, b], -1)
    assert stray.position == 5
    assert [a.position, b.position] == [0, 1]


def test_retiring_twice_keeps_the_first_moment():
    item = Item("a")
    first, later = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    ordering.retire(item, first)
    ordering.retire(item, later)
    assert item.retired_at == first
