"""The enable_provisioning role end to end: first run, idempotent rerun, check-mode drift audit, credentials test.

Every run is a real ansible-playbook against a fresh simulator; the assertions are what an admin checks
afterwards: Okta's state, the write requests the simulator logged, the task statuses and the reports.
"""
from __future__ import annotations

from tests.integration.test_assignment_helpers import app_groups, app_users
from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, connection, features, writes
from tests.integration.test_role_helpers import (
    ASSIGN,
    CONFIGURE,
    PLAN,
    STOP,
    TEST,
    changed_tasks,
    org_vars,
    read_report,
    role_tasks,
    setting,
    status_of,
)

USERS = [{"login": "user0042@acme.com", "profile": {"profile": "Standard User", "role": "Sales EMEA"}}]
GROUPS = [{"name": "Sales", "priority": 0}]


def test_first_run_enables_and_assigns_then_a_rerun_changes_nothing(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    variables = org_vars(simulator, reports, okta_sf_users=USERS, okta_sf_groups=GROUPS)

    first = run_playbook(role_tasks(), extra_vars=variables)
    assert first.rc == 0, first.stdout
    assert status_of(first, PLAN) == "ok"
    assert status_of(first, TEST) == "ok"
    assert status_of(first, CONFIGURE) == "changed"
    assert status_of(first, ASSIGN) == "changed"
    # Okta now holds what Okta's procedure asks for, with the role's defaults.
    assert connection(simulator)["status"] == "ENABLED"
    assert connection(simulator)["profile"]["username"] == API_USER
    assert connection(simulator)["profile"]["allowPushNullValues"] is False
    to_app = features(simulator)["USER_PROVISIONING"]
    assert to_app["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert to_app["update"]["profile"]["status"] == "ENABLED"
    assert to_app["update"]["lifecycleDeactivate"]["status"] == "ENABLED"
    assert to_app["update"]["password"]["status"] == "DISABLED"
    assert app_users(simulator)["user0042@acme.com"]["profile"]["role"] == "Sales EMEA"
    assert app_groups(simulator)["Sales"]["priority"] == 0

    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert (report["mode"], report["outcome"], report["changed"], report["drift"]) == ("apply", "ok", True, True)
    assert setting(report, "to_app.create_users") == {
        "setting": "to_app.create_users", "wanted": True, "found": False, "status": "changed"}
    assert setting(report, "connection.status")["found"] == "DISABLED"
    assert sorted(report["assignments"]["added"]) == ["Sales", "user0042@acme.com"]
    assert report["credentials_test"]["passed"] is True
    assert "changed: true" in markdown
    assert "| to_app.create_users | yes | no | changed |" in markdown

    simulator.clear_log()
    second = run_playbook(role_tasks(), extra_vars=variables)
    assert second.rc == 0, second.stdout
    assert changed_tasks(second) == []
    assert writes(simulator) == []
    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert (report["changed"], report["drift"]) == (False, False)
    assert {row["status"] for row in report["settings"]} == {"in sync"}
    assert report["assignments"]["unchanged"] == 2
    assert "drift: false" in markdown and "changed: false" in markdown


def test_check_mode_on_a_drifted_org_writes_nothing_and_reports_the_drift(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    assert run_playbook(role_tasks(), extra_vars=org_vars(simulator, okta_sf_groups=GROUPS)).rc == 0
    # Someone turns "Deactivate Users" off in the Admin Console, and a user is now wanted on the app.
    simulator.patch(["okta", "features", SALESFORCE_APP, "USER_PROVISIONING", "update", "lifecycleDeactivate", "status"],
                    "DISABLED")
    simulator.clear_log()

    audit = run_playbook(role_tasks(), check=True, diff=True, extra_vars=org_vars(
        simulator, reports, okta_sf_groups=GROUPS, okta_sf_users=USERS))
    assert audit.rc == 0, audit.stdout
    assert writes(simulator) == []
    assert status_of(audit, CONFIGURE) == "changed"      # check mode: would change
    assert features(simulator)["USER_PROVISIONING"]["update"]["lifecycleDeactivate"]["status"] == "DISABLED"
    assert "user0042@acme.com" not in app_users(simulator)

    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert (report["mode"], report["changed"], report["drift"]) == ("check", False, True)
    assert setting(report, "to_app.deactivate_users") == {
        "setting": "to_app.deactivate_users", "wanted": True, "found": False, "status": "drift"}
    assert setting(report, "to_app.create_users")["status"] == "in sync"
    assert report["assignments"]["added"] == ["user0042@acme.com"]
    assert report["assignments"]["unchanged"] == 1
    assert "drift: true" in markdown
    assert "| to_app.deactivate_users | yes | no | drift |" in markdown
    assert "| To add | 1: user0042@acme.com |" in markdown


def test_check_mode_on_an_org_in_the_wanted_state_reports_no_drift(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    assert run_playbook(role_tasks(), extra_vars=org_vars(simulator)).rc == 0
    simulator.clear_log()

    audit = run_playbook(role_tasks(), check=True, extra_vars=org_vars(simulator, reports))
    assert audit.rc == 0, audit.stdout
    assert changed_tasks(audit) == []
    assert writes(simulator) == []
    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert report["drift"] is False
    assert report["assignments"]["managed"] is False
    assert "drift: false" in markdown


def test_a_failed_credentials_test_stops_before_okta_is_written(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    # The API user's profile has delegated authentication on: Okta could not provision with it.
    simulator.patch(["salesforce", "profiles", "System Administrator", "IsSsoEnabled"], True)

    run = run_playbook(role_tasks(), extra_vars=org_vars(simulator, reports, okta_sf_groups=GROUPS))
    assert run.rc != 0
    assert writes(simulator) == []
    assert connection(simulator)["status"] == "DISABLED"
    assert status_of(run, STOP) == "failed"
    assert "failed the credentials test, so nothing was written to Okta" in run.stdout
    assert "[delegated_auth_off]" in run.stdout

    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert report["outcome"] == "failed"
    assert report["failure"]["task"].endswith(STOP)
    assert report["credentials_test"]["passed"] is False
    failed_checks = [check["name"] for check in report["credentials_test"]["checks"] if check["status"] == "fail"]
    assert failed_checks == ["delegated_auth_off"]
    # What would have been done is still shown, from the read before the test.
    assert setting(report, "connection.status") == {
        "setting": "connection.status", "wanted": "ENABLED", "found": "DISABLED", "status": "drift"}
    assert report["assignments"]["checked"] is False
    assert "| delegated_auth_off | fail |" in markdown


def test_continue_on_failed_test_goes_on_when_okta_accepts_the_credentials(simulator, run_playbook):
    simulator.patch(["salesforce", "profiles", "System Administrator", "IsSsoEnabled"], True)

    run = run_playbook(role_tasks(), extra_vars=org_vars(simulator, okta_sf_continue_on_failed_test=True))
    assert run.rc == 0, run.stdout
    assert status_of(run, STOP) == "skipped"
    assert status_of(run, CONFIGURE) == "changed"
    assert connection(simulator)["status"] == "ENABLED"
    assert "Salesforce check delegated_auth_off failed" in run.stderr   # still shown, as a warning


def test_continue_on_failed_test_stops_at_a_login_salesforce_refused(simulator, run_playbook):
    """Going on would make Okta log in with the refused credentials: one more failed login toward the lockout."""
    wrong = "Not-the-password-2"
    run = run_playbook(role_tasks(), extra_vars=org_vars(
        simulator, okta_sf_salesforce_password=wrong, okta_sf_continue_on_failed_test=True), extra_secrets=[wrong])
    assert run.rc != 0
    assert status_of(run, STOP) == "failed"
    assert "Salesforce refused the login (INVALID_LOGIN), so the run stops even with okta_sf_continue_on_failed_test" \
        in " ".join(run.stdout.split())
    assert writes(simulator) == []
    assert [(e["channel"], e["fault"]) for e in simulator.salesforce_logins()] == [("soap_login", "INVALID_LOGIN")]


def test_wrong_password_is_caught_by_the_test_not_by_okta(simulator, run_playbook):
    run = run_playbook(role_tasks(), extra_vars=org_vars(
        simulator, okta_sf_salesforce_password="Not-the-password-1"), extra_secrets=["Not-the-password-1"])
    assert run.rc != 0
    assert writes(simulator) == []
    assert "[login]" in run.stdout
    assert "INVALID_LOGIN" in run.stdout


def test_no_secret_at_the_highest_verbosity_with_diffs(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    run = run_playbook(role_tasks(), extra_vars=org_vars(simulator, reports), diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    # The harness scans stdout, stderr and the results for every canary; the reports are scanned here.
    read_report(reports, "localhost", simulator.secrets)
    assert "******** (will be sent)" in run.stdout
