"""Batches of cases, each one task of one playbook: run many cases in one ansible-playbook process.

A case is a task (registered under its own name, `ignore_errors` so the next case runs) and what its
result must show. The playbook's results are then checked case by case, so one process proves many.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

COLLECTION = "idm.okta_salesforce."
# Where ansible-core puts a failure's traceback (ANSIBLE_DISPLAY_TRACEBACK=always): every failed case
# has one there. An exception that escaped a module is found by the harness (tests/playbook_checks.py).
TRACEBACK_KEYS = ("exception", "failed_when_suppressed_exception")


@dataclass
class Case:
    """One realistic mistake (or one TLS setting): the module, its options, and the expected outcome.

    `words`: each must occur in the failure message (case-insensitive): what is wrong and what to do.
    `fails`: False for cases that must succeed (then `words` are looked for in the warnings).
    """
    name: str
    module: str
    options: dict
    words: tuple = ()
    fails: bool = True
    task_extra: dict = field(default_factory=dict)

    @property
    def register(self):
        return "case_" + re.sub(r"\W+", "_", self.name.lower()).strip("_")

    def task(self):
        entry = {"name": self.name, COLLECTION + self.module: self.options, "register": self.register,
                 "ignore_errors": True}
        entry.update(self.task_extra)
        return entry


def tasks_of(cases):
    names = [case.name for case in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return [case.task() for case in cases]


def verdict(case, run):
    """None when the case behaved as expected, else what went wrong (one line)."""
    found = [r for r in run.results if r["task"] == case.name]
    if not found:
        return "no result recorded"
    entry = found[-1]
    result = entry["result"]
    text = " ".join([str(result.get("msg") or "")] + [str(w) for w in result.get("warnings") or []])
    if case.fails and entry["status"] != "failed":
        return f"expected a failure, got {entry['status']}"
    if not case.fails and entry["status"] == "failed":
        return f"expected success, failed: {result.get('msg')}"
    shown = {key: value for key, value in result.items() if key not in TRACEBACK_KEYS}
    if "Traceback (most recent call last)" in str(shown):
        return "a Python traceback in the result's message or fields"
    missing = [word for word in case.words if word.lower() not in text.lower()]
    if missing:
        return f"message lacks {missing}: {text[:600]}"
    return None
