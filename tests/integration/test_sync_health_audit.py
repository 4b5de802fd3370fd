"""The audit playbook with okta_sf_sync_health: each org's report gets a "Provisioning health" section, one fleet
summary covers every org, and okta_sf_fail_on_drift can name health categories. Two orgs, two simulators."""
from __future__ import annotations

import json

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_provisioning_helpers import SALESFORCE_APP, writes
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars, read_report, write_inventory
from tests.simulator import Simulator

ENABLE = PLAYBOOKS / "enable_salesforce_provisioning.yml"
AUDIT = PLAYBOOKS / "audit_salesforce_provisioning.yml"
OTHER_SF_USERS = ["okta.permset@acme.com", "okta.sso@acme.com", "admin@acme.com"]
HEALTH = {"okta_sf_sync_health": True, "okta_sf_sync_health_ignore_usernames": OTHER_SF_USERS}


def test_audit_reports_provisioning_health_per_org_and_in_the_fleet_summary(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    with Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim_uat") as uat:
        inventory = write_inventory(tmp_path / "orgs.json", {
            "acme_prod": org_vars(simulator, reports, okta_sf_groups=[{"name": "Sales", "profile": {"profile": "Standard User"}}]),
            "acme_uat": org_vars(uat, reports, okta_sf_groups=[{"name": "Support"}]),
        })
        assert run_playbook(ENABLE, inventory=inventory, extra_secrets=uat.secrets).rc == 0
        planted = {kind: simulator.plant_drift(SALESFORCE_APP, kind, 1) for kind in (
            "missing_in_salesforce", "inactive_in_salesforce", "profile_differs", "unassigned_in_okta", "sync_error")}
        simulator.clear_log()
        uat.clear_log()

        run = run_playbook(AUDIT, inventory=inventory, extra_secrets=uat.secrets, extra_vars=dict(
            HEALTH, okta_sf_fail_on_drift=["drift", "missing_in_salesforce"]))

        assert run.rc == 2, run.stdout
        assert "Okta org acme_prod has drifted" in run.stdout
        assert "provisioning health missing_in_salesforce" in run.stdout
        assert "Okta org acme_uat has drifted" not in run.stdout
        assert writes(simulator) == [] and writes(uat) == []
        # The audit's Salesforce requests are the sync module's reads: one login, then GETs.
        salesforce = [(e["method"], e["path"]) for e in simulator.request_log() if e["path"].startswith("/services/")]
        assert [call for call in salesforce if call[0] != "GET"] == [("POST", "/services/Soap/u/64.0")]

        prod, prod_markdown = read_report(reports, "acme_prod", simulator.secrets)
        health = prod["health"]
        assert health["ran"] is True and health["healthy"] is False
        assert {name: health["counts"][name] for name in planted if name in health["counts"]} == {
            "missing_in_salesforce": 1, "inactive_in_salesforce": 1, "unassigned_in_okta": 1}
        assert health["counts"]["profile_or_role_differs"] == 1 and health["counts"]["okta_sync_problems"] == 1
        assert health["counts"]["in_sync"] == 10 - 4
        assert [u["username"] for u in health["users"]["missing_in_salesforce"]] == planted["missing_in_salesforce"]
        assert [u["username"] for u in health["users"]["okta_sync_problems"]] == planted["sync_error"]
        assert "## Provisioning health" in prod_markdown
        assert f"| missing_in_salesforce | 1 | {planted['missing_in_salesforce'][0]} |" in prod_markdown
        assert f"- {planted['profile_differs'][0]}: profile Okta Standard User, Salesforce Drifted Profile" in prod_markdown

        clean = read_report(reports, "acme_uat", uat.secrets)[0]["health"]
        assert clean["healthy"] is True
        assert clean["counts"]["in_sync"] == 10
        assert sum(clean["counts"][name] for name in ("missing_in_salesforce", "inactive_in_salesforce",
                                                      "profile_or_role_differs", "unassigned_in_okta",
                                                      "okta_sync_problems")) == 0

        summary = json.loads((reports / "fleet_summary.json").read_text())
        by_org = {entry["org"]: entry for entry in summary["orgs"]}
        assert set(by_org) == {"acme_prod", "acme_uat"}
        assert by_org["acme_prod"]["drift"] is False and by_org["acme_prod"]["health"]["counts"] == health["counts"]
        assert by_org["acme_uat"]["health"]["healthy"] is True
        assert by_org["acme_prod"]["credentials_test"] == {"ran": False, "passed": None}
        assert by_org["acme_prod"]["report_markdown"] == "acme_prod.md"
        markdown = (reports / "fleet_summary.md").read_text()
        assert "| acme_prod | ok | no | not run | 1 | 1 | 1 | 1 | 1 | 6 | [acme_prod.md](acme_prod.md)" in markdown
        assert "| acme_uat | ok | no | not run | 0 | 0 | 0 | 0 | 0 | 10 |" in markdown


def test_audit_without_sync_health_says_so_and_logs_in_nowhere(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator, reports)})
    assert run_playbook(ENABLE, inventory=inventory).rc == 0
    simulator.clear_log()

    run = run_playbook(AUDIT, inventory=inventory, extra_vars={"okta_sf_fail_on_drift": ["missing_in_salesforce"]})

    assert run.rc == 0, run.stdout
    report, markdown = read_report(reports, "acme", simulator.secrets)
    assert report["health"]["ran"] is False
    assert report["health"]["not_run_reason"] == "okta_sf_sync_health is false"
    assert "Not run: okta_sf_sync_health is false." in markdown
    assert [e for e in simulator.request_log() if e["path"].startswith("/services/")] == []
    summary = (reports / "fleet_summary.md").read_text()
    assert "| acme | ok | no | not run | not run | - | - | - | - | - |" in summary
