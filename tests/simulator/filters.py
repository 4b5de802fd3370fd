"""The small part of Okta's filter/search expression language the contract uses.

`attr eq "value"` and `attr sw "value"` clauses joined by `or` / `and` (no parentheses, `and`
binds tighter). Unsupported expressions are answered as Okta does, with E0000031 (invalid search).
"""
from __future__ import annotations

import re

from .wire import OktaFailure

CLAUSE = re.compile(r'\s*([A-Za-z_][\w.]*)\s+(eq|sw)\s+"((?:[^"\\]|\\.)*)"\s*', re.IGNORECASE)
JOIN = re.compile(r"\s*(and|or)\s+", re.IGNORECASE)
MAX_CLAUSES = 100


def parse_expression(text: str) -> list[list[tuple]]:
    """Disjunction of conjunctions: [[(attr, op, value), ...], ...]."""
    groups, current, pos = [], [], 0
    if not text or not text.strip():
        raise OktaFailure(400, "E0000031", "Invalid search criteria.", ["The expression is empty."])
    while True:
        match = CLAUSE.match(text, pos)
        if not match:
            raise OktaFailure(400, "E0000031", "Invalid search criteria.",
                              [f"Unsupported expression near position {pos}: use attr eq \"value\" joined by or/and."])
        current.append((match.group(1), match.group(2).lower(), match.group(3).replace('\\"', '"')))
        pos = match.end()
        if pos >= len(text):
            break
        join = JOIN.match(text, pos)
        if not join:
            raise OktaFailure(400, "E0000031", "Invalid search criteria.", [f"Expected 'and' or 'or' at position {pos}."])
        if join.group(1).lower() == "or":
            groups.append(current)
            current = []
        pos = join.end()
    groups.append(current)
    if sum(len(g) for g in groups) > MAX_CLAUSES:
        raise OktaFailure(400, "E0000031", "Invalid search criteria.",
                          [f"The expression has more than {MAX_CLAUSES} conditions."])
    return groups


def lookup(obj: dict, attr: str):
    node = obj
    for part in attr.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def lookup_all(obj, attr: str) -> list:
    """Every value a dotted attribute reaches, going through lists: `target.id` of a System Log event names the id
    of each of its targets (Okta: a filter on such an attribute matches when any element matches,
    https://developer.okta.com/docs/reference/system-log-query/)."""
    nodes = [obj]
    for part in attr.split("."):
        found = []
        for node in nodes:
            if isinstance(node, list):
                found += [item.get(part) for item in node if isinstance(item, dict)]
            elif isinstance(node, dict):
                found.append(node.get(part))
        nodes = found
    values = []
    for node in nodes:
        values.extend(node if isinstance(node, list) else [node])
    return values


def _clause_holds(actual, op: str, value: str) -> bool:
    actual = "" if actual is None else str(actual)
    if op == "eq":
        return actual.lower() == value.lower()
    return actual.lower().startswith(value.lower())


def matches(obj: dict, groups: list) -> bool:
    for conjunction in groups:
        if all(any(_clause_holds(actual, op, value) for actual in lookup_all(obj, attr) or [None])
               for attr, op, value in conjunction):
            return True
    return False


def single_attr_eq_values(groups: list, attr: str) -> list | None:
    """The values when the expression is only `attr eq "v"` clauses joined by `or` (index-friendly)."""
    values = []
    for conjunction in groups:
        if len(conjunction) != 1 or conjunction[0][0].lower() != attr.lower() or conjunction[0][1] != "eq":
            return None
        values.append(conjunction[0][2])
    return values
