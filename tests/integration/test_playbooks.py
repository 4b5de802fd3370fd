"""The playbooks as an operator runs them: an inventory of Okta orgs, the audit, the rotation, two orgs at once."""
from __future__ import annotations

import copy

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_provisioning_helpers import (
    CONNECTION_PATH,
    SALESFORCE_APP,
    SANDBOX_APP,
    connection,
    salesforce_connected_app,
    sf_user,
    stored_secret_is,
    writes,
)
from tests.integration.test_role_helpers import (
    CONFIGURE,
    PLAYBOOKS,
    STOP,
    TEST,
    changed_tasks,
    org_vars,
    read_report,
    setting,
    status_of,
    write_inventory,
)
from tests.simulator import Simulator

ENABLE = PLAYBOOKS / "enable_salesforce_provisioning.yml"
AUDIT = PLAYBOOKS / "audit_salesforce_provisioning.yml"
ROTATE = PLAYBOOKS / "rotate_salesforce_credentials.yml"
CHECK_ROTATION = "Check that Okta's API integration is enabled with the new credentials"


def test_audit_forces_check_mode_and_fails_on_drift_only_when_asked(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator, reports)})
    assert run_playbook(ENABLE, inventory=inventory).rc == 0
    simulator.clear_log()

    in_sync = run_playbook(AUDIT, inventory=inventory, extra_vars={"okta_sf_fail_on_drift": True})
    assert in_sync.rc == 0, in_sync.stdout
    assert read_report(reports, "acme", simulator.secrets)[0]["drift"] is False

    # Someone allows pushing null values in the Admin Console.
    simulator.patch(["okta", "connections", SALESFORCE_APP, "profile", "allowPushNullValues"], True)
    drifted = run_playbook(AUDIT, inventory=inventory, extra_vars={"okta_sf_fail_on_drift": True})
    assert drifted.rc == 2, drifted.stdout
    assert "Okta org acme has drifted" in drifted.stdout
    assert "connection.allow_push_null_values" in drifted.stdout
    assert "+++ after" in drifted.stdout          # diffs are on without --diff
    assert writes(simulator) == []                 # and check mode without --check
    report, markdown = read_report(reports, "acme", simulator.secrets)
    assert (report["mode"], report["drift"]) == ("check", True)
    assert setting(report, "connection.allow_push_null_values") == {
        "setting": "connection.allow_push_null_values", "wanted": False, "found": True, "status": "drift"}
    assert "drift: true" in markdown

    report_only = run_playbook(AUDIT, inventory=inventory)
    assert report_only.rc == 0, report_only.stdout
    assert writes(simulator) == []
    assert read_report(reports, "acme", simulator.secrets)[0]["drift"] is True
    assert connection(simulator)["profile"]["allowPushNullValues"] is True


def test_the_audit_logs_in_to_salesforce_only_when_asked_and_once_per_run(simulator, run_playbook, tmp_path):
    """A scheduled audit whose vault holds a stale Salesforce password must not lock the API user out."""
    reports = tmp_path / "reports"
    stale = "Stale-vault-password-5e1d"
    simulator.patch(["salesforce", "org", "lockout_attempts"], 3)
    inventory = write_inventory(tmp_path / "orgs.json", {
        "acme": org_vars(simulator, reports, okta_sf_salesforce_password=stale)})
    asked = {"okta_sf_audit_test_credentials": True}

    def audit(extra_vars=None):
        simulator.clear_log()
        run = run_playbook(AUDIT, inventory=inventory, extra_vars=extra_vars, extra_secrets=[stale])
        soap_logins = [e for e in simulator.request_log() if e["path"].startswith("/services/Soap/u/")]
        return run, len(soap_logins)

    def api_user():
        return simulator.state()["salesforce"]["users"]["okta.api@acme.com"]

    # By default: two audits, not one Salesforce login.
    for _run in range(2):
        run, logins = audit()
        assert run.rc == 0, run.stdout
        assert logins == 0
        assert status_of(run, TEST) == "skipped"
    assert simulator.salesforce_logins() == [] and api_user()["failed_logins"] == 0
    report, markdown = read_report(reports, "acme", simulator.secrets + [stale])
    assert report["credentials_test"] == {
        "ran": False, "salesforce_login": False, "passed": None, "checks": [], "user": None, "org": None,
        "not_run_reason": "a check-mode run logs in to Salesforce only with okta_sf_audit_test_credentials set to true"}
    assert "Salesforce login: none sent." in markdown
    assert "Not run: a check-mode run logs in to Salesforce only with okta_sf_audit_test_credentials set to true." in markdown

    # Asked to: exactly one login per run. The stale password fails it, the host fails, nothing is retried.
    for run_number in (1, 2):
        run, logins = audit(asked)
        assert run.rc == 2, run.stdout
        assert logins == 1
        assert status_of(run, STOP) == "failed"
        assert len(simulator.salesforce_logins("okta.api@acme.com", channel="soap_login")) == run_number
        assert api_user()["failed_logins"] == run_number
    report, markdown = read_report(reports, "acme", simulator.secrets + [stale])
    assert (report["credentials_test"]["ran"], report["credentials_test"]["salesforce_login"]) == (True, True)
    assert report["credentials_test"]["not_run_reason"] is None
    assert "Salesforce login: one login sent" in markdown
    login = [c for c in report["credentials_test"]["checks"] if c["name"] == "login"][0]
    assert login["detail"].startswith("Salesforce refused the login with INVALID_LOGIN")
    assert writes(simulator) == []

    # A third failure reaches the org's limit (3 here): Salesforce locks the user. The next audit gets the lockout remedy.
    run, logins = audit(asked)
    assert (logins, api_user()["locked"]) == (1, True)
    run, logins = audit(asked)
    assert logins == 1
    report, markdown = read_report(reports, "acme", simulator.secrets + [stale])
    login = [c for c in report["credentials_test"]["checks"] if c["name"] == "login"][0]
    assert login["detail"].startswith("Salesforce refused the login with PASSWORD_LOCKOUT")
    assert "Setup > Users > Users > the user > Unlock" in login["remedy"] and "Login History" in login["remedy"]
    assert "PASSWORD_LOCKOUT" in run.stdout and "Unlock" in run.stdout
    assert "| login | fail | Salesforce refused the login with PASSWORD_LOCKOUT" in markdown
    assert [e["fault"] for e in simulator.salesforce_logins("okta.api@acme.com")] == ["INVALID_LOGIN"] * 3 + ["PASSWORD_LOCKOUT"]


