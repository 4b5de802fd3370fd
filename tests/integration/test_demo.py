"""`make demo` is the README's first command: it must show the three runs and exit 0."""
from __future__ import annotations

import subprocess
import sys

from tests.integration.conftest import REPO


def test_demo_shows_enable_unchanged_rerun_and_audit_drift():
    proc = subprocess.run([sys.executable, "-m", "tests.demo"], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    first, second, audit = out.split("\n== ")[1], out.split("\n== ")[2], out.split("\n== ")[4]
    assert first.startswith("1. Enable") and "changed: idm.okta_salesforce.enable_provisioning : Enable and configure" in first
    assert "tasks that changed something: 0" in second and "write requests Okta received: 0" in second
    assert "drift: to_app.deactivate_users: wanted True, found in Okta False" in audit
    assert "write requests Okta received: 0" in audit
    # Check mode: Ansible's "changed" is what a real run would change, and the demo says so.
    assert "check mode: nothing is written; Ansible's 'changed' means 'would change'" in audit
    assert "tasks that would change something: 1" in audit and "would change: " in audit
    assert "     changed: " not in audit
    assert "(changed = would change)" in audit
    assert "Traceback" not in out
