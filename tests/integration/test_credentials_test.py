"""okta_sf_credentials_test: each Salesforce API-user problem gives its check result and remedy.

Real ansible-playbook runs against the simulator's Salesforce org. Several scenarios share one
playbook: each task tests another Salesforce user, set up in the simulator's state beforehand.
"""
from __future__ import annotations

MODULE = "idm.okta_salesforce.okta_sf_credentials_test"

# Users added to the simulated org for the scenarios the seed does not hold: username -> fields.
EXTRA_USERS = {
    "okta.noapi@acme.com": {"profile": "Standard User"},
    "okta.nomanage@acme.com": {"profile": "API Only"},
    "okta.permsetsso@acme.com": {"profile": "System Administrator", "permission_sets": ["SSO Access"]},
    "okta.expired@acme.com": {"profile": "System Administrator", "password_expired": True},
    "okta.inactive@acme.com": {"profile": "System Administrator", "is_active": False},
}


def add_scenario_users(sim) -> dict:
    """Put the extra profile, permission set and users in the simulated org; return every user's secrets.

    Ids differ in their first 15 characters, as Salesforce ids do (the last 3 are a checksum).
    """
    sim.patch(["salesforce", "profiles", "API Only"], {
        "id": "00esim000000101AAA", "IsSsoEnabled": False, "PermissionsApiEnabled": True,
        "PermissionsManageUsers": False, "PermissionsModifyAllData": False})
    sim.patch(["salesforce", "permission_sets", "SSO Access"], {
        "id": "0PSsim000000101AAA", "IsSsoEnabled": True, "PermissionsApiEnabled": False, "PermissionsManageUsers": False})
    for n, (username, fields) in enumerate(EXTRA_USERS.items(), start=101):
        user = {"id": f"005sim{n:09d}AAA", "username": username, "password": f"Canary-sf-password-x{n}",
                "security_token": f"canarySfTokenX{n}", "full_name": username, "email": username,
                "permission_sets": [], "is_active": True, "user_type": "Standard", "password_expired": False,
                "locked": False, "failed_logins": 0, "login_fault": None}
        user.update(fields)
        sim.patch(["salesforce", "users", username], user)
    return {name: {"password": user["password"], "token": user["security_token"]}
            for name, user in sim.state()["salesforce"]["users"].items()}


def secrets_of(users: dict) -> list:
    """Every password, token and joined password+token, for the canary scan."""
    found = []
    for user in users.values():
        found += [user["password"], user["token"], user["password"] + user["token"]]
    return found


def sf_task(name, username, password="default", token="default", **options):
    """A task testing `username`; password and token come from the `sf` extra var unless given."""
    args = {
        "sf_username": username,
        "sf_password": f"{{{{ sf['{username}'].password }}}}" if password == "default" else password,
        "sf_security_token": f"{{{{ sf['{username}'].token }}}}" if token == "default" else token,
        "sf_login_url": "{{ sim_url }}",
        "sf_ca_path": "{{ sim_ca }}",
        "fail_on": "never",
    }
    args.update(options)
    return {"name": name, MODULE: args, "register": name.replace(" ", "_")}


def checks_of(result) -> dict:
    return {check["name"]: check for check in result["checks"]}


SCENARIOS = [
    sf_task("good", "okta.api@acme.com"),
    sf_task("wrong password", "okta.api@acme.com", password="Canary-not-the-password"),
    sf_task("wrong token", "okta.api@acme.com", token="canaryNotTheToken"),
    sf_task("no token", "okta.api@acme.com", token=None),
    sf_task("api disabled", "okta.noapi@acme.com"),
    sf_task("expired", "okta.expired@acme.com"),
    sf_task("inactive", "okta.inactive@acme.com"),
    sf_task("sso profile", "okta.sso@acme.com"),
    sf_task("sso permission set", "okta.permsetsso@acme.com"),
    sf_task("api only from permission set", "okta.permset@acme.com"),
    sf_task("manage users missing", "okta.nomanage@acme.com"),
    sf_task("production app", "okta.api@acme.com", app_id="0oasalesforce0001"),
    sf_task("sandbox app", "okta.api@acme.com", app_label="Salesforce Sandbox"),
    {"name": "an audit playbook can assert on the registered result", "ansible.builtin.assert": {
        "that": ["good.passed", "not wrong_password.passed", "good.checks | map(attribute='status') | unique == ['pass']"]}},
]