def test_rotation_changes_the_stored_secret_and_nothing_else(simulator, run_playbook, tmp_path):
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator)})
    assert run_playbook(ENABLE, inventory=inventory).rc == 0
    old = sf_user(simulator)
    old_secrets = [old["password"], old["security_token"]]
    # Salesforce password reset: a new password, and Salesforce mails a new security token.
    new_password, new_token = "Rotated-password-9f3e", "rotatedSfToken5a1c77"
    simulator.patch(["salesforce", "users", "okta.api@acme.com", "password"], new_password)
    simulator.patch(["salesforce", "users", "okta.api@acme.com", "security_token"], new_token)
    before = copy.deepcopy(simulator.state()["okta"])
    simulator.clear_log()

    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator)})
    rotated = run_playbook(ROTATE, inventory=inventory, extra_secrets=old_secrets)
    assert rotated.rc == 0, rotated.stdout
    assert status_of(rotated, CHECK_ROTATION) == "ok"
    assert stored_secret_is(simulator, new_password, new_token)
    assert writes(simulator) == [("POST", CONNECTION_PATH)]
    after = copy.deepcopy(simulator.state()["okta"])
    # Only the stored secret (and the connection's lastUpdated stamp) may differ, and the System Log has the one
    # event of that save.
    logged = [e["eventType"] for e in after["system_log"][len(before["system_log"]):]]
    assert logged == ["application.lifecycle.update"]
    for state in (before, after):
        state["connections"][SALESFORCE_APP]["profile"].pop("token")
        state["connections"][SALESFORCE_APP].pop("lastUpdated", None)
        state.pop("counters", None)
        state.pop("system_log")
    assert after == before


def test_rotation_with_a_wrong_new_password_sends_nothing(simulator, run_playbook, tmp_path):
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator)})
    assert run_playbook(ENABLE, inventory=inventory).rc == 0
    old = sf_user(simulator)
    simulator.clear_log()

    wrong = "Mistyped-password-4c2d"
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(simulator, okta_sf_salesforce_password=wrong)})
    rotated = run_playbook(ROTATE, inventory=inventory, extra_secrets=[wrong])
    assert rotated.rc != 0
    assert "INVALID_LOGIN" in rotated.stdout
    assert writes(simulator) == []
    assert stored_secret_is(simulator, old["password"], old["security_token"])


