"""The harness sees an exception that escaped a module, and only that.

A test-only module in the playbook's own library/ (in tmp_path, not in plugins/) raises, fails
cleanly, or fails from inside an `except` block; real ansible-playbook runs go through the same
`run_playbook` every integration and reliability test uses (tests/playbook_checks.py).
"""
from __future__ import annotations

import pytest
import yaml

from tests.playbook_checks import EscapedExceptionError, escaped_exception

PROBE_MODULE = '''\
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec={"mode": {"type": "str", "required": True}})
    mode = module.params["mode"]
    if mode == "raise":
        raise KeyError("oops")
    if mode == "fail":
        module.fail_json(msg="the probe failed cleanly")
    if mode == "fail_in_except":
        try:
            {}["missing"]
        except KeyError as error:
            module.fail_json(msg="the probe handled %s" % error)
    module.exit_json(changed=False, mode=mode)


main()
'''


def probe_playbook(directory, tasks):
    """A playbook in `directory` whose library/ holds the probe module."""
    (directory / "library").mkdir(parents=True)
    (directory / "library" / "harness_probe.py").write_text(PROBE_MODULE)
    play = {"name": "harness self-check", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}
    path = directory / "playbook.yml"
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


def probe(name, mode, **keywords):
    return dict({"name": name, "harness_probe": {"mode": mode}, "ignore_errors": True}, **keywords)


def test_exceptions_that_escaped_a_module_fail_the_run_with_task_and_exception(run_playbook, tmp_path):
    playbook = probe_playbook(tmp_path / "escaped", [
        probe("raises", "raise"),
        probe("in a loop", "{{ item }}", loop=["ok", "raise", "fail"]),
        probe("under failed_when false", "raise", failed_when=False),
        probe("under no_log", "raise", no_log=True),
        probe("succeeds", "ok"),
    ])
    with pytest.raises(EscapedExceptionError) as caught:
        run_playbook(playbook)
    assert caught.value.found == [
        "localhost: task 'raises': KeyError: 'oops'",
        "localhost: task 'in a loop' (loop item 1): KeyError: 'oops'",
        "localhost: task 'under failed_when false': KeyError: 'oops'",
        "localhost: task 'under no_log': KeyError: 'oops'",
    ]
    assert str(caught.value) == "an exception escaped a module (not its own fail_json):\n" + "\n".join(caught.value.found)


def test_a_modules_own_fail_json_passes_even_from_inside_an_except_block(run_playbook, tmp_path):
    playbook = probe_playbook(tmp_path / "handled", [
        probe("fails cleanly", "fail"),
        probe("fails inside except", "fail_in_except"),
        probe("fails inside except, no_log", "fail_in_except", no_log=True),
        probe("fails cleanly, failed_when false", "fail", failed_when=False),
        {"name": "not a module failure", "ansible.builtin.fail": {"msg": "a play's own failure"}, "ignore_errors": True},
        probe("succeeds", "ok"),
    ])
    run = run_playbook(playbook)   # the harness lets it through: no exception escaped
    assert run.rc == 0, run.stdout
    statuses = {r["task"]: r["status"] for r in run.results}
    assert statuses == {"fails cleanly": "failed", "fails inside except": "failed", "fails inside except, no_log": "failed",
                        "fails cleanly, failed_when false": "ok", "not a module failure": "failed", "succeeds": "ok"}
    clean = run.result("fails cleanly")
    assert clean["msg"] == "the probe failed cleanly"
    assert "invocation" in clean
    assert module_side_last_line(clean["exception"]) == "Message: the probe failed cleanly"
    # ansible-core attaches the exception being handled to a fail_json made inside `except`: the
    # module's traceback ends with that exception, like an escaped one; the module's own `invocation`
    # tells it apart (and under no_log, which hides `invocation`, where the traceback starts).
    handled = run.result("fails inside except")
    assert handled["msg"] == "the probe handled 'missing'"
    assert "invocation" in handled
    assert module_side_last_line(handled["exception"]) == "KeyError: 'missing'"
    hidden = run.result("fails inside except, no_log")
    assert "invocation" not in hidden and "censored" in hidden
    assert module_side_last_line(hidden["exception"]) == "KeyError: 'missing'"
    assert escaped_exception(hidden) is None


def module_side_last_line(exception_text):
    module_side = exception_text.split("The above target exception was the direct cause", 1)[0]
    return module_side.strip().splitlines()[-1]


def test_the_module_failure_form_of_older_ansible_core_is_recognised():
    """ansible-core 2.18 and before: "MODULE FAILURE", the traceback in module_stderr (no such core here)."""
    old = {"failed": True, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error", "rc": 1, "module_stdout": "",
           "module_stderr": "Traceback (most recent call last):\n  File \"probe.py\", line 8, in main\nKeyError: 'oops'\n"}
    assert escaped_exception(old) == "KeyError: 'oops'"
    assert escaped_exception(dict(old, module_stderr="killed\n")) is None