CHECK_MODE_SAMPLE = ("good", "wrong password", "expired", "sso permission set", "sandbox app")


def scenario_vars(sim, users):
    return {"sim_url": sim.url, "sim_ca": sim.ca_path, "sf": users}


def test_each_scenario_gives_its_check_result_and_remedy_also_in_check_mode(simulator, run_playbook):
    users = add_scenario_users(simulator)
    simulator.clear_log()
    run = run_playbook(SCENARIOS, extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users))
    assert run.rc == 0, run.stdout[-3000:]

    good = run.result("good")
    assert good["changed"] is False and good["passed"] is True
    assert [c["name"] for c in good["checks"]] == [
        "secrets_whitespace", "login", "password_not_expired", "user_active", "standard_user",
        "api_enabled_on_profile", "manage_users_on_profile", "delegated_auth_off"]
    assert {c["status"] for c in good["checks"]} == {"pass"}
    api_user_id = simulator.state()["salesforce"]["users"]["okta.api@acme.com"]["id"]
    assert good["user"] == {"id": api_user_id, "username": "okta.api@acme.com", "profile": "System Administrator",
                            "user_type": "Standard", "active": True}
    assert good["org"]["name"] == "Acme Corp" and good["org"]["is_sandbox"] is False
    assert good["org"]["organization_type"] == "Enterprise Edition" and good["org"]["instance"] == "NA224"
    assert good["login"]["api_version"] == "64.0" and good["login"]["password_expired"] is False
    assert "session_id" not in str(good) and "sessionId" not in str(good)

    for name in ("wrong password", "wrong token", "inactive"):
        login = checks_of(run.result(name))["login"]
        assert run.result(name)["passed"] is False
        assert login["status"] == "fail"
        assert login["detail"].startswith("Salesforce refused the login with INVALID_LOGIN:")
        assert "emails the user a new security token" in login["remedy"]
        assert "user is active" in login["remedy"]
        assert checks_of(run.result(name))["user_active"]["detail"] == "Not checked: the login failed (see the login check)."

    no_token = checks_of(run.result("no token"))["login"]
    assert "LOGIN_MUST_USE_SECURITY_TOKEN" in no_token["detail"]
    assert no_token["remedy"].startswith("Set sf_security_token")

    api_disabled = checks_of(run.result("api disabled"))["login"]
    assert "API_DISABLED_FOR_ORG" in api_disabled["detail"]
    assert "Grant API Enabled to the user on its profile" in api_disabled["remedy"]

    expired = checks_of(run.result("expired"))
    assert expired["login"]["status"] == "pass"
    assert expired["password_not_expired"]["status"] == "fail"
    assert "Reset Password" in expired["password_not_expired"]["remedy"]
    assert expired["user_active"]["detail"].startswith("Not checked: the password has expired")
    assert run.result("expired")["login"]["password_expired"] is True

    sso = checks_of(run.result("sso profile"))["delegated_auth_off"]
    assert sso["status"] == "fail"
    assert sso["detail"] == "Delegated authentication (Is Single Sign-On Enabled) is on for profile 'SSO Integration'."
    assert "Setup > Users > Profiles > SSO Integration > System Permissions" in sso["remedy"]

    sso_set = checks_of(run.result("sso permission set"))["delegated_auth_off"]
    assert sso_set["status"] == "fail"
    assert sso_set["detail"] == "Delegated authentication (Is Single Sign-On Enabled) is on for permission set 'SSO_Access'."
    assert "Setup > Users > Permission Sets > SSO_Access > System Permissions" in sso_set["remedy"]

    permset = run.result("api only from permission set")
    assert permset["passed"] is True  # warnings only
    for name, label in (("api_enabled_on_profile", "API Enabled"), ("manage_users_on_profile", "Manage Users")):
        check = checks_of(permset)[name]
        assert check["status"] == "warn"
        assert check["detail"] == f"{label} comes only from permission set(s) 'API_Access', not from profile 'Standard User'."
        assert f"Setup > Users > Profiles > Standard User > System Permissions > {label}" in check["remedy"]

    manage = checks_of(run.result("manage users missing"))
    assert manage["api_enabled_on_profile"]["status"] == "pass"
    assert manage["manage_users_on_profile"]["status"] == "fail"
    assert manage["manage_users_on_profile"]["detail"] == "Neither profile 'API Only' nor any assigned permission set grants Manage Users."

    production = run.result("production app")
    assert checks_of(production)["org_type_matches_app"]["status"] == "pass"
    assert production["app"] == {"id": "0oasalesforce0001", "label": "Salesforce.com", "instance_type": "production"}
    sandbox = checks_of(run.result("sandbox app"))["org_type_matches_app"]
    assert sandbox["status"] == "fail"
    assert sandbox["detail"] == ("The Salesforce org is a production org but Okta app 'Salesforce Sandbox' "
                                 "(0oasalesforce0002) has instanceType SANDBOX.")
    assert "set the app's instance type to PRODUCTION" in sandbox["remedy"]
    assert "org_type_matches_app" not in checks_of(good)  # no app given: Okta not asked
    assert run.status("an audit playbook can assert on the registered result") == "ok"

    log = simulator.request_log()
    assert sum(1 for entry in log if entry["path"].startswith("/services/Soap/u/")) == len(SCENARIOS) - 1  # one login per test
    assert simulator.writes() == []

    # Check mode: the same read-only login and queries, the same results (a pass, a login failure,
    # an expired password, a permission problem, an Okta cross-check).
    in_check_mode = [task for task in SCENARIOS if task["name"] in CHECK_MODE_SAMPLE]
    checked = run_playbook(in_check_mode, extra_vars=scenario_vars(simulator, users), check=True,
                           extra_secrets=secrets_of(users))
    assert checked.rc == 0
    for name in CHECK_MODE_SAMPLE:
        assert checked.result(name)["checks"] == run.result(name)["checks"], name
        assert checked.status(name) == "ok"
        assert checked.result(name)["changed"] is False
    assert simulator.writes() == []


