"""`python -m tests.simulator` (the CLI of README.md) and the control endpoints behind `Simulator`."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.simulator import Simulator

REPO = Path(__file__).resolve().parents[2]


def test_cli_serves_until_sigterm(tmp_path):
    ca_path = tmp_path / "ca.pem"
    proc = subprocess.Popen([sys.executable, "-m", "tests.simulator", "--port", "0", "--ca-cert", str(ca_path),
                             "--seed", "tests/simulator/seeds/default.yaml", "--published-api-only",
                             "--rate-limit", "2", "--rate-window", "3600"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        assert ready["ca_path"] == str(ca_path.resolve()) and ca_path.exists()
        session = requests.Session()
        session.trust_env = False
        headers = {"Authorization": f"SSWS {ready['api_token']}"}
        conn = session.get(f"{ready['url']}/api/v1/apps/0oasalesforce0001/connections/default", headers=headers,
                           verify=str(ca_path), timeout=10)
        assert conn.status_code == 200 and conn.json()["profile"]["authScheme"] == "UNKNOWN"
        codes = [session.get(f"{ready['url']}/api/v1/apps/0oasalesforce0001", headers=headers, verify=str(ca_path),
                             timeout=10).status_code for _attempt in range(2)]
        assert codes == [200, 429]   # the connection read spent one of the family's two requests
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_patch_by_login_reset_and_log(tmp_path):
    with Simulator(workdir=tmp_path) as sim:
        sim.patch(["okta", "users", "user0003@acme.com", "status"], "SUSPENDED")
        users = sim.state()["okta"]["users"]
        assert [u["status"] for u in users.values() if u["profile"]["login"] == "user0003@acme.com"] == ["SUSPENDED"]
        sim.patch(["salesforce", "users", "okta.api@acme.com", "password"], "Canary-rotated-password-1")
        assert "Canary-rotated-password-1" in sim.secrets
        sim.reset(users=300)
        state = sim.state()
        assert len(state["okta"]["users"]) == 301
        assert state["salesforce"]["users"]["okta.api@acme.com"]["password"] != "Canary-rotated-password-1"
        keys = [client["private_key_pem"] for client in sim.oauth_clients.values()]   # every seeded service app's
        keys += [app["private_key_pem"] for app in sim.salesforce_apps.values() if app["private_key_pem"]]   # JWT apps
        not_key = [s for s in sim.secrets if not any(s in key for key in keys)]
        assert not_key and all("canary" in s.lower() for s in not_key)
        sim.clear_log()
        assert sim.request_log() == []
