"""The enable_provisioning role's variables: declared once, with the defaults the role really uses.

Ansible silently ignores a variable nobody reads, so a typo in an inventory or a default that drifted
from meta/argument_specs.yml would go unnoticed; these checks read the files themselves.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.ansible_env import REPO

ROLE = REPO / "roles" / "enable_provisioning"
INVENTORY = REPO / "playbooks" / "inventory" / "orgs.yml"
# Set by the role for playbooks to read; read or published by the playbooks only (documented there).
ROLE_OUTPUT = {"okta_sf_result"}
PLAYBOOK_VARIABLES = {"okta_sf_hosts", "okta_sf_fail_on_drift", "okta_sf_audit", "okta_sf_eda_remediate"}
# Module names also match the variable pattern where comments name them.
MODULES = {"okta_sf_provisioning", "okta_sf_provisioning_info", "okta_sf_credentials_test", "okta_sf_sync_info"}
# A variable name, not a module (idm.okta_salesforce.okta_sf_...), a YAML anchor or a path.
VARIABLE = re.compile(r"(?<![\w.&*/])okta_sf_[a-z0-9_]+")


def argument_specs():
    return yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]


def declared():
    specs = argument_specs()
    return set(specs["main"]["options"]) | set(specs["rotate"]["options"])


def test_every_option_has_a_type_and_a_description():
    for entry_point, spec in argument_specs().items():
        assert spec["short_description"] and spec["description"], entry_point
        for name, option in spec["options"].items():
            assert name.startswith("okta_sf_") and not name.startswith("okta_sf__"), name
            assert option.get("type"), (entry_point, name)
            assert option.get("description"), (entry_point, name)
            if option["type"] == "list":
                assert option.get("elements"), (entry_point, name)


def test_rotate_shares_the_connection_app_and_salesforce_options_of_main():
    specs = argument_specs()
    for name, option in specs["rotate"]["options"].items():
        assert specs["main"]["options"][name] == option, name


def test_secrets_are_no_log():
    options = argument_specs()["main"]["options"]
    secrets = {name for name in options
               if re.search(r"(api_token|private_key|salesforce_password|security_token|consumer_secret)$", name)}
    assert secrets == {"okta_sf_api_token", "okta_sf_private_key", "okta_sf_salesforce_password",
                       "okta_sf_salesforce_security_token", "okta_sf_consumer_secret", "okta_sf_admin_private_key",
                       "okta_sf_admin_consumer_secret"}
    for name in secrets:
        assert options[name].get("no_log") is True, name


def test_defaults_file_matches_the_declared_defaults():
    options = argument_specs()["main"]["options"]
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    declared_defaults = {name: option["default"] for name, option in options.items() if "default" in option}
    assert defaults == declared_defaults


def test_every_variable_the_role_reads_is_declared():
    used = set()
    for folder in ("tasks", "vars", "templates"):
        for path in (ROLE / folder).iterdir():
            used |= set(VARIABLE.findall(path.read_text()))
    used = {name for name in used if not name.startswith("okta_sf__")} - ROLE_OUTPUT - MODULES
    assert used <= declared(), f"read but not declared: {sorted(used - declared())}"
    assert declared() <= used, f"declared but never read: {sorted(declared() - used)}"


def test_playbooks_use_declared_variables_only():
    for path in (REPO / "playbooks").glob("*.yml"):
        used = set(VARIABLE.findall(path.read_text())) - ROLE_OUTPUT - PLAYBOOK_VARIABLES
        assert used <= declared(), (path.name, sorted(used - declared()))


def test_example_inventory_loads_and_sets_declared_variables_only(tmp_path):
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path), ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    listed = subprocess.run([str(Path(sys.executable).with_name("ansible-inventory")), "-i", str(INVENTORY), "--list"],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout)
    hosts = inventory["okta_orgs"]["hosts"]
    assert len(hosts) >= 2
    for host in hosts:
        host_vars = inventory["_meta"]["hostvars"][host]
        assert host_vars["ansible_connection"] == "local"
        assert host_vars["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
        assert host_vars["okta_sf_org_url"].startswith("https://")
        role_vars = {name for name in host_vars if name.startswith("okta_sf_")}
        assert role_vars <= declared(), (host, sorted(role_vars - declared()))
        # Secrets are never written in the inventory itself: they come from the vault or the environment.
        for name in ("okta_sf_api_token", "okta_sf_private_key", "okta_sf_salesforce_password",
                     "okta_sf_salesforce_security_token"):
            if name in host_vars:
                assert host_vars[name].startswith("{{ vault_"), (host, name)
