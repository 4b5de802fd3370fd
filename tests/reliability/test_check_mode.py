"""Write safety: in check mode no module, no role and no playbook sends one write request, on an
Okta org in any state an audit meets; and check mode still reports what differs.

One simulator per org state, one inventory host per simulator: each ansible-playbook process runs
every case on every state at once.
"""
from __future__ import annotations

import contextlib
import json

import yaml

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_provisioning_helpers import WANTED
from tests.integration.test_role_helpers import PLAYBOOKS, write_inventory
from tests.reliability import figures
from tests.reliability.org_states import STATES, WANTED_GROUPS, WANTED_USERS, host_vars
from tests.simulator import Simulator

COLLECTION = "idm.okta_salesforce."
OKTA_OPTIONS = {"org_url": "{{ okta_sf_org_url }}", "api_token": "{{ okta_sf_api_token }}", "ca_path": "{{ okta_sf_ca_path }}"}
SF_LOGIN = {"sf_username": "{{ okta_sf_salesforce_username }}", "sf_password": "{{ sf_password }}",
            "sf_security_token": "{{ sf_security_token }}", "sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}"}
PLAYBOOK_STATES = ["fresh", "exclusive_extras"]
ASSIGN = {"app_label": "Salesforce.com", "users": WANTED_USERS, "groups": WANTED_GROUPS}


def module_task(name, module, options):
    return {"name": name, COLLECTION + module: options, "ignore_errors": True}


# Every module in each of its modes (the role runs through the playbooks).
TASKS = [
    module_task("enable and configure", "okta_sf_provisioning", WANTED),
    module_task("rotate credentials", "okta_sf_provisioning", dict(WANTED, update_credentials="always")),
    module_task("turn provisioning off", "okta_sf_provisioning", {"app_label": "Salesforce.com", "state": "disabled"}),
    module_task("hand-made connection", "okta_sf_provisioning",
                {"app_label": "Salesforce.com", "manage_connection": False, "to_app": WANTED["to_app"]}),
    module_task("create another app", "okta_sf_provisioning", dict(WANTED, app_label="Salesforce UAT", create_app=True,
                                                                   instance_type="sandbox")),
    module_task("credentials test", "okta_sf_credentials_test", dict(SF_LOGIN, app_label="Salesforce.com")),
    module_task("assign", "okta_app_assignment", ASSIGN),
    module_task("assign exclusively", "okta_app_assignment", dict(ASSIGN, exclusive=True)),
    module_task("unassign", "okta_app_assignment", dict(ASSIGN, state="absent")),
    module_task("read one app", "okta_sf_provisioning_info", {"app_label": "Salesforce.com"}),
    module_task("read every app", "okta_sf_provisioning_info", {}),
    module_task("sync health", "okta_sf_sync_info", dict(SF_LOGIN, app_label="Salesforce.com")),
]

# What check mode must still say for the main cases: the drift of each state (or its refusal).
EXPECTED = {
    "enable and configure": {"fresh": "changed", "enabled": "ok", "drifted_to_app": "changed", "drifted_to_okta": "changed",
                             "published_api_only": "failed", "connection_disabled": "changed", "partly_assigned": "ok",
                             "exclusive_extras": "ok"},
    "assign": {"fresh": "changed", "enabled": "ok", "partly_assigned": "changed", "exclusive_extras": "ok"},
    "assign exclusively": {"enabled": "ok", "partly_assigned": "changed", "exclusive_extras": "changed"},
    # Read-only in every state, the published-API-only org included.
    "read one app": {"fresh": "ok", "enabled": "ok", "drifted_to_app": "ok", "drifted_to_okta": "ok",
                     "published_api_only": "ok", "connection_disabled": "ok", "partly_assigned": "ok",
                     "exclusive_extras": "ok"},
}


def check_mode_playbook(path):
    play = {"name": "check mode", "hosts": "okta_orgs", "gather_facts": False,
            "module_defaults": {"group/idm.okta_salesforce.okta": OKTA_OPTIONS}, "tasks": TASKS}
    path.write_text(yaml.safe_dump([play], sort_keys=False))
    return path


