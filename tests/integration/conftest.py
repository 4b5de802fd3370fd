"""Integration harness: a live simulator and real `ansible-playbook` processes against it.

Every playbook run is scanned for the simulator's canary secrets (stdout, stderr and the recorded
task results), and its recorded results for exceptions that escaped a module instead of the module's
own fail_json (tests/playbook_checks.py); a run that shows either fails the test that made it.
"""
from __future__ import annotations

import collections
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.ansible_env import ANSIBLE_PLAYBOOK, REPO, ansible_env, ensure_collection_link
# Tests import find_secrets from here.
from tests.canaries import FORMS, find_leaks, find_secrets, hide_secrets  # noqa: F401  pylint: disable=unused-import
from tests.playbook_checks import EscapedExceptionError, escaped_exceptions, read_results
from tests.reliability import figures
from tests.simulator import Simulator

DEFAULT_SEED = REPO / "tests" / "simulator" / "seeds" / "default.yaml"


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    results: list = field(default_factory=list)

    def result(self, task: str) -> dict:
        """The last recorded result of the task named `task`."""
        matches = [r for r in self.results if r["task"] == task]
        assert matches, f"task {task!r} has no result; tasks seen: {[r['task'] for r in self.results]}"
        return matches[-1]["result"]

    def status(self, task: str) -> str:
        return [r for r in self.results if r["task"] == task][-1]["status"]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr + json.dumps(self.results, default=str)


def play_for(tasks, sim: Simulator, extra_play: dict | None = None) -> list:
    play = {
        "name": "integration",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "module_defaults": {
            "group/idm.okta_salesforce.okta": {
                "org_url": sim.url,
                "api_token": sim.api_token,
                "ca_path": sim.ca_path,
            }
        },
        "tasks": tasks,
    }
    play.update(extra_play or {})
    return [play]


def count_scan(outputs: int, leaks, loud: bool) -> None:
    """Add a canary scan to the suite's figures: outputs read (at -vvvv --diff or not), leaks by form."""
    forms = collections.Counter(form for _secret, form in leaks)
    figures.add(outputs_scanned=outputs, outputs_scanned_vvvv=outputs if loud else 0,
                **{f"secrets_{form}": forms[form] for form in FORMS})


@pytest.fixture(scope="session", autouse=True)
def _collection_link():
    ensure_collection_link()


@pytest.fixture
def simulator(tmp_path):
    with Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim") as sim:
        yield sim


@pytest.fixture
def run_playbook(simulator, tmp_path):
    """Run a real ansible-playbook. `tasks_or_playbook`: a list of tasks or a playbook path."""
    counter = {"n": 0}

    def run(tasks_or_playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
            inventory=None, extra_play=None, scan_secrets=True, extra_secrets=()):
        counter["n"] += 1
        workdir = tmp_path / f"run{counter['n']}"
        workdir.mkdir()
        if isinstance(tasks_or_playbook, (str, Path)):
            playbook = Path(tasks_or_playbook)
        else:
            playbook = workdir / "playbook.yml"
            playbook.write_text(yaml.safe_dump(play_for(tasks_or_playbook, simulator, extra_play)))
        results_file = workdir / "results.jsonl"
        cmd = [ANSIBLE_PLAYBOOK, str(playbook), "-i", str(inventory or "localhost,")]
        if extra_vars:
            vars_file = workdir / "extra_vars.json"
            vars_file.write_text(json.dumps(extra_vars))
            cmd += ["-e", f"@{vars_file}"]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        run_env = ansible_env(os.environ, workdir, results_file)
        run_env.update(env or {})
        proc = subprocess.run(cmd, cwd=workdir, env=run_env, capture_output=True, text=True, timeout=900, check=False)
        run_result = PlaybookRun(proc.returncode, proc.stdout, proc.stderr, read_results(results_file))
        if scan_secrets:
            leaks = find_leaks(run_result.output, list(simulator.secrets) + list(extra_secrets))
            count_scan(1, leaks, loud=verbosity >= 4 and diff)
            assert not leaks, f"secret canaries leaked into ansible-playbook output: {len(leaks)} found"
        escaped = escaped_exceptions(run_result.results)
        if escaped:
            secrets = list(simulator.secrets) + list(extra_secrets)
            raise EscapedExceptionError(escaped, [hide_secrets(line, secrets) for line in escaped])
        return run_result

    return run
