"""The contenders, each run as its own process against the simulator, with what the simulator saw of them.

- the module: `okta_app_assignment` in a real ansible-playbook process (wall: process start to exit);
- the SDK script: `okta_sdk_script.py` (Okta's Python SDK, asyncio, 8 in flight) in its own Python process.

Each Outcome holds the process wall time, the API time (first to last Okta API answer in the simulator's
log: start-up of Python, Ansible or the SDK left out), the calls by rate-limit family and the 429s.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.playbooks import module_play, run_playbook
from tests.bench.workload import (
    APP_ID,
    WORKERS,
    api_entries,
    api_span,
    family_counts,
    reads_before_writes,
    throttled,
    wanted_groups,
    wanted_users,
    writes,
)

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Outcome:
    contender: str
    wall_seconds: float
    api_seconds: float
    calls: int
    calls_by_family: dict
    http_429: int
    writes: int
    reads_before_writes_seconds: float | None
    changed: bool | None = None
    peak_rss_mib: float | None = None
    cpu_seconds: float | None = None     # the module process's own CPU time (with measure_memory)
    details: dict = field(default_factory=dict)

    def summary(self):
        """The numbers a figure prints of this run."""
        numbers = {"wall_seconds": round(self.wall_seconds, 2), "api_seconds": round(self.api_seconds, 2),
                   "calls": self.calls, "calls_by_family": self.calls_by_family, "http_429": self.http_429,
                   "writes": self.writes}
        if self.reads_before_writes_seconds is not None:
            numbers["reads_before_writes_seconds"] = round(self.reads_before_writes_seconds, 2)
        if self.changed is not None:
            numbers["changed"] = self.changed
        if self.peak_rss_mib is not None:
            numbers["peak_rss_mib"] = self.peak_rss_mib
            numbers["module_process_cpu_seconds"] = self.cpu_seconds
        return numbers


def _from_log(sim, contender, seconds, **extra):
    log = sim.request_log()
    return Outcome(contender, seconds, api_span(log), len(api_entries(log)), family_counts(log), throttled(log),
                   writes(log), reads_before_writes(log), **extra)


def peak_rss_interpreter(workdir):
    """A python interpreter for ansible_python_interpreter that runs the real one as its child, then appends the
    child's peak resident set size (KiB, getrusage of the waited-for child) and CPU seconds to a file named by
    BENCH_PEAK_RSS_FILE.

    Ansible runs the module (its AnsiballZ wrapper imports and runs the module in the same process) with this
    interpreter, so the figure is the module process's own peak, not ansible-playbook's.
    """
    path = Path(workdir) / "python-peak-rss"
    if not path.exists():
        path.write_text(f"""#!{sys.executable}
import os, resource, subprocess, sys
rc = subprocess.call([{sys.executable!r}] + sys.argv[1:])
with open(os.environ["BENCH_PEAK_RSS_FILE"], "a") as out:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.write(f"{{usage.ru_maxrss}} {{usage.ru_utime + usage.ru_stime:.3f}}\\n")
sys.exit(rc)
""")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def run_module(bench, count, measure_memory=False):
    """okta_app_assignment for `count` users + the groups, in one ansible-playbook process."""
    sim, workdir = bench.sim, bench.workdir
    sim.clear_log()
    play = module_play(sim, APP_ID, wanted_users(count), wanted_groups(), max_workers=WORKERS)
    env = {}
    rss_file = None
    if measure_memory:
        rss_file = Path(tempfile.mkstemp(prefix="rss", dir=workdir)[1])
        play["vars"]["ansible_python_interpreter"] = peak_rss_interpreter(workdir)
        env["BENCH_PEAK_RSS_FILE"] = str(rss_file)
    run = run_playbook(play, workdir, env=env)
    result = run.result("assign")
    if run.rc != 0:
        raise SystemExit(f"okta_app_assignment failed (rc {run.rc}): {result.get('msg') or run.stdout[-2000:]}")
    peak = cpu = None
    if rss_file is not None:
        values = [line.split() for line in rss_file.read_text().splitlines() if line.strip()]
        peak = round(max(int(kib) for kib, _seconds in values) / 1024, 1) if values else None
        cpu = round(sum(float(seconds) for _kib, seconds in values), 2) if values else None
    return _from_log(sim, "module", run.seconds, changed=result["changed"], peak_rss_mib=peak, cpu_seconds=cpu,
                     details={"api_calls": result["api_calls"]})


def run_sdk(bench, count):
    """The SDK script for `count` users + the groups, in its own Python process (the token in its environment)."""
    sim, workdir = bench.sim, bench.workdir
    sim.clear_log()
    spec = {"org_url": sim.url, "ca_path": sim.ca_path, "app_id": APP_ID,
            "users": wanted_users(count), "groups": wanted_groups()}
    spec_file = Path(tempfile.mkstemp(prefix="sdk-spec", suffix=".json", dir=workdir)[1])
    spec_file.write_text(json.dumps(spec))
    env = dict(os.environ, OKTA_API_TOKEN=sim.api_token, PYTHONPATH=str(REPO))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "tests.bench.okta_sdk_script", str(spec_file)], cwd=REPO, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    if proc.returncode != 0 or "error" in report:
        raise SystemExit(f"the SDK script failed (rc {proc.returncode}): {report.get('error') or proc.stderr[-2000:]}")
    changed = bool(report.get("assigned_users") or report.get("assigned_groups"))
    return _from_log(sim, "okta_sdk_script", seconds, changed=changed, details={"sdk_calls": report.get("calls")})
