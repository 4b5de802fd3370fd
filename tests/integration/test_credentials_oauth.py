"""okta_sf_credentials_test without the integration user's password: the OAuth version's consumer key / secret probe,
and the admin session (JWT bearer or client credentials) that checks the user and the connected app's OAuth policy.

Real ansible-playbook runs against the simulator's Salesforce org; logins and token requests are counted from the
simulator's state (a login counts toward the user's lockout, a token request does not).
"""
from __future__ import annotations

from tests.integration.test_credentials_test import add_scenario_users, checks_of

MODULE = "idm.okta_salesforce.okta_sf_credentials_test"
USER_CHECK_NAMES = ["user_found", "user_active", "standard_user", "api_enabled_on_profile", "manage_users_on_profile",
                    "delegated_auth_off"]
POLICY_CHECK_NAMES = ["oauth_policy_callback_url", "oauth_policy_scopes", "oauth_policy_secret_for_web_server_flow",
                      "oauth_policy_secret_for_refresh_token_flow", "oauth_policy_permitted_users",
                      "oauth_policy_refresh_token_policy", "oauth_policy_pkce"]


def task(name, **options):
    args = {"sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}", "fail_on": "never"}
    args.update(options)
    return {"name": name, MODULE: args, "register": name.replace(" ", "_")}


def oauth_task(name, key="{{ okta_app.consumer_key }}", secret="{{ okta_app.consumer_secret }}", **options):
    return task(name, sf_auth="oauth", sf_consumer_key=key, sf_consumer_secret=secret, **options)


JWT_ADMIN = {"sf_admin_username": "admin@acme.com", "sf_admin_consumer_key": "{{ admin_app.consumer_key }}",
             "sf_admin_private_key": "{{ admin_app.private_key_pem }}"}


