"""Event-Driven Ansible: a real ansible-rulebook process runs the collection's rulebook against the simulator.

The rulebook (extensions/eda/rulebooks/salesforce_provisioning_events.yml) is loaded by its collection name, its
event source (idm.okta_salesforce.okta_system_log) polls the simulator's System Log, and its actions run the
collection's playbooks through ansible-runner, as ansible-rulebook does. Every figure is read from the simulator's
state, request log and System Log, or from the rulebook's own output (--print-events prints each event it got).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.ansible_env import ansible_env
from tests.integration.conftest import count_scan, find_leaks
from tests.integration.test_provisioning_helpers import SALESFORCE_APP
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars
from tests.playbook_checks import escaped_exceptions, read_results
from tests.reliability import figures

ENABLE = PLAYBOOKS / "enable_salesforce_provisioning.yml"
RULEBOOK = "idm.okta_salesforce.salesforce_provisioning_events"
ANSIBLE_RULEBOOK = str(Path(sys.executable).with_name("ansible-rulebook"))
ORG = "acme"
POLL_INTERVAL = 2
LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The first task of each playbook's run (one recorded result per run), and the task that fails on purpose.
AUDIT_TASK, REMEDIATION_TASK = "Say who changed what", "Enable and configure provisioning again"
HEALTH_TASK, CREDENTIALS_TASK = "Say what failed", "Raise the rotation instructions"
PUSH_FAILURE_REASON = "FIELD_INTEGRITY_EXCEPTION: Profile: invalid cross reference id"


def deactivate_status(sim):
    features = sim.state()["okta"]["features"][SALESFORCE_APP]["USER_PROVISIONING"]
    return features["update"]["lifecycleDeactivate"]["status"]


def wait_for(condition, timeout, what, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Rulebook:
    """One ansible-rulebook process, its output in a file (read while it runs)."""

    def __init__(self, workdir: Path, inventory: Path, variables: Path, env: dict):
        self.workdir, self.inventory, self.variables, self.env = workdir, inventory, variables, env
        self.outputs = []
        self.proc = None

    def start(self, *options):
        out = self.workdir / f"rulebook{len(self.outputs) + 1}.log"
        self.outputs.append(out)
        self.proc = subprocess.Popen(   # pylint: disable=consider-using-with
            [ANSIBLE_RULEBOOK, "-r", RULEBOOK, "-i", str(self.inventory), "--vars", str(self.variables),
             "--print-events", *options],
            cwd=self.workdir, env=self.env, stdout=out.open("w"), stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def output(self) -> str:
        return self.outputs[-1].read_text() if self.outputs else ""

    @property
    def all_output(self) -> str:
        return "".join(path.read_text() for path in self.outputs)

    def alive(self):
        assert self.proc.poll() is None, f"ansible-rulebook exited with {self.proc.returncode}:\n{self.output[-4000:]}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def runs(results_file: Path, task: str) -> int:
    """How many playbook runs got to `task` (not skipped), from the results they recorded (a role's tasks carry
    the role's name as a prefix)."""
    return sum(1 for r in read_results(results_file)
               if (r["task"] == task or r["task"].endswith(f" : {task}")) and r["status"] != "skipped")


def without_intended_failure(output: str) -> str:
    """The output less the display of the one task that fails on purpose (the rotation instructions), which
    ANSIBLE_DISPLAY_TRACEBACK=always shows with the controller's traceback, and ansible-rulebook repeats in its
    error log of a failed run."""
    return re.sub(r"TASK \[" + re.escape(CREDENTIALS_TASK) + r"\].*?PLAY RECAP", "", output, flags=re.S)


def printed_uuids(output: str, log_uuids: set) -> list:
    """The System Log uuids of the events the rulebook printed (--print-events), in order, repeats kept. Log lines
    (a timestamp first: at -vvv ansible-rulebook and the rules engine log each event again) and other uuids (the ones
    ansible-rulebook gives each event and job) are left out."""
    printed = "\n".join(line for line in output.splitlines() if not LOG_LINE.match(line))
    return [u for u in UUID.findall(printed) if u in log_uuids]


def app_events(sim, after: int) -> list:
    """The Salesforce app's System Log events recorded after the first `after` events of the log."""
    return [e for e in sim.system_log()[after:]
            if any(t["type"] == "AppInstance" and t["id"] == SALESFORCE_APP for t in e["target"])]


def test_the_rulebook_restores_settings_checks_health_and_survives_a_restart(simulator, run_playbook, tmp_path):
    sim = simulator
    reports = tmp_path / "reports"
    inventory = tmp_path / "inventory"
    inventory.mkdir()
    (inventory / "orgs.json").write_text(json.dumps({"okta_orgs": {
        "hosts": {ORG: org_vars(sim, reports)},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}}}))
    assert run_playbook(ENABLE, inventory=inventory).rc == 0
    assert deactivate_status(sim) == "ENABLED"

    state_file = tmp_path / "eda" / "position.json"
    state_file.parent.mkdir()
    variables = tmp_path / "eda" / "vars.yml"
    rulebook_vars = {
        "okta_sf_eda_orgs": [{"name": ORG, "org_url": sim.url}], "okta_sf_eda_state_file": str(state_file),
        "okta_sf_eda_ca_path": sim.ca_path, "okta_sf_eda_interval": POLL_INTERVAL, "okta_sf_eda_remediate": True}
    variables.write_text(yaml.safe_dump(rulebook_vars))
    results_file = tmp_path / "eda" / "results.jsonl"
    env = ansible_env(os.environ, tmp_path / "eda", results_file)
    # The Okta credential from the environment, as an EDA credential injects it: the source uses it for the org
    # whose URL is OKTA_ORG_URL. The playbooks take theirs from the inventory.
    env.update({"OKTA_ORG_URL": sim.url, "OKTA_API_TOKEN": sim.api_token,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    rulebook = Rulebook(tmp_path / "eda", inventory, variables, env)
    events_before = len(sim.system_log())
    rulebook.start()
    try:
        # The source's first poll stores where it started.
        wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["orgs"][ORG].get("since"), 60,
                 "the source's first poll")
        rulebook.alive()

        # 1. An admin unticks "Deactivate Users" in the Admin Console: one remediation run restores it.
        writes_before = len(sim.writes())
        changed_at = time.monotonic()
        sim.admin_console_change(SALESFORCE_APP, "USER_PROVISIONING",
                                 {"update": {"lifecycleDeactivate": {"status": "DISABLED"}}})
        assert deactivate_status(sim) == "DISABLED"
        wait_for(lambda: deactivate_status(sim) == "ENABLED", 60, "the remediation run to restore Deactivate Users")
        restored_in = time.monotonic() - changed_at
        wait_for(lambda: runs(results_file, "Write the Markdown report") >= 2, 60, "the remediation run's end")
        time.sleep(3 * POLL_INTERVAL)   # its own writes are in the System Log now: they must start nothing
        rulebook.alive()
        remediation_writes = sim.writes()[writes_before:]
        figures.add(eda_restored_ms=restored_in * 1000, eda_audit_runs=runs(results_file, AUDIT_TASK),
                    eda_remediation_runs=runs(results_file, REMEDIATION_TASK))
        assert runs(results_file, AUDIT_TASK) == 1 and runs(results_file, REMEDIATION_TASK) == 1
        assert [(w["method"], w["path"]) for w in remediation_writes] == [
            ("PUT", f"/api/v1/apps/{SALESFORCE_APP}/features/USER_PROVISIONING")]
        assert restored_in <= 60

        # 2. A burst of 20 failed pushes: one provisioning health check (one Salesforce login, its SOQL reads).
        logins_before = sim.salesforce_counts()["logins"]
        failures = sim.inject_events("application.provision.user.push", SALESFORCE_APP, result="FAILURE",
                                     reason=PUSH_FAILURE_REASON, count=20)
        wait_for(lambda: runs(results_file, "Report the provisioning health"), 90, "the health check's end")
        time.sleep(3 * POLL_INTERVAL)
        figures.add(eda_push_failures=len(failures), eda_health_runs=runs(results_file, HEALTH_TASK))
        assert runs(results_file, HEALTH_TASK) == 1
        assert sim.salesforce_counts()["logins"] - logins_before == 1

        # 3. Okta cannot log in to Salesforce: one credentials test and the rotation instructions.
        logins_before = sim.salesforce_counts()["logins"]
        sim.inject_events("application.integration.authentication_failure", SALESFORCE_APP, result="FAILURE",
                          reason="INVALID_LOGIN: Invalid username, password, security token; or user locked out.",
                          count=3)
        wait_for(lambda: runs(results_file, CREDENTIALS_TASK), 90, "the credentials test's end")
        time.sleep(3 * POLL_INTERVAL)
        figures.add(eda_credentials_runs=runs(results_file, CREDENTIALS_TASK))
        assert runs(results_file, CREDENTIALS_TASK) == 1
        assert "Send them to Okta with rotate_salesforce_credentials.yml --limit acme" in rulebook.output
        assert sim.salesforce_counts()["logins"] - logins_before == 1
        rulebook.alive()

        # 4. A restart: the events written while it is down are delivered after it, none of the earlier ones again.
        # This time at -vvv (ansible-rulebook's debug log), with the token in the rulebook's variables.
        rulebook.stop()
        while_down = sim.inject_events("application.provision.user.push", SALESFORCE_APP, result="SUCCESS", count=5)
        rulebook_vars["okta_sf_eda_orgs"][0]["api_token"] = sim.api_token
        variables.write_text(yaml.safe_dump(rulebook_vars))
        rulebook.start("-vvv")
        wait_for(lambda: all(u in rulebook.output for u in while_down), 60, "the events written while it was down")
        time.sleep(2 * POLL_INTERVAL)
        rulebook.alive()
    finally:
        rulebook.stop()

    expected = [e["uuid"] for e in app_events(sim, events_before)]
    delivered = printed_uuids(rulebook.all_output, set(expected))
    figures.add(eda_events=len(expected), eda_delivered=len(set(delivered)),
                eda_repeated=len(delivered) - len(set(delivered)))
    assert set(failures) <= set(expected) and set(while_down) <= set(expected)
    assert sorted(delivered) == sorted(expected), "each of the app's System Log events delivered exactly once"
    assert not set(while_down) & set(printed_uuids(rulebook.outputs[0].read_text(), set(expected)))
    # No run more than counted above, the restart included.
    assert [runs(results_file, task) for task in (AUDIT_TASK, REMEDIATION_TASK, HEALTH_TASK, CREDENTIALS_TASK)] == [1] * 4

    output = rulebook.all_output
    leaks = find_leaks(output + results_file.read_text(), sim.secrets)
    count_scan(len(rulebook.outputs), leaks, loud=False)
    assert not leaks, f"secret canaries leaked into ansible-rulebook's output: {len(leaks)}"
    assert "Traceback" not in without_intended_failure(output)
    assert escaped_exceptions(read_results(results_file)) == []
    assert [r["task"] for r in read_results(results_file) if r["status"] == "failed"] == [CREDENTIALS_TASK]
    # ansible-rulebook's own error lines: only its report of the run that failed on purpose.
    assert len(re.findall(r" - ERROR - ", output)) == 1 and " - ansible_rulebook.action.run_playbook - ERROR - " in output