def test_two_orgs_in_one_run_get_their_own_provisioning_and_report(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    with Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim_uat") as uat:
        # The second org provisions its sandbox app, against a sandbox Salesforce org.
        uat.patch(["salesforce", "org", "is_sandbox"], True)
        inventory = write_inventory(tmp_path / "orgs.json", {
            "acme_prod": org_vars(simulator, reports, okta_sf_groups=[{"name": "Sales"}]),
            "acme_uat": org_vars(uat, reports, okta_sf_app_label="Salesforce Sandbox", okta_sf_groups=[{"name": "Support"}]),
        })

        run = run_playbook(ENABLE, inventory=inventory, extra_secrets=uat.secrets)
        assert run.rc == 0, run.stdout
        assert status_of(run, CONFIGURE, host="acme_prod") == "changed"
        assert status_of(run, CONFIGURE, host="acme_uat") == "changed"
        assert connection(simulator)["status"] == "ENABLED"
        assert connection(simulator, SANDBOX_APP)["status"] == "DISABLED"
        assert connection(uat, SANDBOX_APP)["status"] == "ENABLED"
        assert connection(uat)["status"] == "DISABLED"
        assert set(app_groups(simulator)) == {"Sales"}
        assert set(app_groups(uat, SANDBOX_APP)) == {"Support"}
        # /api/v1/apps/{app id}/...: each org's writes went to its own app only.
        assert {entry["path"].split("/")[4] for entry in simulator.writes()} == {SALESFORCE_APP}
        assert {entry["path"].split("/")[4] for entry in uat.writes()} == {SANDBOX_APP}

        prod = read_report(reports, "acme_prod", simulator.secrets)[0]
        sandbox, sandbox_markdown = read_report(reports, "acme_uat", uat.secrets)
        assert (prod["org_url"], prod["app"]["id"]) == (simulator.url, SALESFORCE_APP)
        assert (sandbox["org_url"], sandbox["app"]["id"]) == (uat.url, SANDBOX_APP)
        assert sandbox["credentials_test"]["org"]["is_sandbox"] is True
        assert uat.url in sandbox_markdown and simulator.url not in sandbox_markdown

        simulator.clear_log()
        uat.clear_log()
        again = run_playbook(ENABLE, inventory=inventory, extra_secrets=uat.secrets)
        assert again.rc == 0, again.stdout
        assert changed_tasks(again) == []
        assert writes(simulator) == [] and writes(uat) == []


def test_rotation_of_the_oauth_consumer_secret_asks_for_the_consent_again(simulator, run_playbook, tmp_path):
    simulator.reset(DEFAULT_SEED.with_name("two_versions.yaml"))
    live_app, old_secret, new_secret = "0oasfoauth000002", "canary-sf-consumer-secret-live-77c1d2", "canary-rotated-consumer-secret-1e5f"
    inventory = write_inventory(tmp_path / "orgs.json", {"acme": org_vars(
        simulator, okta_sf_app_label="Salesforce OAuth Live", okta_sf_auth="oauth",
        okta_sf_consumer_key="3MVG9simLiveConsumerKey0002", okta_sf_consumer_secret=new_secret)})
    salesforce_connected_app(simulator, "3MVG9simLiveConsumerKey0002", new_secret)   # rotated in Salesforce first
    simulator.clear_log()
    rotated = run_playbook(ROTATE, inventory=inventory, extra_secrets=[old_secret, new_secret])
    assert rotated.rc != 0                                   # the consent is pending again: said, and failed
    assert status_of(rotated, CHECK_ROTATION) == "ok"
    assert status_of(rotated, "Stop until the OAuth consent is given again") == "failed"
    assert status_of(rotated, TEST) == "ok"                  # the new secret, probed at the token endpoint
    assert "Authenticate with Salesforce.com" in rotated.stdout
    held = connection(simulator, live_app)
    assert (held["profile"]["clientSecret"] == new_secret) is True and held["consent"] == "pending"
    assert writes(simulator) == [("POST", f"/api/v1/apps/{live_app}/connections/default")]
    assert simulator.salesforce_logins() == [] and simulator.salesforce_counts()["token_requests"] == 1


def test_audit_reports_the_version_and_a_pending_consent_as_drift(simulator, run_playbook, tmp_path):
    simulator.reset(DEFAULT_SEED.with_name("two_versions.yaml"))
    simulator.patch(["okta", "connections", "0oasfoauth000002", "consent"], "pending")
    reports = tmp_path / "reports"
    inventory = write_inventory(tmp_path / "orgs.json", {
        "oauth_org": org_vars(simulator, reports, okta_sf_app_label="Salesforce OAuth Live", okta_sf_auth="oauth"),
        "token_org": org_vars(simulator, reports, okta_sf_app_label="Salesforce Token Live")})
    simulator.clear_log()
    audit = run_playbook(AUDIT, inventory=inventory)
    assert audit.rc == 0, audit.stdout
    assert writes(simulator) == []
    oauth, markdown = read_report(reports, "oauth_org", simulator.secrets)
    assert (oauth["version"], oauth["consent"], oauth["drift"]) == ("oauth", "pending consent", True)
    assert setting(oauth, "connection.consent")["status"] == "pending consent"
    assert "| Integration version | oauth |" in markdown and oauth["consent_url"] in markdown
    token, markdown = read_report(reports, "token_org", simulator.secrets)
    assert (token["version"], token["consent"]) == ("password_token", None)
    assert "| Integration version | password_token |" in markdown

    failing = run_playbook(AUDIT, inventory=inventory, extra_vars={"okta_sf_fail_on_drift": True})
    assert failing.rc == 2 and "connection.consent" in failing.stdout
    assert writes(simulator) == []
