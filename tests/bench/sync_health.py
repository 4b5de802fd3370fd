"""Benchmark of okta_sf_sync_info: Okta's app users against Salesforce's users, 2% disagreement of each kind.

Figures (JSON lines, each with its target and `met`):
  sync_health_<n>       per size: wall time of the module task, the disagreements found against those planted,
                        requests on each side against the minimum, and the module process's peak memory
  sync_health_memory    peak memory of the module process at the largest size against the smallest (target <= 2x)

Requests, minimum per side: Okta 1 app read + ceil(app users / 500) list pages; Salesforce 1 login + 1 User describe
+ ceil(Salesforce users / 2,000) query batches (Salesforce's default batch). Target: requests <= 1.05 x minimum.

Memory: the module runs in its own Python process (ansible's module runner). The play's `ansible_python_interpreter`
is a small wrapper (written below) that runs the real interpreter as its child and, when it exits, records the
child's peak resident set size from `getrusage(RUSAGE_CHILDREN).ru_maxrss` (the largest descendant waited for: the
module process, whatever it spawns) in a file. So the figure is the module process's own peak, not ansible-playbook's
and not the simulator's (another process), and it does not depend on the simulator.

Usage: python -m tests.bench.sync_health [--users 2000 20000] [--latency-ms 0]
(also `python -m tests.bench --only sync`)
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import stat
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tests.ansible_env import ensure_collection_link
from tests.bench.playbooks import run_playbook
from tests.simulator import Simulator

APP_ID = "0oasalesforce0001"
API_USER = "okta.api@acme.com"
DEFAULT_SEED = Path(__file__).resolve().parents[1] / "simulator" / "seeds" / "default.yaml"
OKTA_PAGE = 500
SALESFORCE_BATCH = 2000
SHARE = 0.02   # of the assigned users, per kind of disagreement
OTHER_SF_USERS = ["okta.permset@acme.com", "okta.sso@acme.com", "admin@acme.com"]
# kind planted -> category reported; each category gets SHARE of the users (the split kinds half or a quarter each)
PLAN = [("missing_in_salesforce", "missing_in_salesforce", 1.0), ("inactive_in_salesforce", "inactive_in_salesforce", 1.0),
        ("profile_differs", "profile_or_role_differs", 0.5), ("role_differs", "profile_or_role_differs", 0.5),
        ("unassigned_in_okta", "unassigned_in_okta", 1.0), ("sync_error", "okta_sync_problems", 0.5),
        ("out_of_sync", "okta_sync_problems", 0.25), ("not_provisioned", "okta_sync_problems", 0.25)]
WRAPPER = '''#!{python}
"""Runs the module with the real interpreter and records the module process's peak RSS (kB) in {record}."""
import resource, subprocess, sys
rc = subprocess.call([{python!r}] + sys.argv[1:])
with open({record!r}, "a") as record:
    record.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + "\\n")