@contextlib.contextmanager
def orgs_in_every_state(simulator, tmp_path):
    """{state name: simulator in that state}; the fixture's simulator holds the first state."""
    with contextlib.ExitStack() as stack:
        sims = {}
        for index, (name, make_state) in enumerate(STATES.items()):
            sim = simulator if index == 0 else stack.enter_context(Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim" / name))
            make_state(sim)
            sim.clear_log()
            sims[name] = sim
        yield sims


def count_check_run(run, sims):
    """Writes seen on every simulator (their request logs), and the collection's module runs in this
    check-mode run that really ran (a skipped task is recorded too, but proves nothing)."""
    writes = {name: [(e["method"], e["path"]) for e in sim.writes()] for name, sim in sims.items()}
    records = [r for r in run.results if r["action"].startswith(COLLECTION)]
    module_runs = [r for r in records if r["status"] != "skipped"]
    figures.add(check_runs=len(module_runs), check_skipped=len(records) - len(module_runs),
                check_writes=sum(map(len, writes.values())))
    return writes, module_runs


def test_no_module_or_role_writes_in_check_mode_in_any_org_state(simulator, play, tmp_path, inputs_dir):
    with orgs_in_every_state(simulator, tmp_path) as sims:
        hosts = {name: host_vars(sim, tmp_path / "reports") for name, sim in sims.items()}
        inventory = write_inventory(inputs_dir / "orgs.json", hosts)
        extra = [secret for sim in sims.values() for secret in sim.secrets]

        # At -vvvv: every module's check-mode paths, successes and failures, are scanned at the highest verbosity.
        run = play(check_mode_playbook(inputs_dir / "check.yml"), inventory=inventory, check=True, diff=True, verbosity=4,
                   extra_secrets=extra)

        writes, module_runs = count_check_run(run, sims)
        assert writes == {name: [] for name in sims}
        ran = {(r["host"], r["task"].split(" : ")[-1]) for r in module_runs}
        for name in sims:
            for task in TASKS:
                assert (name, task["name"]) in ran, f"{task['name']} did not run on {name}"
        statuses = {(r["host"], r["task"]): r["status"] for r in run.results}
        found = {task: {state: statuses.get((state, task)) for state in wanted} for task, wanted in EXPECTED.items()}
        assert found == EXPECTED


def test_no_playbook_writes_in_check_mode_in_any_org_state(simulator, play, tmp_path, inputs_dir):
    """The audit playbook (the role, in check mode) on every state; enable --check and rotation --check on a few."""
    with orgs_in_every_state(simulator, tmp_path) as sims:
        hosts = {name: host_vars(sim, tmp_path / "reports") for name, sim in sims.items()}
        inventory = write_inventory(inputs_dir / "orgs.json", hosts)
        extra = [secret for sim in sims.values() for secret in sim.secrets]
        for playbook, states in (("audit_salesforce_provisioning.yml", list(sims)),
                                 ("enable_salesforce_provisioning.yml", PLAYBOOK_STATES),
                                 ("rotate_salesforce_credentials.yml", PLAYBOOK_STATES)):
            run = play(PLAYBOOKS / playbook, inventory=inventory, check=True, diff=True, extra_secrets=extra,
                       extra_vars={"okta_sf_hosts": ",".join(states)})
            writes, module_runs = count_check_run(run, sims)
            assert writes == {name: [] for name in sims}, playbook
            assert {r["host"] for r in module_runs} == set(states), playbook
        # The role planned on every org, and its report (written in check mode too) shows each org's drift.
        drift = {name: json.loads((tmp_path / "reports" / f"{name}.json").read_text())["drift"] for name in sims}
        assert drift == {"fresh": True, "enabled": False, "drifted_to_app": True, "drifted_to_okta": True,
                         "published_api_only": None, "connection_disabled": True, "partly_assigned": True,
                         "exclusive_extras": False}
