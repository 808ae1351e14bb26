"""A unit's short lists that people put in order and retire rather than delete: its demand types
and its standard questions. What moving one up or down and retiring it mean, said once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar


class Ordered(Protocol):
    position: int
    retired_at: datetime | None


Item = TypeVar("Item", bound=Ordered)


def move_among(item: Item, siblings: Sequence[Item], by: int) -> None:
    """Move `item` up (by=-1) or down (by=1) among `siblings` (those in use, in their order),
    and number them all again from 0; one past either end stays where it is."""
    order = list(siblings)
    if item not in order:
        return
    here = order.index(item)
    there = min(max(here + by, 0), len(order) - 1)
    order.insert(there, order.pop(here))
    for position, sibling in enumerate(order):
        sibling.position = position


def retire(item: Ordered, now: datetime) -> None:
    """No longer offered from `now`; retiring twice keeps the first moment."""
    if item.retired_at is None:
        item.retired_at = now
