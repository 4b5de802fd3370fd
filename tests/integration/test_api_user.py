"""okta_sf_api_user: step 1 of Okta's procedure (the integration user and its custom profile) written through the admin
session, with real ansible-playbook runs against the simulator's Salesforce org. Writes are counted from the
simulator's write log (`salesforce_counts()["writes"]`), never from the module's own result."""
from __future__ import annotations

import json

from tests.integration.test_credentials_oauth import JWT_ADMIN, checks_of

MODULE = "idm.okta_salesforce.okta_sf_api_user"
PASSWORD = 'Canary-apiuser-pw-"q\\z 9'
PASSWORD_MARK = "Canary-apiuser-pw"      # the part every escaped form (JSON, repr, YAML) keeps
USER = {"username": "okta.integration@acme.com", "email": "it-admins@acme.com", "first_name": "Okta",
        "last_name": "Integration", "alias": "oktaint"}
PROFILE = "Okta Integration"
ALL_WRITES = ["profile_create", "profile_permissions", "user_create", "password_set"]


def api_user_task(name, **options):
    args = {"sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}", **JWT_ADMIN, "profile": PROFILE,
            "base_profile": "System Administrator", "user": USER, "password": "{{ api_user_password }}"}
    args.update(options)
    return {"name": name, MODULE: args, "register": name.replace(" ", "_")}


def credentials_task(name):
    return {"name": name, "register": name.replace(" ", "_"), "idm.okta_salesforce.okta_sf_credentials_test": {
        "sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}", "sf_username": USER["username"],
        "fail_on": "never", **JWT_ADMIN}}


def extra_vars(sim):
    apps = sim.salesforce_apps
    return {"sim_url": sim.url, "sim_ca": sim.ca_path, "admin_app": apps["Ansible_Admin"], "api_user_password": PASSWORD}


def writes(sim) -> int:
    return sim.salesforce_counts()["writes"]


def assert_no_password(run):
    assert PASSWORD_MARK not in run.output
    assert json.dumps(PASSWORD)[1:-1] not in run.output


def test_empty_org_gets_a_fit_api_user_then_a_rerun_writes_nothing(simulator, run_playbook):
    run = run_playbook([api_user_task("create"), credentials_task("test"), api_user_task("again")],
                       extra_vars=extra_vars(simulator), verbosity=4, diff=True, extra_secrets=[PASSWORD])
    assert run.rc == 0, run.stdout[-3000:]
    assert_no_password(run)
    created = run.result("create")
    assert created["changed"] is True and created["writes"] == ALL_WRITES
    assert created["profile"]["created"] is True
    assert [c["permission"] for c in created["profile"]["permissions_changed"]] == [
        "PermissionsApiEnabled", "PermissionsManageUsers", "PermissionsIsSsoEnabled"]
    assert created["user"]["created"] is True and created["password_set"] is True
    assert "emails a new security token" in created["security_token_note"]
    assert created["licence"] == {"name": "Salesforce", "total": 10, "used": 4, "free": 6}

    state = simulator.state()["salesforce"]
    profile = state["profiles"][PROFILE]
    assert (profile["PermissionsApiEnabled"], profile["PermissionsManageUsers"], profile["IsSsoEnabled"]) == (True, True, False)
    user = state["users"][USER["username"]]
    assert user["profile"] == PROFILE and user["is_active"] is True and user["password"] == PASSWORD
    assert user["first_name"] == "Okta" and user["alias"] == "oktaint"

    checks = checks_of(run.result("test"))
    assert run.result("test")["passed"] is True, checks
    assert {checks[n]["status"] for n in ("user_found", "user_active", "api_enabled_on_profile",
                                          "manage_users_on_profile", "delegated_auth_off")} == {"pass"}

    again = run.result("again")
    assert again["changed"] is False and again["writes"] == [] and again["password_set"] is False
    assert again["diff"]["before"] == again["diff"]["after"]
    assert simulator.salesforce_counts()["writes_by_kind"] == {      # all by the first run, none by the rerun
        "profile_create": 1, "profile_permissions": 1, "user_create": 1, "password_set": 1}
    assert simulator.salesforce_counts()["logins"] == 0


def test_check_mode_reports_exactly_what_it_would_create_and_writes_nothing(simulator, run_playbook):
    run = run_playbook([api_user_task("plan")], extra_vars=extra_vars(simulator), check=True, diff=True,
                       verbosity=4, extra_secrets=[PASSWORD])
    assert run.rc == 0, run.stdout[-3000:]
    assert_no_password(run)
    plan = run.result("plan")
    assert plan["changed"] is True and plan["writes"] == ALL_WRITES
    assert plan["diff"]["before"] == {"profile": None, "user": None}
    assert plan["diff"]["after"]["profile"]["permissions"] == {
        "PermissionsApiEnabled": True, "PermissionsManageUsers": True, "PermissionsIsSsoEnabled": False}
    assert plan["diff"]["after"]["user"]["Username"] == USER["username"]
    assert writes(simulator) == 0
    assert PROFILE not in simulator.state()["salesforce"]["profiles"]

    real = run_playbook([api_user_task("real")], extra_vars=extra_vars(simulator), extra_secrets=[PASSWORD])
    assert real.result("real")["writes"] == plan["writes"]


