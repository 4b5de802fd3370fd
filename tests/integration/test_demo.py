"""`make demo` is the README's first command: it must show the three runs and exit 0."""
from __future__ import annotations

import subprocess
import sys

import yaml

from tests.canaries import find_leaks
from tests.integration.conftest import DEFAULT_SEED, REPO, count_scan

DEMO_DIR = REPO / "build" / "demo"


def seeded_secrets():
    """The secrets of the seed the demo runs on: its API tokens, and each Salesforce user's password and token."""
    seed = yaml.safe_load(DEFAULT_SEED.read_text())
    found = list(seed["okta"]["api_tokens"])
    for user in seed["salesforce"]["users"].values():
        found += [user.get("password"), user.get("security_token")]
    return [secret for secret in found if secret]


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
    # What the demo printed, its reports and every file its runs left (results, Ansible's temp files), in any
    # escaped form; its inputs (the inventory and the simulator's state) hold the secrets on purpose.
    outputs = [out] + [path.read_text(errors="replace") for path in sorted((DEMO_DIR / "reports").rglob("*")) if path.is_file()]
    outputs += [path.read_text(errors="replace") for path in sorted(DEMO_DIR.glob("run*/**/*")) if path.is_file()]
    found = {leak for text in outputs for leak in find_leaks(text, seeded_secrets())}
    count_scan(len(outputs), found, loud=False)
    leaks = sorted({(form, secret[:6]) for secret, form in found})
    assert leaks == [], f"secret canaries in the demo's output or files (form, first characters): {leaks}"
    assert len(outputs) > 3