def test_whitespace_or_bad_options_fail_before_anything_is_sent(simulator, run_playbook):
    users = add_scenario_users(simulator)
    token = users["okta.api@acme.com"]["token"]
    password = users["okta.api@acme.com"]["password"]
    bad_url = dict(sf_task("login url with a path", "okta.api@acme.com", app_label="Salesforce.com",
                           sf_login_url="https://127.0.0.1:9/services/Soap/u/64.0"), ignore_errors=True)
    simulator.clear_log()
    run = run_playbook([
        sf_task("token with a trailing newline", "okta.api@acme.com", token=token + "\n"),
        sf_task("password with a space inside", "okta.api@acme.com", password=password[:4] + " " + password[4:]),
        bad_url,
    ], extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users) + [password[:4] + " " + password[4:]])
    assert run.rc == 0
    assert run.status("login url with a path") == "failed"
    assert run.result("login url with a path")["msg"] == (
        "sf_login_url must be the server's base URL without a path (e.g. https://127.0.0.1:9), "
        "got 'https://127.0.0.1:9/services/Soap/u/64.0'.")
    newline = checks_of(run.result("token with a trailing newline"))
    assert newline["secrets_whitespace"]["status"] == "fail"
    assert newline["secrets_whitespace"]["detail"].startswith("sf_security_token ends with whitespace.")
    assert "trim" in newline["secrets_whitespace"]["remedy"]
    assert newline["login"]["detail"].startswith("Not checked: sf_password or sf_security_token holds whitespace")
    inside = checks_of(run.result("password with a space inside"))["secrets_whitespace"]
    assert inside["detail"].startswith("sf_password contains whitespace.")
    assert simulator.request_log() == []  # no SOAP login, no query, and Okta not asked (not even for the app)