sys.exit(rc)
'''


def emit(figure, **numbers):
    print(json.dumps({"figure": figure, **numbers}), flush=True)


def seed(users):
    data = copy.deepcopy(yaml.safe_load(DEFAULT_SEED.read_text()))
    data["okta"]["generate_users"]["count"] = users
    return data


def prepare(sim, users):
    """`users` assigned and pushed (so both sides agree), then SHARE of each kind of disagreement planted."""
    password = sim.state()["salesforce"]["users"][API_USER]
    sim.patch(["okta", "connections", APP_ID], {
        "authScheme": "TOKEN", "status": "ENABLED",
        "profile": {"authScheme": "TOKEN", "username": API_USER,
                    "token": password["password"] + password["security_token"], "allowPushNullValues": False}})
    sim.patch(["okta", "features", APP_ID, "USER_PROVISIONING"], {
        "create": {"lifecycleCreate": {"status": "ENABLED"}},
        "update": {"profile": {"status": "ENABLED"}, "lifecycleDeactivate": {"status": "ENABLED"}}})
    assert sim.assign_with_provisioning(APP_ID, users, {"profile": "Standard User", "role": "Sales"}) == users
    expected = {}
    for kind, category, part in PLAN:
        keys = sim.plant_drift(APP_ID, kind, int(users * SHARE * part))
        expected.setdefault(category, []).extend(keys)
    return {name: sorted(keys) for name, keys in expected.items()}


def wrapper(workdir):
    record = Path(workdir) / "module_peak_rss_kb.txt"
    path = Path(workdir) / "python_with_peak_rss"
    path.write_text(WRAPPER.format(python=sys.executable, record=str(record)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path, record


def play(sim, interpreter, max_listed):
    password = sim.state()["salesforce"]["users"][API_USER]
    task = {"name": "sync", "idm.okta_salesforce.okta_sf_sync_info": {
        "org_url": sim.url, "api_token": sim.api_token, "ca_path": sim.ca_path, "app_id": APP_ID,
        "sf_username": API_USER, "sf_password": password["password"], "sf_security_token": password["security_token"],
        "sf_login_url": sim.url, "sf_ca_path": sim.ca_path, "ignore_usernames": OTHER_SF_USERS,
        "max_listed": max_listed,
        "include": ["missing_in_salesforce", "inactive_in_salesforce", "profile_or_role_differs", "unassigned_in_okta",
                    "okta_sync_problems"]}}
    return {"name": "sync health", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "vars": {"ansible_python_interpreter": str(interpreter)}, "tasks": [task]}


def figure(sim, workdir, users, latency_ms):
    sim.reset(seed(users))
    expected = prepare(sim, users)
    salesforce_users = len(sim.state()["salesforce"]["users"])
    if latency_ms:
        sim.configure(faults={"latency_ms": latency_ms})
    sim.clear_log()
    interpreter, record = wrapper(workdir)
    record.unlink(missing_ok=True)
    run = run_playbook(play(sim, interpreter, max_listed=users), workdir)
    result = run.result("sync")
    if run.rc != 0 or "counts" not in result:
        raise SystemExit(f"the sync task failed: {result.get('msg') or run.stdout[-2000:]}")
    peak_kb = int(record.read_text().split()[-1])
    log = sim.request_log()
    writes = [e for e in log if e["method"] not in ("GET",) and not e["path"].startswith("/services/Soap/u/")]
    okta = [e for e in log if e["path"].startswith("/api/")]
    salesforce = [e for e in log if e["path"].startswith("/services/")]
    okta_pages = math.ceil(users / OKTA_PAGE)
    batches = math.ceil(salesforce_users / SALESFORCE_BATCH)
    okta_minimum, salesforce_minimum = 1 + okta_pages, 2 + batches
    found = {name: sorted(entry["username"] for entry in result["users"][name]) for name in expected}
    exact = found == expected and all(result["counts"][name] == len(keys) for name, keys in expected.items())
    okta_ratio, salesforce_ratio = len(okta) / okta_minimum, len(salesforce) / salesforce_minimum
    emit(f"sync_health_{users}", users=users, salesforce_users=salesforce_users, latency_ms=latency_ms,
         wall_seconds=round(run.seconds, 2), counts=result["counts"],
         planted={name: len(keys) for name, keys in expected.items()}, found_exactly_planted=exact,
         okta_requests=len(okta), okta_minimum=okta_minimum, okta_list_pages=okta_pages,
         salesforce_requests=len(salesforce), salesforce_minimum=salesforce_minimum, salesforce_query_batches=batches,
         minimum_basis="Okta: app read + list pages of 500; Salesforce: login + User describe + query batches of 2,000",
         okta_ratio=round(okta_ratio, 3), salesforce_ratio=round(salesforce_ratio, 3), writes=len(writes),
         module_peak_rss_mb=round(peak_kb / 1024, 1),
         target={"requests_ratio_max": 1.05, "writes": 0, "found_exactly_planted": True},
         met=bool(exact and not writes and okta_ratio <= 1.05 and salesforce_ratio <= 1.05))
    return peak_kb


def run_figures(sizes=(2000, 20000), latency_ms=0):
    ensure_collection_link()
    with tempfile.TemporaryDirectory(prefix="okta-bench-sync-") as workdir:
        with Simulator(seed=seed(min(sizes)), workdir=Path(workdir) / "sim", subprocess=True) as sim:
            peaks = {users: figure(sim, workdir, users, latency_ms) for users in sizes}
    small, large = min(sizes), max(sizes)
    growth = peaks[large] / peaks[small]
    emit("sync_health_memory", users_small=small, users_large=large,
         module_peak_rss_mb={str(k): round(v / 1024, 1) for k, v in peaks.items()},
         growth=round(growth, 3), per_1000_users_kb=round((peaks[large] - peaks[small]) / ((large - small) / 1000), 1),
         basis="peak RSS of the module process (getrusage RUSAGE_CHILDREN in an interpreter wrapper)",
         target={"growth_max": 2.0}, met=bool(growth <= 2.0))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.sync_health", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.monotonic()
    run_figures(tuple(args.users), args.latency_ms)
    print(f"sync bench finished in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
