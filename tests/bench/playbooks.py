"""Playbooks the benchmark runs, and a runner that times real ansible-playbook processes.

Both contenders run as real `ansible-playbook` processes against the same simulator: the
`okta_app_assignment` module, and the loop of `ansible.builtin.uri` tasks a playbook author would
write without it (look each user up, then assign it; the same for the groups).
"""
from __future__ import annotations

import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.ansible_env import ANSIBLE_PLAYBOOK, ansible_env
from tests.playbook_checks import escaped_exceptions, read_results


@dataclass
class TimedRun:
    rc: int
    seconds: float
    stdout: str
    results: list = field(default_factory=list)
    cpu_seconds: float = 0.0   # user + system CPU of ansible-playbook and every process it waited for (modules)

    def result(self, task, host=None):
        matches = [r["result"] for r in self.results if r["task"] == task and host in (None, r.get("host"))]
        return matches[-1] if matches else {}


def run_playbook(play, workdir, env=None, inventory=None, forks=None):
    """Run one play in a fresh ansible-playbook process; wall time from start to exit.

    `inventory`: a dict written as a YAML inventory (default: localhost only); `env`: added to the environment.
    """
    workdir = Path(tempfile.mkdtemp(prefix="run", dir=workdir))
    playbook = workdir / "playbook.yml"
    playbook.write_text(yaml.safe_dump([play], width=1000))
    results_file = workdir / "results.jsonl"
    env = ansible_env({**os.environ, **(env or {})}, workdir, results_file)
    command = [ANSIBLE_PLAYBOOK, str(playbook), "-i", "localhost,"]
    if inventory is not None:
        inventory_file = workdir / "inventory.yml"
        inventory_file.write_text(yaml.safe_dump(inventory, width=1000))
        command[-1] = str(inventory_file)
    if forks:
        command += ["--forks", str(forks)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    results = read_results(results_file)
    escaped = escaped_exceptions(results)
    if escaped:
        raise SystemExit("an exception escaped a module (not its own fail_json):\n" + "\n".join(escaped))
    return TimedRun(proc.returncode, seconds, proc.stdout + proc.stderr, results, cpu)


def _play(name, tasks, variables=None):
    return {
        "name": name,
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}", **(variables or {})},
        "tasks": tasks,
    }


def module_play(sim, app_id, users, groups, max_workers=8):
    """One okta_app_assignment task for every user and group."""
    task = {
        "name": "assign",
        "idm.okta_salesforce.okta_app_assignment": {
            "org_url": sim.url, "api_token": sim.api_token, "ca_path": sim.ca_path,
            "app_id": app_id, "users": users, "groups": groups, "max_workers": max_workers,
        },
    }
    return _play("okta_app_assignment", [task])


def fleet_play(app_id, users, groups, max_workers=8):
    """okta_app_assignment on every org of the inventory (hosts `orgs`), each with its own URL, token and CA."""
    task = {
        "name": "assign",
        "idm.okta_salesforce.okta_app_assignment": {
            "org_url": "{{ okta_org_url }}", "api_token": "{{ okta_api_token }}", "ca_path": "{{ okta_ca_path }}",
            "app_id": app_id, "users": users, "groups": groups, "max_workers": max_workers,
        },
    }
    return {**_play("okta_app_assignment on a fleet", [task]), "hosts": "orgs"}


def uri_play(sim, app_id, users, groups):
    """The same assignments with ansible.builtin.uri loops: one lookup and one write per user and group."""
    request = {
        "headers": {"Authorization": "SSWS {{ okta_token }}", "Accept": "application/json"},
        "ca_path": sim.ca_path,
        "body_format": "json",
    }
    tasks = [
        {"name": "look up each user", "register": "found_users", "loop": "{{ wanted_users }}",
         "loop_control": {"label": "{{ item.login }}"},
         "ansible.builtin.uri": {**request, "url": "{{ okta_url }}/api/v1/users/{{ item.login }}"}},
        {"name": "assign each user", "loop": "{{ found_users.results }}", "loop_control": {"label": "{{ item.item.login }}"},
         "ansible.builtin.uri": {**request, "method": "POST", "url": "{{ okta_url }}/api/v1/apps/{{ app_id }}/users",
                                 "body": {"id": "{{ item.json.id }}", "scope": "USER", "profile": "{{ item.item.profile }}"}}},
        {"name": "look up each group", "register": "found_groups", "loop": "{{ wanted_groups }}",
         "loop_control": {"label": "{{ item.name }}"},
         "ansible.builtin.uri": {**request, "url": "{{ okta_url }}/api/v1/groups?search="
                                 "{{ ('profile.name eq \"' ~ item.name ~ '\"') | urlencode }}"}},
        {"name": "assign each group", "loop": "{{ found_groups.results }}", "loop_control": {"label": "{{ item.item.name }}"},
         "ansible.builtin.uri": {**request, "method": "PUT",
                                 "url": "{{ okta_url }}/api/v1/apps/{{ app_id }}/groups/{{ item.json[0].id }}", "body": {}}},
    ]
    variables = {"okta_url": sim.url, "okta_token": sim.api_token, "app_id": app_id,
                 "wanted_users": users, "wanted_groups": groups}
    return _play("uri loop", tasks, variables)
