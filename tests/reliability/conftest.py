"""Reliability and security suite: the integration harness, plus a scan of every file a run writes.

The fixtures `simulator` and `run_playbook` are the integration harness's (tests/integration/conftest.py).
`play` wraps `run_playbook` (which fails a run in which an exception escaped a module): it also
writes Ansible's log file, scans it and every other file the run left in the test's directory for the
secret canaries, and counts what it scanned. The figures are printed at the end of the pytest run (tests/conftest.py).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.canaries import find_leaks
from tests.integration.conftest import _collection_link, count_scan, run_playbook, simulator  # noqa: F401  pylint: disable=unused-import

# Files the test itself hands to ansible-playbook (they hold the secrets on purpose): not outputs.
INPUT_DIRS = ("sim", "inputs")
INPUT_NAMES = ("playbook.yml", "extra_vars.json")


def _written_files(root: Path, seen: dict):
    """Files under `root` that are new or changed since the last scan, inputs left out."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] in INPUT_DIRS or path.name in INPUT_NAMES:
            continue
        stamp = path.stat()
        key = (stamp.st_mtime_ns, stamp.st_size)
        if seen.get(path) == key:
            continue
        seen[path] = key
        yield path


@pytest.fixture
def inputs_dir(tmp_path):
    """Where a test puts files it gives to Ansible (inventories, key files): not scanned as outputs."""
    path = tmp_path / "inputs"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def play(simulator, run_playbook, tmp_path):  # pylint: disable=redefined-outer-name
    """`run_playbook`, plus: Ansible's log file, a canary scan of every file written.

    `extra_secrets` adds canaries (for example a wrong password a case sends); every secret the
    simulator held at any run of the test stays a canary for the later runs too.
    """
    known = set(simulator.secrets)
    scanned = {}
    count = {"n": 0}
    logs = tmp_path / "logs"
    logs.mkdir()

    def run(tasks_or_playbook, extra_secrets=(), env=None, **options):
        count["n"] += 1
        run_env = {"ANSIBLE_LOG_PATH": str(logs / f"ansible-{count['n']}.log")}
        run_env.update(env or {})
        known.update(simulator.secrets)
        result = run_playbook(tasks_or_playbook, env=run_env, scan_secrets=False, **options)
        known.update(simulator.secrets)
        known.update(extra_secrets)
        outputs = [result.stdout, result.stderr, json.dumps(result.results, default=str)]
        outputs += [path.read_bytes().decode("utf-8", "replace") for path in _written_files(tmp_path, scanned)]
        leaks = {leak for text in outputs for leak in find_leaks(text, known)}
        leaked = sorted({secret for secret, _form in leaks})
        count_scan(len(outputs), leaks, loud=options.get("verbosity", 0) >= 4 and options.get("diff"))
        assert not leaked, f"{len(leaked)} secret canaries leaked into the output or files of ansible-playbook"
        return result

    return run
