"""The enable_provisioning role with okta_sf_manage_api_user (issue 16): from a Salesforce org with no integration
user, the OAuth version's enable run creates the API user and its profile first, and the admin-session checks of the
credentials test pass on that same run; reruns write nothing on either side; a check-mode audit reports a drifted
profile and writes nothing; the next enable run fixes it. Real ansible-playbook runs against the simulator (seed
two_versions.yaml); writes are counted from the simulator (Okta's request log, Salesforce's write log)."""
from __future__ import annotations

from tests.integration.test_api_user import PASSWORD, PASSWORD_MARK
from tests.integration.test_provisioning_helpers import writes as okta_writes
from tests.integration.test_role_helpers import TEST, changed_tasks, read_report, role_tasks, status_of
from tests.integration.test_role_oauth_version import CONSENT_STOP, OAUTH_APP, two_versions  # noqa: F401  # pylint: disable=unused-import  # the fixture
from tests.integration.test_role_oauth_version import oauth_vars

API_USER_STEP = "Create the Salesforce API user and keep it and its profile fit"
NEW_USER = "okta.integration@acme.com"
PROFILE = "Okta Integration"


def api_user_vars(sim, reports):
    apps = sim.salesforce_apps
    # The OAuth version with the org's own connected app, so that the credentials test's probe passes too.
    return oauth_vars(sim, reports, okta_sf_consumer_key=apps["Okta_Provisioning"]["consumer_key"],
                      okta_sf_consumer_secret=apps["Okta_Provisioning"]["consumer_secret"], okta_sf_manage_api_user=True, okta_sf_salesforce_username=NEW_USER,
                      okta_sf_salesforce_password=PASSWORD, okta_sf_salesforce_security_token="",
                      okta_sf_api_user={"email": "it-admins@acme.com", "first_name": "Okta", "last_name": "Integration",
                                        "alias": "oktaint"},
                      okta_sf_admin_username="admin@acme.com",
                      okta_sf_admin_consumer_key=apps["Ansible_Admin"]["consumer_key"],
                      okta_sf_admin_private_key=apps["Ansible_Admin"]["private_key_pem"])


def sf_writes(sim) -> int:
    return sim.salesforce_counts()["writes"]


def test_role_goes_from_an_empty_org_to_a_fit_api_user_and_keeps_it_fit(two_versions, run_playbook, tmp_path):
    sim = two_versions
    reports = tmp_path / "reports"
    variables = api_user_vars(sim, reports)
    secrets = list(sim.secrets) + [PASSWORD]

    first = run_playbook(role_tasks(), extra_vars=variables, diff=True, verbosity=4, extra_secrets=[PASSWORD])
    assert PASSWORD_MARK not in first.output
    assert status_of(first, API_USER_STEP) == "changed", first.stdout[-3000:]
    assert status_of(first, CONSENT_STOP) == "failed"          # the one click left: the OAuth consent
    report, markdown = read_report(reports, "localhost", secrets)
    assert report["api_user"]["writes"] == ["profile_create", "profile_permissions", "user_create", "password_set"]
    assert report["credentials_test"]["passed"] is True, report["credentials_test"]["checks"]
    checks = {c["name"]: c["status"] for c in report["credentials_test"]["checks"]}
    assert {checks[n] for n in ("user_found", "user_active", "api_enabled_on_profile", "manage_users_on_profile",
                                "delegated_auth_off")} == {"pass"}
    assert "## Salesforce API user (step 1)" in markdown and PASSWORD_MARK not in markdown
    user = sim.state()["salesforce"]["users"][NEW_USER]
    assert user["profile"] == PROFILE and user["is_active"] is True
    created = sf_writes(sim)
    assert created == 4

    sim.give_consent(OAUTH_APP)
    done = run_playbook(role_tasks(), extra_vars=variables, extra_secrets=[PASSWORD])
    assert done.rc == 0, done.stdout[-3000:]
    sim.clear_log()
    again = run_playbook(role_tasks(), extra_vars=variables, diff=True, verbosity=4, extra_secrets=[PASSWORD])
    assert again.rc == 0 and PASSWORD_MARK not in again.output
    assert changed_tasks(again) == [] and okta_writes(sim) == [] and sf_writes(sim) == created

    # Manage Users unticked on the profile in Setup: the audit reports it, writes nothing; the enable run fixes it.
    sim.patch(["salesforce", "profiles", PROFILE, "PermissionsManageUsers"], False)
    audit = run_playbook(role_tasks(), extra_vars=variables, check=True, diff=True, extra_secrets=[PASSWORD])
    report, markdown = read_report(reports, "localhost", secrets)
    # The audit's credentials test fails on the drift too (as it would for a hand-made user), naming it.
    assert audit.rc != 0 and "[manage_users_on_profile]" in report["failure"]["message"]
    assert report["mode"] == "check" and report["drift"] is True
    assert report["api_user"]["writes"] == ["profile_permissions"]
    assert [p["permission"] for p in report["api_user"]["profile"]["permissions_changed"]] == ["PermissionsManageUsers"]
    assert "Manage Users False -> True" in markdown
    assert sf_writes(sim) == created and okta_writes(sim) == []

    fix = run_playbook(role_tasks(), extra_vars=variables, extra_secrets=[PASSWORD])
    assert fix.rc == 0 and status_of(fix, API_USER_STEP) == "changed"
    assert sim.state()["salesforce"]["profiles"][PROFILE]["PermissionsManageUsers"] is True
    assert sf_writes(sim) == created + 1
    assert status_of(fix, TEST) in ("ok", "skipped")


def test_role_stops_before_any_write_when_no_licence_is_free(two_versions, run_playbook, tmp_path):
    sim = two_versions
    sim.patch(["salesforce", "user_licenses", "Salesforce", "total"], 4)
    sim.clear_log()
    run = run_playbook(role_tasks(), extra_vars=api_user_vars(sim, tmp_path / "reports"), verbosity=4, diff=True,
                       extra_secrets=[PASSWORD])
    assert run.rc != 0 and PASSWORD_MARK not in run.output
    assert status_of(run, API_USER_STEP) == "failed"
    report, _markdown = read_report(tmp_path / "reports", "localhost", list(sim.secrets) + [PASSWORD])
    assert "No Salesforce user licence is free" in report["failure"]["message"]
    assert sf_writes(sim) == 0 and okta_writes(sim) == []
