"""`make demo`: the collection end to end against the simulator.

Starts a simulated Okta org + Salesforce org, runs the enablement playbook (changes), runs it again
(nothing changes), drifts one setting the way an admin clicking in the console would, runs the audit
playbook (the drift shows in the report), and stops the simulator. Secrets reach ansible-playbook
through the environment, as an AWX credential would pass them.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / "build" / "collections"
sys.path.insert(0, str(COLLECTIONS))

# pylint: disable=wrong-import-position
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaClient  # noqa: E402

from tests.ansible_env import ANSIBLE_PLAYBOOK, ansible_env  # noqa: E402
from tests.playbook_checks import escaped_exceptions, read_results  # noqa: E402
from tests.simulator import Simulator  # noqa: E402

SEED = REPO / "tests" / "simulator" / "seeds" / "default.yaml"
# DEMO_WORKDIR: where the demo's files go (make test-matrix gives each ansible-core its own).
WORKDIR = Path(os.environ.get("DEMO_WORKDIR") or REPO / "build" / "demo")
API_USER = "okta.api@acme.com"
APP_ID = "0oasalesforce0001"


def org_inventory(sim: Simulator, report_dir: Path) -> dict:
    """One Okta org (the simulator) as an inventory host of group okta_orgs, without secrets."""
    org = {
        "okta_sf_org_url": sim.url,
        "okta_sf_ca_path": sim.ca_path,
        "okta_sf_app_label": "Salesforce.com",
        "okta_sf_salesforce_username": API_USER,
        "okta_sf_salesforce_login_url": sim.url,
        "okta_sf_salesforce_ca_path": sim.ca_path,
        "okta_sf_report_path": str(report_dir),
        "okta_sf_groups": [
            {"name": "Salesforce Admins", "priority": 0},
            {"name": "Sales", "priority": 1},
        ],
        "okta_sf_users": [{"login": f"user{n:04d}@acme.com"} for n in range(21, 41)],
    }
    return {"okta_orgs": {
        "hosts": {"acme_demo": org},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }}


def run_playbook(name: str, inventory: Path, secrets_env: dict, run_dir: Path) -> tuple[int, str, list]:
    """Exit code, output, and the exceptions that escaped a module (tests/playbook_checks.py)."""
    run_dir.mkdir()
    results_file = run_dir / "results.jsonl"
    env = ansible_env(os.environ, run_dir, results_file)
    env.update(secrets_env)
    playbook = REPO / "playbooks" / name
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)], cwd=WORKDIR, env=env,
                          capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr, escaped_exceptions(read_results(results_file))


def show(title: str, rc: int, output: str, escaped: list, check_mode: bool = False) -> None:
    """A few lines a person wants: which tasks changed something (in check mode: would change), and the recap."""
    task, tasks, changed = None, 0, []
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task, tasks = line[6:line.rindex("]")], tasks + 1
        elif line.startswith("changed:") and task not in changed:
            changed.append(task)
    recap = [line.rstrip() for line in output.splitlines() if re.match(r"^\S+\s+: ok=", line)]
    verb = "would change" if check_mode else "changed"
    print(f"\n== {title} (exit code {rc})")
    if check_mode:
        print("   check mode: nothing is written; Ansible's 'changed' means 'would change'")
    print(f"   tasks run: {tasks}; tasks that {verb} something: {len(changed)}")
    for name in changed:
        print(f"     {verb}: {name}")
    for line in recap:
        print(f"   {line}" + ("   (changed = would change)" if check_mode else ""))
    for line in escaped:
        print(f"   an exception escaped a module: {line}")
    for line in deprecations(output):
        print(f"   {line}")
    if rc != 0 or escaped:
        print(output[-4000:])


def deprecations(output: str) -> list:
    """ansible-core's deprecation warnings in a run's output: each one is something the next ansible-core
    breaks, so the demo (and make test-matrix, which runs it on every supported ansible-core) fails on them."""
    return [line.strip() for line in output.splitlines() if "[DEPRECATION WARNING]" in line]


def main() -> int:
    shutil.rmtree(WORKDIR, ignore_errors=True)
    WORKDIR.mkdir(parents=True)
    report_dir = WORKDIR / "reports"
    with Simulator(seed=SEED, workdir=WORKDIR / "sim") as sim:
        api_user = sim.state()["salesforce"]["users"][API_USER]
        secrets_env = {"OKTA_API_TOKEN": sim.api_token, "SF_PASSWORD": api_user["password"],
                       "SF_SECURITY_TOKEN": api_user["security_token"]}
        inventory = WORKDIR / "inventory.json"
        inventory.write_text(json.dumps(org_inventory(sim, report_dir), indent=2))
        print(f"Simulated Okta org + Salesforce org on {sim.url} (CA {sim.ca_path})")

        rc1, out1, esc1 = run_playbook("enable_salesforce_provisioning.yml", inventory, secrets_env, WORKDIR / "run1")
        show("1. Enable Salesforce provisioning", rc1, out1, esc1)
        sim.clear_log()
        rc2, out2, esc2 = run_playbook("enable_salesforce_provisioning.yml", inventory, secrets_env, WORKDIR / "run2")
        writes = len(sim.writes())
        show("2. The same playbook again: nothing to change", rc2, out2, esc2)
        print(f"   write requests Okta received: {writes}")

        client = OktaClient(sim.url, api_token=sim.api_token, ca_path=sim.ca_path)
        client.put(f"/api/v1/apps/{APP_ID}/features/USER_PROVISIONING",
                   json={"update": {"lifecycleDeactivate": {"status": "DISABLED"}}})
        print("\n== An admin unticks 'Deactivate Users' in the Admin Console")

        sim.clear_log()
        rc3, out3, esc3 = run_playbook("audit_salesforce_provisioning.yml", inventory, secrets_env, WORKDIR / "run3")
        show("3. Audit (check mode): drift found", rc3, out3, esc3, check_mode=True)
        print(f"   write requests Okta received: {len(sim.writes())}")
        report = json.loads((report_dir / "acme_demo.json").read_text())
        for row in report["settings"]:
            if row["status"] == "drift":
                print(f"   drift: {row['setting']}: wanted {row['wanted']!r}, found in Okta {row['found']!r}")
        print(f"   reports: {report_dir / 'acme_demo.md'} and {report_dir / 'acme_demo.json'}")
    print("\nSimulator stopped.")
    ok = rc1 == 0 and rc2 == 0 and rc3 == 0 and writes == 0 and report["drift"] and not esc1 + esc2 + esc3
    ok = ok and not deprecations(out1 + out2 + out3)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
