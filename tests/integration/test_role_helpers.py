"""Helpers of the enable_provisioning role and playbook scenarios (no tests here)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import REPO, find_secrets
from tests.integration.test_provisioning_helpers import API_USER, sf_user

ROLE = "idm.okta_salesforce.enable_provisioning"
PLAYBOOKS = REPO / "playbooks"

# Task names of the role, as an admin reads them in the output.
PLAN = "Resolve the Salesforce app and read its provisioning state"
TEST = "Test the Salesforce API user"
STOP = "Stop before writing to Okta when the credentials test failed"
CONFIGURE = "Enable and configure Salesforce provisioning"
ASSIGN = "Assign users and groups to the app"


def org_vars(sim, report_dir=None, **overrides):
    """The role variables that point one inventory host at one simulator (secrets included)."""
    user = sf_user(sim)
    variables = {
        "okta_sf_org_url": sim.url,
        "okta_sf_api_token": sim.api_token,
        "okta_sf_ca_path": sim.ca_path,
        "okta_sf_salesforce_username": API_USER,
        "okta_sf_salesforce_password": user["password"],
        "okta_sf_salesforce_security_token": user["security_token"],
        "okta_sf_salesforce_login_url": sim.url,
        "okta_sf_salesforce_ca_path": sim.ca_path,
    }
    if report_dir is not None:
        variables["okta_sf_report_path"] = str(report_dir)
    variables.update(overrides)
    return variables


def role_tasks(tasks_from=None):
    """A task list that runs the role (the harness wraps it in a localhost play)."""
    include = {"name": ROLE}
    if tasks_from:
        include["tasks_from"] = tasks_from
    return [{"name": "Run the role", "ansible.builtin.include_role": include}]


def write_inventory(path, orgs):
    """An inventory like playbooks/inventory/orgs.yml: group okta_orgs, one host per org, run locally."""
    hosts = {name: dict(variables) for name, variables in orgs.items()}
    inventory = {"okta_orgs": {
        "hosts": hosts,
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }}
    Path(path).write_text(json.dumps(inventory, indent=2))
    return path


def results_of(run, task, host=None):
    """Every recorded result of a task of the role (role task names carry the role as a prefix)."""
    return [r for r in run.results
            if (r["task"] == task or r["task"].endswith(f" : {task}")) and (host is None or r["host"] == host)]


def status_of(run, task, host=None):
    found = results_of(run, task, host)
    assert found, f"task {task!r} has no result; tasks seen: {sorted({r['task'] for r in run.results})}"
    return found[-1]["status"]


def changed_tasks(run):
    return sorted({r["task"] for r in run.results if r["status"] == "changed"})


def read_report(report_dir, host, secrets):
    """The JSON report (parsed) and the Markdown report of one host, checked for every secret canary."""
    json_text = (Path(report_dir) / f"{host}.json").read_text()
    markdown = (Path(report_dir) / f"{host}.md").read_text()
    leaked = find_secrets(json_text + markdown, list(secrets))
    assert not leaked, f"{len(leaked)} secret canaries found in the report of {host}"
    return json.loads(json_text), markdown


def setting(report, name):
    rows = [row for row in report["settings"] if row["setting"] == name]
    assert rows, f"setting {name} not in report: {[row['setting'] for row in report['settings']]}"
    return rows[0]
