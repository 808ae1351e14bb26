"""The plan's one way of listing those an import would deactivate (people and customers)."""

from __future__ import annotations

from dataclasses import dataclass

from gembawalk.services.imports.plan import DEACTIVATED, Plan, missing


@dataclass
class Record:
    name: str
    active: bool


def test_missing_is_the_active_records_the_file_leaves_out_in_the_apps_order():
    current = {"c": Record("c", True), "a": Record("a", True), "b": Record("b", False)}
    assert missing(current, {"x"}) == ["c", "a"]
    assert missing(current, {"c"}) == ["a"]
    assert missing(current, {"a", "c"}) == []


def test_deactivations_are_listed_in_each_nouns_words():
    into: list[Record] = []
    gone = Record("Ann", True)
    people = Plan("people", 1, True)
    people.deactivate([("ann@example.org", gone)], into)
    customers = Plan("customers", 1, True)
    customers.deactivate([("Acme (Plant)", gone)], into)
    assert into == [gone, gone]
    assert [c.describe() for c in people.changes + customers.changes] == [
        "deactivated ann@example.org (status active → deactivated)",
        "deactivated Acme (Plant) (status active → inactive)",
    ]
    assert people.count(DEACTIVATED) == customers.count(DEACTIVATED) == 1
