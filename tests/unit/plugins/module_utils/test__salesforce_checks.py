"""The fitness rules and remedies, fed with the record shapes Salesforce's REST query answers."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _salesforce_checks as checks


def user(**profile):
    base = {"Name": "Integration", "IsSsoEnabled": False, "PermissionsApiEnabled": True, "PermissionsManageUsers": True}
    base.update(profile)
    return {"Id": "005A", "Username": "okta.api@acme.com", "IsActive": True, "UserType": "Standard", "Profile": base}


def permission_set(name, owned=False, **flags):
    record = {"Name": name, "IsOwnedByProfile": owned, "PermissionsIsSsoEnabled": False,
              "PermissionsApiEnabled": False, "PermissionsManageUsers": False}
    record.update(flags)
    return record


PROFILE_MIRROR = permission_set("X00eIntegration", owned=True, PermissionsApiEnabled=True, PermissionsManageUsers=True)


# ---------------------------------------------------------------- secrets_whitespace

@pytest.mark.parametrize("password, token, problems", [
    ("pw", "tok", []),
    ("pw", None, []),
    ("pw", "", []),
    (" pw", "tok", ["sf_password starts with whitespace"]),
    ("pw", "tok\n", ["sf_security_token ends with whitespace"]),
    ("p w", "tok", ["sf_password contains whitespace"]),
    ("\tp w ", "t\u00a0k", ["sf_password starts with and ends with and contains whitespace",
                            "sf_security_token contains whitespace"]),
])
def test_whitespace_check_names_option_and_place_never_the_value(password, token, problems):
    check = checks.secrets_whitespace_check(password, token)
    assert check.status == ("fail" if problems else "pass")
    if problems:
        assert check.detail.startswith("; ".join(problems) + ". Salesforce would reject")


def test_whitespace_check_fails_with_remedy():
    check = checks.secrets_whitespace_check("pw", "Zq81token ")
    assert (check.name, check.status) == ("secrets_whitespace", "fail")
    assert check.detail == ("sf_security_token ends with whitespace. Salesforce would reject the joined password and "
                            "token, so no login was attempted.")
    assert "trim" in check.remedy
    assert "Zq81" not in check.detail + check.remedy


def test_whitespace_check_passes():
    check = checks.secrets_whitespace_check("pw", "tok")
    assert check.as_dict() == {"name": "secrets_whitespace", "status": "pass",
                               "detail": "Neither sf_password nor sf_security_token holds whitespace.", "remedy": ""}


# ---------------------------------------------------------------- login

def test_login_failure_kinds_have_their_own_remedies():
    assert "sf_ca_path" in checks.login_failed_check("TLS", "TLS verification failed", "tls").remedy
    assert "sf_timeout" in checks.login_failed_check("TIMEOUT", "No answer", "timeout").remedy
    connect = checks.login_failed_check("CONNECT", "Could not connect to login.salesforce.com: refused.", "connect")
    assert connect.detail == "Could not connect to login.salesforce.com: refused."
    assert "DNS" in connect.remedy and "sf_domain or sf_login_url" in connect.remedy
    assert "proxies" in checks.login_failed_check("CONNECTION", "Connection error", "connection").remedy
    assert "sf_domain or sf_login_url" in checks.login_failed_check("PROTOCOL", "HTTP 404", "protocol").remedy
    retired = checks.login_failed_check("INVALID_OPERATION", "login() is disabled", "retired")
    assert retired.detail == ("Salesforce refused the SOAP API login() call (INVALID_OPERATION: login() is disabled). "
                              "Okta's Salesforce integration with a username, password and security token logs in with "
                              "the same call, so it cannot work on this org either.")
    assert "Setup > User Interface > Enable SOAP API login()" in retired.remedy
    assert "Configure OAuth and REST integration" in retired.remedy
    version = checks.login_failed_check("INVALID_OPERATION", "not in 65.0", "version")
    assert version.detail == "SOAP API login() is not available at this API version: not in 65.0"
    assert version.remedy.startswith("Set sf_api_version to 64.0 or lower")


def test_lockout_remedy_says_how_to_unlock_and_when_it_unlocks():
    remedy = checks.login_fault_remedy("PASSWORD_LOCKOUT")
    for words in ("Setup > Users > Users > the user > Unlock", "Lockout effective period", "15 minutes by default",
                  "Login History", "no login was retried", "Okta's provisioning"):
        assert words in remedy, words
    # INVALID_LOGIN is also what a locked-out user may get ("...; or user locked out.").
    assert "Unlock button" in checks.login_fault_remedy("INVALID_LOGIN")


def test_every_contract_fault_code_has_a_specific_remedy():
    contract_codes = ["INVALID_LOGIN", "LOGIN_MUST_USE_SECURITY_TOKEN", "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED",
                      "PASSWORD_LOCKOUT", "LOGIN_DURING_RESTRICTED_DOMAIN", "LOGIN_DURING_RESTRICTED_TIME",
                      "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "INSUFFICIENT_ACCESS"]
    remedies = [checks.login_failed_check(code, "m", "fault").remedy for code in contract_codes]
    assert len(set(remedies)) == len(contract_codes)
    assert "fault codes" not in " ".join(remedies)


def test_fault_remedies_read_as_sentences_in_the_credentials_test_and_in_okta_sf_provisioning():
    assert checks.SALESFORCE_FAULT_CODES == tuple(checks.LOGIN_FAULT_REMEDIES)
    for code in checks.SALESFORCE_FAULT_CODES:
        remedy = checks.login_fault_remedy(code)
        assert remedy[0].isupper() and remedy.endswith("."), code
        assert "the test" not in remedy, code
    assert checks.login_fault_remedy("SOMETHING_NEW") == checks.UNKNOWN_FAULT_REMEDY


def test_password_not_expired():
    assert checks.password_not_expired_check(False, "u").status == "pass"
    expired = checks.password_not_expired_check(True, "okta.api@acme.com")
    assert expired.status == "fail"
    assert expired.detail.startswith("The password of okta.api@acme.com has expired")


# ---------------------------------------------------------------- user

def test_user_active():
    assert checks.user_active_check(user()).status == "pass"
    inactive = dict(user(), IsActive=False)
    check = checks.user_active_check(inactive)
    assert (check.status, check.detail) == ("fail", "The user okta.api@acme.com is inactive.")
    assert "Setup > Users > Users" in check.remedy


def test_standard_user_warns_for_other_user_types():
    assert checks.standard_user_check(user()).status == "pass"
    check = checks.standard_user_check(dict(user(), UserType="PowerPartner"))
    assert check.status == "warn"
    assert "PowerPartner" in check.detail


@pytest.mark.parametrize("rule, field, label", [
    (checks.api_enabled_on_profile_check, "PermissionsApiEnabled", "API Enabled"),
    (checks.manage_users_on_profile_check, "PermissionsManageUsers", "Manage Users"),
])
def test_permission_on_profile_pass_warn_fail(rule, field, label):
    assert rule(user(), [PROFILE_MIRROR]).status == "pass"

    without = user(**{field: False})
    mirror = dict(PROFILE_MIRROR, **{field: False})
    granting = permission_set("Okta_Integration", **{field: True})
    warned = rule(without, [mirror, granting])
    assert warned.status == "warn"
    assert warned.detail == f"{label} comes only from permission set(s) 'Okta_Integration', not from profile 'Integration'."
    assert f"Setup > Users > Profiles > Integration > System Permissions > {label}" in warned.remedy

    failed = rule(without, [mirror, permission_set("Other")])
    assert failed.status == "fail"
    assert failed.detail == f"Neither profile 'Integration' nor any assigned permission set grants {label}."


def test_profile_mirror_permission_set_does_not_count_as_a_permission_set():
    """The permission set owned by the profile mirrors it; granting through it is granting on the profile."""
    without = user(PermissionsApiEnabled=False)
    mirror = dict(PROFILE_MIRROR, PermissionsApiEnabled=True)
    assert checks.api_enabled_on_profile_check(without, [mirror]).status == "fail"


def test_delegated_auth_names_profile_and_each_permission_set():
    sso_user = user(IsSsoEnabled=True)
    sets = [PROFILE_MIRROR, permission_set("SSO_A", PermissionsIsSsoEnabled=True), permission_set("Plain"),
            permission_set("SSO_B", PermissionsIsSsoEnabled=True)]
    check = checks.delegated_auth_off_check(sso_user, sets)
    assert check.status == "fail"
    assert check.detail == ("Delegated authentication (Is Single Sign-On Enabled) is on for profile 'Integration', "
                            "permission set 'SSO_A', permission set 'SSO_B'.")
    assert "Setup > Users > Profiles > Integration > System Permissions" in check.remedy
    assert "Setup > Users > Permission Sets > SSO_B > System Permissions" in check.remedy


def test_delegated_auth_off_passes():
    check = checks.delegated_auth_off_check(user(), [PROFILE_MIRROR, permission_set("Plain")])
    assert check.status == "pass"
    assert check.detail == "Is Single Sign-On Enabled is off on profile 'Integration' and on the 1 assigned permission set(s)."


def test_delegated_auth_not_available_in_the_org_passes_saying_so():
    check = checks.delegated_auth_off_check(user(), [PROFILE_MIRROR], on_profiles=False, on_permission_sets=False)
    assert check.status == "pass"
    assert check.detail.startswith("Delegated authentication is not available in this org")


def test_delegated_auth_only_where_the_org_has_the_permission():
    sets = [permission_set("SSO_A", PermissionsIsSsoEnabled=True)]
    only_profiles = checks.delegated_auth_off_check(user(), sets, on_profiles=True, on_permission_sets=False)
    assert only_profiles.status == "pass"
    assert only_profiles.detail == ("Is Single Sign-On Enabled is off on profile 'Integration' (the org's permission sets "
                                    "have no such permission).")
    only_sets = checks.delegated_auth_off_check(user(IsSsoEnabled=True), sets, on_profiles=False, on_permission_sets=True)
    assert only_sets.status == "fail"
    assert only_sets.detail == "Delegated authentication (Is Single Sign-On Enabled) is on for permission set 'SSO_A'."


# ---------------------------------------------------------------- org type

def app(instance_type):
    return {"id": "0oa1", "label": "Salesforce.com", "settings": {"app": {"instanceType": instance_type}}}


@pytest.mark.parametrize("is_sandbox, instance_type, status", [
    (False, "PRODUCTION", "pass"),
    (False, "GOVERNMENT", "pass"),
    (True, "SANDBOX", "pass"),
    (True, "PRODUCTION", "fail"),
    (False, "SANDBOX", "fail"),
    (True, None, "warn"),
    (None, "SANDBOX", "fail"),
])
def test_org_type_matches_app(is_sandbox, instance_type, status):
    assert checks.org_type_matches_app_check(is_sandbox, app(instance_type)).status == status


def test_org_type_mismatch_says_what_to_set():
    check = checks.org_type_matches_app_check(False, app("SANDBOX"))
    assert check.detail == "The Salesforce org is a production org but Okta app 'Salesforce.com' (0oa1) has instanceType SANDBOX."
    assert "PRODUCTION (or GOVERNMENT)" in check.remedy


# ---------------------------------------------------------------- report

def test_report_summary_lists_causes_and_counts_what_could_not_run():
    report = checks.CredentialsReport()
    report.checks.append(checks.secrets_whitespace_check("pw", "tok"))
    report.checks.append(checks.login_failed_check("INVALID_LOGIN", "Invalid username", "fault"))
    report.add_not_run(["password_not_expired", "user_active"], "the login failed (see the login check).")
    assert not report.passed
    assert [c.name for c in report.failures] == ["login"]
    summary = report.summary("okta.api@acme.com")
    assert summary.startswith("Salesforce credentials test for okta.api@acme.com failed 1 check(s). "
                              "login: Salesforce refused the login with INVALID_LOGIN: Invalid username Remedy: Check sf_username")
    assert summary.endswith("(2 further check(s) could not run.)")
    assert [c["status"] for c in report.as_result()["checks"]] == ["pass", "fail", "fail", "fail"]


def test_warnings_do_not_fail_the_report():
    report = checks.CredentialsReport()
    report.checks.append(checks.standard_user_check(dict(user(), UserType="CsnOnly")))
    assert report.passed
    assert [c.name for c in report.warnings_raised] == ["standard_user"]