def test_fail_on_fail_fails_with_the_remedy_and_nothing_leaks_at_vvvv(simulator, run_playbook):
    users = add_scenario_users(simulator)
    api = users["okta.api@acme.com"]
    env = {"SF_USERNAME": "okta.api@acme.com", "SF_PASSWORD": api["password"], "SF_SECURITY_TOKEN": api["token"],
           "SF_LOGIN_URL": simulator.url, "SF_CA_PATH": simulator.ca_path}
    run = run_playbook([
        {"name": "from the environment", MODULE: {}},
        {"name": "wrong token fails the task", MODULE: {"sf_security_token": "canaryWrongToken1"}},
    ], env=env, verbosity=4, diff=True, extra_secrets=secrets_of(users) + ["canaryWrongToken1"])
    assert run.rc != 0
    assert run.status("from the environment") == "ok"
    assert run.result("from the environment")["passed"] is True
    assert run.status("wrong token fails the task") == "failed"
    failed = run.result("wrong token fails the task")
    assert failed["msg"].startswith("Salesforce credentials test for okta.api@acme.com failed 1 check(s). "
                                    "login: Salesforce refused the login with INVALID_LOGIN")
    assert "Remedy: Check sf_username, sf_password and sf_security_token" in failed["msg"]
    assert "(6 further check(s) could not run.)" in failed["msg"]
    assert failed["passed"] is False and failed["changed"] is False
    assert checks_of(failed)["login"]["status"] == "fail"


def test_soap_login_disabled_says_okta_cannot_work_either_and_api_above_64_warns(simulator, run_playbook):
    users = add_scenario_users(simulator)
    simulator.patch(["salesforce", "org", "soap_login_enabled"], False)   # an org created from Winter '26 on
    run = run_playbook([
        sf_task("soap login disabled", "okta.api@acme.com", fail_on="warn"),
    ], extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users))
    refused = simulator.salesforce_logins("okta.api@acme.com")
    simulator.patch(["salesforce", "org", "soap_login_enabled"], True)
    too_new = run_playbook([
        sf_task("api 65", "okta.api@acme.com", sf_api_version="65.0", fail_on="warn"),
        sf_task("api 63", "okta.api@acme.com", sf_api_version="63.0", fail_on="warn"),
    ], extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users))

    assert run.rc == 0 and run.status("soap login disabled") == "ok"
    login = checks_of(run.result("soap login disabled"))["login"]
    assert login["detail"] == (
        "Salesforce refused the SOAP API login() call (INVALID_OPERATION: SOAP API login() is disabled by default in "
        "this org. Contact the org administrator to enable SOAP API login().). Okta's Salesforce integration with a "
        "username, password and security token logs in with the same call, so it cannot work on this org either.")
    assert "Setup > User Interface > Enable SOAP API login()" in login["remedy"]
    assert "Configure OAuth and REST integration" in login["remedy"]
    assert "[WARNING]: Salesforce check login failed: Salesforce refused the SOAP API login() call" in run.stdout + run.stderr
    assert [(e["channel"], e["fault"]) for e in refused] == [("soap_login", "INVALID_OPERATION")]   # once, not resent

    assert too_new.rc == 0
    assert "sf_api_version 65.0 is above 64.0" in too_new.stdout + too_new.stderr
    api65 = checks_of(too_new.result("api 65"))["login"]
    assert api65["detail"] == ("SOAP API login() is not available at this API version: The SOAP Login operation is not "
                               "available in the API version specified (65.0). Refer to the documentation for supported "
                               "versions.")
    assert api65["remedy"].startswith("Set sf_api_version to 64.0 or lower")
    assert too_new.result("api 63")["passed"] is True
    assert too_new.result("api 63")["login"]["api_version"] == "63.0"


