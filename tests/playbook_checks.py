"""Checks every test run of ansible-playbook gets: did an exception escape a module?

An exception that a module does not catch reaches Ansible's module runner, which reports the task
as failed with the exception. The module's own `fail_json` (or `exit_json`) is a different path,
and the recorded results (tests/integration/callback_plugins/record_results.py) tell the two apart.
Measured on ansible-core 2.19.14 and 2.20.10 with ANSIBLE_DISPLAY_TRACEBACK=always
(tests/ansible_env.py), which both spell the same way:

- The `exception` text of a failed module task starts with the module-side traceback, then, after
  TARGET_SEPARATOR, the controller's. `failed_when: false` keeps only the module side, under
  `failed_when_suppressed_exception`, on a result that counts as ok.
- `fail_json` ends the module side with a `Message: <msg>` line, and AnsibleModule adds the
  `invocation` key to what `exit_json` and `fail_json` return.
- An exception that escaped has no `invocation`, and the module side ends with the exception's
  type and message (`KeyError: 'oops'`).
- `fail_json` called inside an `except` block: ansible-core attaches the exception being handled,
  so the module side ends with that exception's line, but `invocation` is there: not escaped.
- A task with `no_log: true` is censored: `invocation` is gone, the `exception` text stays. There
  an escaped exception is told by where its traceback starts: in Ansible's module runner (the
  module's frames come after it), while an exception handled by the module starts in the module.

Older ansible-core (2.18 and before) reported an escaped exception as "MODULE FAILURE" with the
traceback in `module_stderr`; that form is recognised too.
"""
from __future__ import annotations

import json
from pathlib import Path

TARGET_SEPARATOR = "The above target exception was the direct cause of the following controller exception:"
FAIL_JSON_LINE = "Message: "
MODULE_RUNNER = "/ansible/module_utils/_internal/_ansiballz/"
CENSORED = "censored"


def read_results(results_file: Path) -> list:
    """The results the record_results callback wrote, one dict per task result."""
    if not results_file.exists():
        return []
    return [json.loads(line) for line in results_file.read_text().splitlines() if line]


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _first_frame(text: str) -> str:
    return next((line for line in text.splitlines() if line.lstrip().startswith("File ")), "")


def _module_side(result: dict) -> str:
    """The module's own traceback in a result, "" when there is none."""
    exception = result.get("exception")
    if isinstance(exception, str) and TARGET_SEPARATOR in exception:
        return exception.split(TARGET_SEPARATOR, 1)[0]
    suppressed = result.get("failed_when_suppressed_exception")
    if isinstance(suppressed, str):
        return suppressed
    return ""


def escaped_exception(result: dict) -> str | None:
    """The last line of an exception that escaped the module which made `result`, else None."""
    if not isinstance(result, dict):
        return None
    module_side = _module_side(result)
    if module_side:
        last = _last_line(module_side)
        if last.startswith(FAIL_JSON_LINE):
            return None                      # the module's own fail_json
        if "invocation" in result:
            return None                      # fail_json inside an except block: the module handled it
        if CENSORED in result and MODULE_RUNNER not in _first_frame(module_side):
            return None                      # no_log hides `invocation`; handled in the module
        return last
    msg = str(result.get("msg") or "")
    stderr = str(result.get("module_stderr") or "")
    if msg.startswith("MODULE FAILURE") and "Traceback (most recent call last)" in stderr:
        return _last_line(stderr)
    return None


def escaped_exceptions(results) -> list:
    """One line per recorded result (or loop item) in which an exception escaped a module.

    `results`: the records of one run, each with `host`, `task` and `result`.
    """
    found = []
    for record in results:
        result = record.get("result") or {}
        items = result.get("results") if isinstance(result.get("results"), list) else []
        for index, item in enumerate([result, *items]):
            last = escaped_exception(item)
            if last is not None:
                where = f" (loop item {index - 1})" if index else ""
                found.append(f"{record.get('host')}: task {record.get('task')!r}{where}: {last}")
    return found


class EscapedExceptionError(AssertionError):
    """A run in which an exception escaped a module; `found` holds escaped_exceptions()' lines."""

    def __init__(self, found, shown=None):
        self.found = list(found)
        super().__init__("an exception escaped a module (not its own fail_json):\n" + "\n".join(shown or self.found))
