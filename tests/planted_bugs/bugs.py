"""The planted bugs: each a defect the suite must catch, as exact text replacements in a copy of the collection.

A `Bug` names the file, the text to replace (found exactly once, or the bug cannot be planted and the
run fails loudly: the code moved and the entry must follow it), the text that replaces it, and the few
tests that must fail once it is planted. Adding a bug is adding one entry to BUGS.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    path: str     # relative to the repository
    old: str
    new: str


@dataclass(frozen=True)
class Bug:
    name: str
    why: str                 # what a user would suffer
    edits: tuple             # Edit, ...
    tests: tuple             # pytest node ids (relative to the repository) that must fail


PROVISIONING = "plugins/module_utils/_provisioning.py"
API_INTEGRATION = "plugins/module_utils/_okta_api_integration.py"
MODULE_SHELL = "plugins/module_utils/_okta_module.py"
TRANSPORT = "plugins/module_utils/_transport.py"
SYSTEM_LOG = "plugins/module_utils/_system_log.py"
EVENT_SOURCE = "extensions/eda/plugins/event_source/okta_system_log.py"

BUGS = (
    Bug(
        name="write in check mode",
        why="an audit in check mode enables provisioning on the org it audits",
        edits=(Edit(PROVISIONING,
                    "        if not self.check_mode:\n            self._apply_saying_what_was_written()\n",
                    "        self._apply_saying_what_was_written()\n"),),
        tests=("tests/integration/test_provisioning.py::test_check_mode_then_enable_then_nothing_to_do",),
    ),
    Bug(
        name="secret in an error message",
        why="the Salesforce password, quoted with !r in the refusal message, reaches the job log",
        edits=(Edit(API_INTEGRATION,
                    "                                rejected_as=username)\n",
                    "                                rejected_as=f\"{username} (password {secret!r})\")\n"),),
        tests=("tests/reliability/test_secrets.py::test_modules_with_an_api_token_success_and_failure_paths",),
    ),
    Bug(
        name="swallowed exception",
        why="a bug in a module ends the task ok, unchanged: the failure is hidden from the admin",
        edits=(Edit(MODULE_SHELL,
                    "            failure = {\"msg\": self._bug_message(error)}\n",
                    "            result = {}\n"),),
        tests=("tests/unit/plugins/module_utils/test__okta_module.py",
               "tests/integration/test_module_shell.py::test_every_error_ends_in_the_modules_own_failed_result[okta_sf_provisioning]"),
    ),
    Bug(
        name="no read-back after a lost answer",
        why="a connection save whose answer was lost is resent blindly: a second Salesforce login, or a lockout",
        edits=(Edit(API_INTEGRATION,
                    "        state = _read_back(client, app_id, action, lost)\n"
                    "        if applied(state):\n"
                    "            return state\n"
                    "        if attempt == 2:\n"
                    "            raise _lost_twice(client, app_id, action, lost, state)\n",
                    "        if attempt == 2:\n"
                    "            raise lost\n"),),
        tests=("tests/unit/plugins/module_utils/test__okta_api_integration.py",),
    ),
    Bug(
        name="a failure half-way hides what was written",
        why="an admin whose role lost its write permission mid-run cannot tell what Okta already holds",
        edits=(Edit(PROVISIONING,
                    "            if self.written:\n                error.args = (",
                    "            if False:\n                error.args = ("),),
        tests=("tests/reliability/test_bad_input.py::"
               "test_a_read_only_admin_token_stops_cleanly_and_says_what_was_and_was_not_written",),
    ),
    Bug(
        name="TLS advice that cannot help",
        why="a certificate for another host name, or an expired one, is met with 'set ca_path', which cannot fix it",
        edits=(Edit(TRANSPORT, "        kind = _tls_kind(error)\n", "        kind = \"tls\"\n"),),
        tests=("tests/unit/plugins/module_utils/test__transport.py",),
    ),
    Bug(
        name="removals before adds",
        why="with exclusive, a user moving to a listed group is unassigned (and deactivated in Salesforce) before the "
            "group is assigned, and removals go out even when the adds fail",
        edits=(Edit("plugins/module_utils/_assignment_plan.py", "            return 2\n", "            return 0\n"),),
        tests=("tests/integration/test_assignment_safe_exclusive.py::test_every_removal_comes_after_every_add_and_update",
               "tests/integration/test_assignment_safe_exclusive.py::"
               "test_no_removal_when_an_add_failed_and_each_is_in_not_removed"),
    ),
    Bug(
        name="an event counted as delivered while still in the queue",
        why="the event ansible-rulebook had not yet taken when the source stopped is lost: a settings change or a "
            "push failure is never answered",
        edits=(Edit(EVENT_SOURCE, "            await _taken(queue)\n", ""),),
        tests=("tests/integration/test_event_source.py::"
               "test_every_event_once_in_order_over_pages_and_a_restart_in_the_middle_of_a_page",),
    ),
    Bug(
        name="the automation's own changes look like an admin's",
        why="each remediation's own writes start another audit and remediation, run after run",
        edits=(Edit(SYSTEM_LOG, "        return bool({actor.get(\"id\"), actor.get(\"alternateId\")} & ",
                    "        return False and bool({actor.get(\"id\"), actor.get(\"alternateId\")} & "),),
        tests=("tests/integration/test_event_source.py::"
               "test_events_are_shaped_for_rules_and_the_automations_own_changes_are_marked",),
    ),
    Bug(
        name="a refused Okta credential polled again",
        why="the event source keeps polling with a revoked token, filling Okta's log with refusals and never "
            "telling anyone it stopped seeing events",
        edits=(Edit(EVENT_SOURCE, "                if error.status in (401, 403):\n", "                if False:\n"),),
        tests=("tests/integration/test_event_source.py::"
               "test_a_refused_credential_stops_the_source_with_a_clear_message_and_no_secret",),
    ),
)