def test_an_org_without_the_sso_permission_fields_passes_a_correctly_set_up_user(simulator, run_playbook):
    users = add_scenario_users(simulator)
    # Delegated authentication never enabled (most orgs): no IsSsoEnabled / PermissionsIsSsoEnabled field, and a
    # licence without Modify All Data on profiles, for good measure.
    simulator.patch(["salesforce", "org", "delegated_auth_available"], False)
    simulator.patch(["salesforce", "org", "absent_fields"], {"Profile": ["PermissionsModifyAllData"]})
    simulator.clear_log()
    run = run_playbook([sf_task("good", "okta.api@acme.com"), sf_task("sso profile", "okta.sso@acme.com"),
                        sf_task("sso permission set", "okta.permsetsso@acme.com")],
                       extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users))
    assert run.rc == 0
    for name in ("good", "sso profile", "sso permission set"):
        result = run.result(name)
        assert result["passed"] is True, [c for c in result["checks"] if c["status"] != "pass"]
        assert {c["status"] for c in result["checks"]} == {"pass"}
        assert checks_of(result)["delegated_auth_off"]["detail"].startswith(
            "Delegated authentication is not available in this org")

    sf_calls = [(e["method"], e["path"].split("/v64.0")[-1], e["status"]) for e in simulator.request_log()
                if e["path"].startswith("/services/")]
    one_task = [("POST", "/services/Soap/u/64.0", 200), ("GET", "/sobjects/Profile/describe", 200),
                ("GET", "/sobjects/PermissionSet/describe", 200)] + [("GET", "/query/", 200)] * 3
    assert sf_calls == one_task * 3    # no INVALID_FIELD: only the fields the org has were asked for

    # The same org as it was (the fields exist): the SSO users fail again, so the pass above is the org's doing.
    simulator.patch(["salesforce", "org", "delegated_auth_available"], True)
    again = run_playbook([sf_task("sso profile", "okta.sso@acme.com")], extra_vars=scenario_vars(simulator, users),
                         extra_secrets=secrets_of(users))
    assert checks_of(again.result("sso profile"))["delegated_auth_off"]["status"] == "fail"


def test_one_login_per_task_and_a_locked_out_user_gets_the_lockout_remedy(simulator, run_playbook):
    users = add_scenario_users(simulator)
    simulator.patch(["salesforce", "org", "lockout_attempts"], 3)
    wrong = "Canary-stale-password-77"
    tasks = [sf_task(f"stale password {n}", "okta.api@acme.com", password=wrong) for n in (1, 2, 3)]
    tasks.append(sf_task("right password too late", "okta.api@acme.com"))
    run = run_playbook(tasks, extra_vars=scenario_vars(simulator, users), extra_secrets=secrets_of(users) + [wrong])
    assert run.rc == 0

    logins = simulator.salesforce_logins("okta.api@acme.com")
    assert [(e["channel"], e["fault"]) for e in logins] == [("soap_login", "INVALID_LOGIN")] * 3 + [
        ("soap_login", "PASSWORD_LOCKOUT")]   # exactly one login per task, none resent
    assert simulator.state()["salesforce"]["users"]["okta.api@acme.com"]["locked"] is True
    for n in (1, 2, 3):
        assert run.result(f"stale password {n}")["login"]["attempted"] is True
    locked = checks_of(run.result("right password too late"))["login"]
    assert locked["detail"] == ("Salesforce refused the login with PASSWORD_LOCKOUT: Your account has been locked out "
                                "because of too many failed login attempts.")
    assert "Setup > Users > Users > the user > Unlock" in locked["remedy"]
    assert "Lockout effective period" in locked["remedy"] and "Login History" in locked["remedy"]