def test_drifted_profile_is_reported_in_check_mode_and_fixed(simulator, run_playbook):
    first = run_playbook([api_user_task("create")], extra_vars=extra_vars(simulator), extra_secrets=[PASSWORD])
    assert first.rc == 0, first.stdout[-3000:]
    before = writes(simulator)
    simulator.patch(["salesforce", "profiles", PROFILE, "PermissionsManageUsers"], False)   # unticked in Setup

    audit = run_playbook([api_user_task("audit")], extra_vars=extra_vars(simulator), check=True, diff=True,
                         extra_secrets=[PASSWORD])
    assert audit.result("audit")["writes"] == ["profile_permissions"]
    assert audit.result("audit")["profile"]["permissions_changed"] == [
        {"permission": "PermissionsManageUsers", "label": "Manage Users", "before": False, "after": True}]
    assert writes(simulator) == before

    fix = run_playbook([api_user_task("fix"), credentials_task("test")], extra_vars=extra_vars(simulator),
                       extra_secrets=[PASSWORD])
    assert fix.result("fix")["writes"] == ["profile_permissions"]
    assert fix.result("test")["passed"] is True
    assert simulator.state()["salesforce"]["profiles"][PROFILE]["PermissionsManageUsers"] is True
    assert writes(simulator) == before + 1


def test_no_free_licence_fails_clearly_before_any_write(simulator, run_playbook):
    simulator.patch(["salesforce", "user_licenses", "Salesforce", "total"], 4)   # 4 active users hold all 4
    run = run_playbook([dict(api_user_task("create"), ignore_errors=True)], extra_vars=extra_vars(simulator),
                       verbosity=4, diff=True, extra_secrets=[PASSWORD])
    assert_no_password(run)
    assert run.status("create") == "failed"
    failed = run.result("create")
    assert "No Salesforce user licence is free (4 of 4 used)" in failed["msg"]
    assert "Nothing was written" in failed["msg"] and failed["changed"] is False
    assert writes(simulator) == 0
    assert PROFILE not in simulator.state()["salesforce"]["profiles"]


def test_state_absent_deactivates_only_that_user(simulator, run_playbook):
    others = {name: u.get("is_active", True) for name, u in simulator.state()["salesforce"]["users"].items()}
    run = run_playbook([api_user_task("create"), api_user_task("remove", state="absent", password=None),
                        api_user_task("remove again", state="absent", password=None)],
                       extra_vars=extra_vars(simulator), extra_secrets=[PASSWORD])
    assert run.rc == 0, run.stdout[-3000:]
    assert run.result("remove")["writes"] == ["user_deactivate"] and run.result("remove again")["changed"] is False
    users = simulator.state()["salesforce"]["users"]
    assert users[USER["username"]]["is_active"] is False
    assert {name: users[name].get("is_active", True) for name in others} == others


def test_password_is_set_again_only_with_update_password_always(simulator, run_playbook):
    run = run_playbook([api_user_task("create"), api_user_task("on create"),
                        api_user_task("always", update_password="always")],
                       extra_vars=extra_vars(simulator), verbosity=4, diff=True, extra_secrets=[PASSWORD])
    assert run.rc == 0, run.stdout[-3000:]
    assert_no_password(run)
    assert run.result("on create")["changed"] is False
    assert run.result("always")["writes"] == ["password_set"] and run.result("always")["changed"] is True
    assert run.result("always")["diff"]["after"]["user"]["password"] == "(set)"
    assert simulator.salesforce_counts()["writes_by_kind"]["password_set"] == 2


def test_bad_input_fails_clearly_and_writes_nothing(simulator, run_playbook):
    run = run_playbook([dict(api_user_task("unknown base", base_profile="No Such Profile"), ignore_errors=True),
                        dict(api_user_task("short password", password="x1y2z3"), ignore_errors=True),
                        dict(api_user_task("no admin session", sf_admin_consumer_key=None, sf_admin_private_key=None,
                                           sf_admin_username=None), ignore_errors=True)],
                       extra_vars=extra_vars(simulator), extra_secrets=[PASSWORD])
    assert "base_profile No Such Profile does not exist" in run.result("unknown base")["msg"]
    assert "shorter than 8 characters" in run.result("short password")["msg"]
    assert "sf_admin_consumer_key" in run.result("no admin session")["msg"]
    assert all(run.status(t) == "failed" for t in ("unknown base", "short password", "no admin session"))
    assert writes(simulator) == 0