def other_private_key() -> str:
    """A valid RSA key whose certificate the admin app does not hold."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def extra_vars(sim):
    apps = sim.salesforce_apps
    return {"sim_url": sim.url, "sim_ca": sim.ca_path, "okta_app": apps["Okta_Provisioning"],
            "admin_app": apps["Ansible_Admin"]}


def test_probe_tells_good_credentials_a_bad_key_and_a_bad_secret_apart_without_a_login(simulator, run_playbook):
    simulator.clear_log()
    run = run_playbook([
        oauth_task("good"),
        oauth_task("bad key", key="3MVG9notAConsumerKeyOfThisOrg"),
        oauth_task("bad secret", secret="Canary-not-the-consumer-secret"),
        dict(oauth_task("bad secret fails the task", secret="Canary-not-the-consumer-secret", fail_on="fail"),
             ignore_errors=True),
    ], extra_vars=extra_vars(simulator), verbosity=4, diff=True, extra_secrets=["Canary-not-the-consumer-secret"])
    assert run.rc == 0, run.stdout[-3000:]

    good = run.result("good")
    assert good["passed"] is True and good["changed"] is False and good["auth"] == "oauth"
    assert [(c["name"], c["status"]) for c in good["checks"]] == [("consumer_key", "pass"), ("consumer_secret", "pass")]
    assert good["login"]["attempted"] is False
    assert good["callback_url_checked_by"] is None
    assert any("callback URL" in w for w in good["warnings"])

    bad_key = checks_of(run.result("bad key"))
    assert bad_key["consumer_key"]["status"] == "fail" and "invalid_client_id" in bad_key["consumer_key"]["detail"]
    assert "Manage Consumer Details" in bad_key["consumer_key"]["remedy"]
    assert bad_key["consumer_secret"]["detail"].startswith("Not checked:")

    bad_secret = checks_of(run.result("bad secret"))
    assert bad_secret["consumer_key"]["status"] == "pass"
    assert bad_secret["consumer_secret"]["status"] == "fail" and "invalid_client" in bad_secret["consumer_secret"]["detail"]
    assert "sf_consumer_secret" in bad_secret["consumer_secret"]["remedy"]
    assert run.status("bad secret fails the task") == "failed"
    assert "consumer_secret" in run.result("bad secret fails the task")["msg"]

    counts = simulator.salesforce_counts()
    assert counts["logins"] == 0                          # no user logged in, so no lockout risk
    assert counts["token_requests_by_grant_type"] == {"authorization_code": 4}   # one probe per task, none resent
    assert simulator.writes() == []


def test_admin_session_tells_a_fit_user_from_each_unfit_one_without_its_password(simulator, run_playbook):
    add_scenario_users(simulator)
    # A profile with Manage Users but without API Enabled, so that each profile permission is missing in turn.
    simulator.patch(["salesforce", "profiles", "Manage Only"], {
        "id": "00esim000000201AAA", "IsSsoEnabled": False, "PermissionsApiEnabled": False,
        "PermissionsManageUsers": True, "PermissionsModifyAllData": False})
    simulator.patch(["salesforce", "users", "okta.manageonly@acme.com"], {
        "id": "005sim000000201AAA", "password": "Canary-sf-password-x201", "security_token": "canarySfTokenX201",
        "profile": "Manage Only", "permission_sets": [], "is_active": True, "user_type": "Standard"})
    simulator.clear_log()
    users = ("okta.api@acme.com", "okta.noapi@acme.com", "okta.nomanage@acme.com", "okta.sso@acme.com",
             "okta.inactive@acme.com", "nobody@acme.com", "okta.manageonly@acme.com")
    tasks = [task(f"jwt {n}", sf_username=username, **JWT_ADMIN) for n, username in enumerate(users)]
    tasks.append(task("client credentials", sf_username="okta.api@acme.com", sf_domain="acme.my",
                      sf_admin_consumer_key="{{ admin_app.consumer_key }}",
                      sf_admin_consumer_secret="{{ admin_app.consumer_secret }}"))
    signed_elsewhere = dict(JWT_ADMIN, sf_username="okta.api@acme.com")
    signed_elsewhere["sf_admin_private_key"] = "{{ other_key }}"
    tasks.append(task("jwt signed with another key", **signed_elsewhere))
    variables = dict(extra_vars(simulator), other_key=other_private_key())
    run = run_playbook(tasks, extra_vars=variables, verbosity=4, diff=True, extra_secrets=[variables["other_key"]])
    assert run.rc == 0, run.stdout[-3000:]

    other_key = checks_of(run.result("jwt signed with another key"))
    assert other_key["admin_session"]["status"] == "fail"
    assert "invalid_grant" in other_key["admin_session"]["detail"] and "invalid assertion" in other_key["admin_session"]["detail"]
    assert "upload the certificate" in other_key["admin_session"]["remedy"]
    assert other_key["user_active"]["detail"].startswith("Not checked: the admin session could not be opened")

    fit = run.result("jwt 0")
    assert fit["passed"] is True, fit["checks"]
    assert [c["name"] for c in fit["checks"]] == ["admin_session"] + USER_CHECK_NAMES
    assert fit["admin_session"] == {"flow": "jwt_bearer", "opened": True}
    assert fit["user"]["profile"] == "System Administrator" and fit["login"]["attempted"] is False

    def failed(name):
        return {c["name"] for c in run.result(name)["checks"] if c["status"] == "fail"}

    assert failed("jwt 1") == {"api_enabled_on_profile", "manage_users_on_profile"}   # Standard User: neither
    assert failed("jwt 2") == {"manage_users_on_profile"}
    assert failed("jwt 3") == {"delegated_auth_off"}
    assert failed("jwt 4") == {"user_active"}
    assert failed("jwt 6") == {"api_enabled_on_profile"}
    nobody = checks_of(run.result("jwt 5"))
    assert nobody["user_found"]["status"] == "fail" and "nobody@acme.com" in nobody["user_found"]["detail"]
    assert nobody["user_active"]["detail"].startswith("Not checked:")
    assert "API Enabled" in checks_of(run.result("jwt 1"))["api_enabled_on_profile"]["remedy"]

    client_credentials = run.result("client credentials")
    assert client_credentials["passed"] is True, client_credentials["checks"]
    assert client_credentials["admin_session"]["flow"] == "client_credentials"

    counts = simulator.salesforce_counts()
    assert counts["logins"] == 0          # no user's password used anywhere
    assert counts["token_requests_by_grant_type"] == {"urn:ietf:params:oauth:grant-type:jwt-bearer": 8,
                                                      "client_credentials": 1}


def test_admin_session_names_each_policy_setting_off_oktas_list_with_its_remedy(simulator, run_playbook):
    full = dict(JWT_ADMIN, sf_username="okta.api@acme.com", sf_oauth_app_name="Okta_Provisioning")
    app = ["salesforce", "connected_apps", "Okta_Provisioning"]
    run = run_playbook([oauth_task("as okta asks", **full)], extra_vars=extra_vars(simulator))
    good = run.result("as okta asks")
    assert good["passed"] is True, good["checks"]
    assert [c["name"] for c in good["checks"]] == (["consumer_key", "consumer_secret", "admin_session"] + USER_CHECK_NAMES
                                                   + POLICY_CHECK_NAMES)
    assert good["callback_url_checked_by"] == "admin_session"

    simulator.patch(app + ["oauth_policy", "refreshTokenPolicy"], "zero")
    simulator.patch(app + ["oauth_config", "callbackUrl"], "https://acme.okta.com/admin/app/generic/oauth20redirect")
    simulator.patch(app + ["oauth_config", "isAdminApproved"], True)
    simulator.patch(app + ["oauth_config", "isPkceRequired"], True)
    run = run_playbook([oauth_task("off the list", **full)], extra_vars=extra_vars(simulator), verbosity=4, diff=True)
    off = checks_of(run.result("off the list"))
    assert run.result("off the list")["passed"] is False
    assert {name for name, c in off.items() if c["status"] == "fail"} == {
        "oauth_policy_refresh_token_policy", "oauth_policy_callback_url", "oauth_policy_permitted_users"}
    assert off["oauth_policy_pkce"]["status"] == "warn"
    assert "'zero'" in off["oauth_policy_refresh_token_policy"]["detail"]
    assert "Refresh token is valid until revoked" in off["oauth_policy_refresh_token_policy"]["remedy"]
    assert "Edit Policies" in off["oauth_policy_permitted_users"]["remedy"]
    assert "https://system-admin.okta.com/admin/app/generic/oauth20redirect" in off["oauth_policy_callback_url"]["detail"]
    assert simulator.salesforce_counts()["logins"] == 0


def test_password_version_profile_checks_through_the_admin_session_with_no_login(simulator, run_playbook):
    add_scenario_users(simulator)
    run = run_playbook([task("password version", sf_username="okta.nomanage@acme.com", **JWT_ADMIN)],
                       extra_vars=extra_vars(simulator))
    result = run.result("password version")
    assert result["auth"] == "password_token"
    assert {c["name"] for c in result["checks"] if c["status"] == "fail"} == {"manage_users_on_profile"}
    assert simulator.salesforce_logins() == []


def test_role_passes_the_oauth_and_admin_options_and_reports_the_soap_login_retirement(simulator, run_playbook, tmp_path):
    from tests.integration.test_role_helpers import org_vars, read_report, role_tasks

    apps = simulator.salesforce_apps
    # The role's credentials step alone, OAuth version with an admin session: the probe, the user, the policy.
    oauth_vars = org_vars(simulator, okta_sf_auth="oauth", okta_sf_salesforce_password="",
                          okta_sf_consumer_key=apps["Okta_Provisioning"]["consumer_key"],
                          okta_sf_consumer_secret=apps["Okta_Provisioning"]["consumer_secret"],
                          okta_sf_oauth_app_name="Okta_Provisioning", okta_sf_admin_username="admin@acme.com",
                          okta_sf_admin_consumer_key=apps["Ansible_Admin"]["consumer_key"],
                          okta_sf_admin_private_key=apps["Ansible_Admin"]["private_key_pem"], okta_sf__test_app_id="")
    step = run_playbook(role_tasks("test_credentials"), extra_vars=oauth_vars, verbosity=4, diff=True)
    assert step.rc == 0, step.stdout[-3000:]
    tested = step.result("idm.okta_salesforce.enable_provisioning : Test the Salesforce API user")
    assert tested["passed"] is True and tested["auth"] == "oauth"
    assert {"consumer_secret", "admin_session", "user_found", "oauth_policy_refresh_token_policy"} <= {
        c["name"] for c in tested["checks"]}
    assert simulator.salesforce_counts()["logins"] == 0

    # A password + token org's audit report names the version and the SOAP login() retirement with the steps.
    reports = tmp_path / "reports"
    audit = run_playbook(role_tasks(), check=True, extra_vars=org_vars(simulator, reports))
    assert audit.rc == 0, audit.stdout[-3000:]
    report, markdown = read_report(reports, "localhost", simulator.secrets)
    assert report["version"] == "password_token"
    assert "Summer '27" in report["soap_login_notice"]
    assert "okta_sf_auth to oauth" in report["soap_login_notice"]
    assert "**SOAP login() retirement:**" in markdown


def test_awx_admin_session_credential_checks_the_user_from_the_environment(simulator, run_playbook, tmp_path):
    from tests.integration.test_playbooks_awx_credentials import inject

    admin = simulator.salesforce_apps["Ansible_Admin"]
    # The JWT fields filled, the client credentials secret left empty (AWX then injects an empty string).
    env = inject("salesforce_admin_session.yml", {"consumer_key": admin["consumer_key"], "username": "admin@acme.com",
                                                  "private_key": admin["private_key_pem"], "consumer_secret": ""}, tmp_path)
    assert env["SF_ADMIN_CONSUMER_SECRET"] == ""
    add_scenario_users(simulator)
    run = run_playbook([task("from awx", sf_username="okta.inactive@acme.com"),
                        dict(task("bad key", sf_username="okta.api@acme.com", sf_admin_private_key="not a key"),
                             ignore_errors=True)],
                       extra_vars=extra_vars(simulator), env=env, verbosity=4)
    result = run.result("from awx")
    assert "admin_session" in result, {k: v for k, v in result.items() if k != "invocation"}
    assert result["admin_session"] == {"flow": "jwt_bearer", "opened": True}
    assert {c["name"] for c in result["checks"] if c["status"] == "fail"} == {"user_active"}
    assert run.status("bad key") == "failed"
    assert "sf_admin_private_key is not an unencrypted PEM private key" in run.result("bad key")["msg"]
    counts = simulator.salesforce_counts()
    assert counts["logins"] == 0 and counts["token_requests"] == 1   # the bad key: refused before anything was sent


def test_external_client_app_policy_is_read_and_compared_too(simulator, run_playbook):
    eca = simulator.salesforce_apps["Okta_Provisioning_ECA"]
    full = dict(JWT_ADMIN, sf_username="okta.api@acme.com", sf_oauth_app_name="Okta_Provisioning_ECA")
    tasks = [oauth_task("eca as okta asks", key=eca["consumer_key"], secret="{{ eca_secret }}", **full)]
    variables = dict(extra_vars(simulator), eca_secret=eca["consumer_secret"])
    good = run_playbook(tasks, extra_vars=variables).result("eca as okta asks")
    assert good["passed"] is True, good["checks"]
    assert good["oauth_app"] == {"name": "Okta_Provisioning_ECA", "kind": "external_client_app"}
    assert [c["name"] for c in good["checks"] if c["name"].startswith("oauth_policy_")] == POLICY_CHECK_NAMES

    policies = ["salesforce", "external_client_apps", "Okta_Provisioning_ECA", "policies"]
    simulator.patch(policies + ["refreshTokenPolicyType"], "SpecificLifetime")
    simulator.patch(policies + ["permittedUsersPolicyType"], "AdminApprovedPreAuthorized")
    simulator.patch(["salesforce", "external_client_apps", "Okta_Provisioning_ECA", "oauth", "commaSeparatedOauthScopes"],
                    "Api")
    off = run_playbook([dict(tasks[0], name="eca off the list", register="eca_off_the_list")], extra_vars=variables)
    checks = checks_of(off.result("eca off the list"))
    assert {name for name, c in checks.items() if c["status"] == "fail"} == {
        "oauth_policy_refresh_token_policy", "oauth_policy_permitted_users", "oauth_policy_scopes"}
    assert "External Client App Manager > the app > Edit Policies > OAuth Policies" in (
        checks["oauth_policy_refresh_token_policy"]["remedy"])
    assert "'AdminApprovedPreAuthorized'" in checks["oauth_policy_permitted_users"]["detail"]
    assert simulator.salesforce_counts()["logins"] == 0
