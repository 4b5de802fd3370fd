"""ansible-lint (profile production, .ansible-lint) over the role and the playbooks, offline.

The collection is found through ANSIBLE_COLLECTIONS_PATH=build/collections; downloads are made
impossible (proxies to a closed port, an empty cache), so a lint that needs the network fails here.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ansible_env import REPO

ANSIBLE_LINT = Path(sys.executable).with_name("ansible-lint")
CLOSED_PORT = "http://127.0.0.1:9"


def ansible_lint(*paths, tmp_path):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / "build" / "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_HOME": str(tmp_path / "ansible_home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HTTP_PROXY": CLOSED_PORT, "HTTPS_PROXY": CLOSED_PORT, "http_proxy": CLOSED_PORT, "https_proxy": CLOSED_PORT,
        "NO_PROXY": "", "no_proxy": "",
        "NO_COLOR": "1",
    })
    cmd = [str(ANSIBLE_LINT), "-c", str(REPO / ".ansible-lint"), "--profile", "production", *map(str, paths)]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_role_playbooks_and_rulebooks_pass_the_production_profile(tmp_path):
    linted = ansible_lint("roles/", "playbooks/", "extensions/eda/rulebooks/", tmp_path=tmp_path)
    output = linted.stdout + linted.stderr
    assert linted.returncode == 0, output
    assert "Profile 'production' was required, and it passed" in output
    assert "0 failure(s), 0 warning(s)" in output


def test_lint_checks_module_options_against_the_collections_modules(tmp_path):
    """A misspelt option of one of our modules fails the lint: the modules are found and checked."""
    playbook = tmp_path / "probe.yml"
    playbook.write_text(
        "---\n"
        "- name: Probe\n"
        "  hosts: localhost\n"
        "  gather_facts: false\n"
        "  tasks:\n"
        "    - name: Misspelt option\n"
        "      idm.okta_salesforce.okta_sf_provisioning:\n"
        "        app_label: Salesforce.com\n"
        "        allow_push_nulls: false\n"
    )
    linted = ansible_lint(playbook, tmp_path=tmp_path)
    output = linted.stdout + linted.stderr
    assert linted.returncode != 0, output
    assert "args[module]" in output
    assert "allow_push_nulls" in output
