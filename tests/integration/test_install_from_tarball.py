"""First contact as the README tells it: build the tarball, install it beside a playbook, run the
README's real-org example against an org that answers Okta's published API only.

The commands and the playbook are read from README.md, so the test fails when the README's example
stops working. Step 1 of the example (the API integration and the To App settings, done by hand in the
Admin Console) is what `enable_by_hand` leaves in the simulator.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml

from tests.ansible_env import ANSIBLE_PLAYBOOK
from tests.integration.conftest import REPO
from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_provisioning_helpers import (
    API_USER,
    CONNECTION_PATH,
    SALESFORCE_APP,
    WANTED_USER_PROVISIONING,
    enable_by_hand,
    sf_user,
    writes,
)

README = REPO / "README.md"
ANSIBLE_GALAXY = str(Path(ANSIBLE_PLAYBOOK).with_name("ansible-galaxy"))


def readme_section(title):
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else len(text)]


def tarball_commands():
    """The two commands of "From a built tarball" in the README's Install section."""
    section = readme_section("Install")
    block = section[section.index("**From a built tarball**"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert [command.split()[:3] for command in commands] == [["ansible-galaxy", "collection", "build"],
                                                             ["ansible-galaxy", "collection", "install"]], commands
    return [shlex.split(command) for command in commands]


def real_org_example():
    """The playbook of the README's "Running against a real org" section."""
    section = readme_section("Running against a real org")
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_readme_real_org_example_from_the_built_tarball(simulator, run_playbook, tmp_path):
    # The README's install, with its relative paths under this test's directory.
    dist, project = tmp_path / "dist", tmp_path / "project"
    project.mkdir()
    build, install = tarball_commands()
    build = [ANSIBLE_GALAXY, *build[1:]]
    build[build.index("--output-path") + 1] = str(dist)
    install = [ANSIBLE_GALAXY, *[str(dist / Path(arg).name) if arg.endswith(".tar.gz") else arg for arg in install[1:]], "--offline"]
    # A user's shell: no collections path of ours (under make, it already holds the collection and the
    # install would be skipped as "already installed").
    user_env = {name: value for name, value in os.environ.items() if not name.startswith("ANSIBLE_COLLECTIONS")}
    for command, cwd in ((build, REPO), (install, project)):
        done = subprocess.run(command, cwd=cwd, env=user_env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((project / "collections" / "ansible_collections" / "idm" / "okta_salesforce" / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["version"] == yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]

    # An org like a real one today, where step 1 was done in the Admin Console.
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    simulator.configure(published_api_only=True)
    simulator.clear_log()

    (project / "site.yml").write_text(yaml.safe_dump(real_org_example(), sort_keys=False))
    user = sf_user(simulator)
    (project / "inventory.yml").write_text(yaml.safe_dump({"okta_orgs": {"hosts": {"acme": {
        "okta_org_url": simulator.url, "sf_username": API_USER, "vault_okta_api_token": simulator.api_token,
        "vault_sf_password": user["password"], "vault_sf_security_token": user["security_token"]}}}}))
    # Only the collection installed beside the playbook: no other collections path.
    elsewhere = tmp_path / "no-collections"
    elsewhere.mkdir()
    env = {"ANSIBLE_COLLECTIONS_PATH": str(elsewhere), "OKTA_CA_PATH": simulator.ca_path,
           "SF_LOGIN_URL": simulator.url, "SF_CA_PATH": simulator.ca_path}

    first = run_playbook(project / "site.yml", inventory=project / "inventory.yml", env=env)
    assert first.rc == 0, first.stdout[-3000:]
    statuses = [(r["task"], r["status"]) for r in first.results]
    assert statuses == [("Test the Salesforce API user", "ok"), ("Check provisioning and the To App settings", "ok"),
                        ("Assign the Salesforce groups", "changed")], statuses
    assert first.result("Test the Salesforce API user")["passed"] is True
    assert first.result("Check provisioning and the To App settings")["settings_source"] == "app_features"
    assert set(app_groups(simulator)) == {"Sales"}
    group_writes = writes(simulator)
    assert group_writes and all(path.startswith(f"/api/v1/apps/{SALESFORCE_APP}/groups/") for _method, path in group_writes)
    assert not [entry for entry in simulator.request_log() if entry["path"] == CONNECTION_PATH and entry["method"] == "POST"]

    simulator.clear_log()
    again = run_playbook(project / "site.yml", inventory=project / "inventory.yml", env=env)
    assert again.rc == 0, again.stdout[-3000:]
    assert [r["status"] for r in again.results] == ["ok", "ok", "ok"]
    assert writes(simulator) == []
