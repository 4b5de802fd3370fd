"""okta_sf_provisioning: enabling, configuring, idempotency, check-mode drift, credentials.

Each test runs real ansible-playbook processes against a fresh simulator and checks what an admin
would check afterwards: the Okta state, the requests that were (not) sent, the task's result and diff.
"""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import (
    API_USER,
    CONNECTION_PATH,
    FEATURES_PATH,
    OTHER_API_USER,
    SALESFORCE_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    connection,
    credentials,
    enable_by_hand,
    features,
    requests_to,
    sf_user,
    stored_secret_is,
    task,
    wanted,
    writes,
)

MASK = "********"
WILL_BE_SENT = "******** (will be sent)"


def test_check_mode_then_enable_then_nothing_to_do(simulator, run_playbook):
    secrets = credentials(simulator)

    # 1. Check mode: the whole plan, and not one write.
    check = run_playbook([task(**wanted())], extra_vars=secrets, check=True, diff=True)
    assert check.rc == 0, check.stdout
    planned = check.result("provisioning")
    assert planned["changed"] is True
    assert writes(simulator) == []
    assert connection(simulator)["status"] == "DISABLED"
    assert planned["settings_source"] == "okta_defaults"
    assert planned["diff"]["before"]["connection"] == {"status": "DISABLED", "username": None,
                                                       "allow_push_null_values": None, "credentials": None}
    assert planned["diff"]["after"]["connection"] == {"status": "ENABLED", "username": API_USER,
                                                      "allow_push_null_values": False, "credentials": WILL_BE_SENT}
    assert planned["diff"]["before"]["to_app"]["create_users"] is False
    assert planned["diff"]["after"]["to_app"]["create_users"] is True
    assert planned["diff"]["after"]["to_okta"]["schedule"]["full"] == "0 2 * * 0"
    assert planned["connection"]["status"] == "ENABLED"
    assert "credentials: ******** (will be sent)" in check.stdout or WILL_BE_SENT in check.stdout

    # 2. The real run, at the highest verbosity with diffs (the harness scans it for the secrets).
    simulator.clear_log()
    first = run_playbook([task(**wanted())], extra_vars=secrets, diff=True, verbosity=4)
    assert first.rc == 0, first.stdout
    done = first.result("provisioning")
    assert done["changed"] is True
    assert writes(simulator) == [
        ("POST", CONNECTION_PATH),
        ("PUT", f"{FEATURES_PATH}/USER_PROVISIONING"),
        ("PUT", f"{FEATURES_PATH}/INBOUND_PROVISIONING"),
    ]
    held = connection(simulator)
    assert held["status"] == "ENABLED"
    assert held["profile"]["username"] == API_USER
    assert held["profile"]["allowPushNullValues"] is False
    assert stored_secret_is(simulator, secrets["sf_password"], secrets["sf_security_token"])
    assert features(simulator)["USER_PROVISIONING"] == WANTED_USER_PROVISIONING
    inbound = features(simulator)["INBOUND_PROVISIONING"]
    assert inbound["importSettings"]["schedule"] == WANTED_INBOUND_PROVISIONING["importSettings"]["schedule"]
    assert inbound["importRules"] == WANTED_INBOUND_PROVISIONING["importRules"]
    assert done["connection"] == {"status": "ENABLED", "auth_scheme": "TOKEN", "username": API_USER,
                                  "allow_push_null_values": False, "version": "password_token",
                                  "consumer_key": None, "consent": None, "consent_url": None}
    assert done["to_app"] == {"create_users": True, "update_user_attributes": True, "deactivate_users": True,
                              "sync_password": {"enabled": False, "seed": "random", "change": "keep_existing"}}
    assert done["to_okta"]["schedule"] == {"enabled": True, "full": "0 2 * * 0", "incremental": "0 */4 * * *",
                                           "timezone": "Europe/Paris"}
    assert done["to_okta"]["match"]["auto_confirm_exact"] is True
    assert {"PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES", "PUSH_USER_DEACTIVATION"} <= set(done["features"])
    assert done["app"]["id"] == SALESFORCE_APP and done["app"]["instance_type"] == "production"
    assert done["app"]["admin_url"].endswith(f"/admin/app/salesforce/instance/{SALESFORCE_APP}/#tab-user-management")
    assert done["api_calls"]["total"] >= 3

    # 3. The same task again: nothing differs, nothing is written, the secret is not sent again.
    simulator.clear_log()
    second = run_playbook([task(**wanted())], extra_vars=secrets, diff=True)
    assert second.rc == 0, second.stdout
    again = second.result("provisioning")
    assert again["changed"] is False
    assert simulator.writes() == []
    assert again["diff"]["before"] == again["diff"]["after"]
    assert again["diff"]["after"]["connection"]["credentials"] == MASK


def test_check_mode_reports_drift_exactly_and_writes_nothing(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    # Someone changes two settings in the Admin Console.
    simulator.patch(["okta", "features", SALESFORCE_APP, "USER_PROVISIONING", "update", "lifecycleDeactivate",
                     "status"], "DISABLED")
    simulator.patch(["okta", "features", SALESFORCE_APP, "INBOUND_PROVISIONING", "importSettings", "schedule",
                     "fullImport", "expression"], "30 3 * * 6")
    simulator.clear_log()

    run = run_playbook([task(**wanted())], extra_vars=credentials(simulator), check=True, diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    result = run.result("provisioning")
    assert result["changed"] is True
    assert simulator.writes() == []
    assert result["settings_source"] == "features_api"
    before, after = result["diff"]["before"], result["diff"]["after"]
    # Exactly the two drifted settings differ; everything else managed is shown unchanged.
    assert before["to_app"]["deactivate_users"] is False and after["to_app"]["deactivate_users"] is True
    assert before["to_okta"]["schedule"]["full"] == "30 3 * * 6" and after["to_okta"]["schedule"]["full"] == "0 2 * * 0"
    assert {k: v for k, v in before["to_app"].items() if k != "deactivate_users"} == \
        {k: v for k, v in after["to_app"].items() if k != "deactivate_users"}
    assert before["connection"] == after["connection"] == {
        "status": "ENABLED", "username": API_USER, "allow_push_null_values": False, "credentials": MASK}
    # Results show what a real run would leave.
    assert result["to_app"]["deactivate_users"] is True
    assert result["to_okta"]["schedule"]["full"] == "0 2 * * 0"
    # Okta still holds the drifted values.
    assert features(simulator)["USER_PROVISIONING"]["update"]["lifecycleDeactivate"]["status"] == "DISABLED"


def test_on_create_does_not_resend_and_always_rotates(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    old = credentials(simulator)
    simulator.clear_log()

    # on_create (the default): the integration is enabled with the same user, so the secret stays unsent.
    run = run_playbook([task(**wanted())], extra_vars=old)
    assert run.rc == 0, run.stdout
    assert run.result("provisioning")["changed"] is False
    assert requests_to(simulator, "POST", CONNECTION_PATH) == []

    # The API user's password is reset in Salesforce: a new password and a new security token.
    new = {"sf_password": "Rotated-pw-canary-71c4", "sf_security_token": "rotatedTokenCanary5e0a"}
    simulator.patch(["salesforce", "users", API_USER, "password"], new["sf_password"])
    simulator.patch(["salesforce", "users", API_USER, "security_token"], new["sf_security_token"])
    simulator.clear_log()
    rotate = run_playbook([task(**wanted(update_credentials="always"))], extra_vars=new, diff=True, verbosity=4,
                          extra_secrets=list(new.values()))
    assert rotate.rc == 0, rotate.stdout
    result = rotate.result("provisioning")
    assert result["changed"] is True
    assert result["diff"]["before"]["connection"]["credentials"] == MASK
    assert result["diff"]["after"]["connection"]["credentials"] == WILL_BE_SENT
    assert writes(simulator) == [("POST", CONNECTION_PATH)]
    assert stored_secret_is(simulator, new["sf_password"], new["sf_security_token"])
    assert connection(simulator)["status"] == "ENABLED"


def test_a_new_username_resends_the_credentials(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    other = credentials(simulator, OTHER_API_USER)
    simulator.clear_log()

    run = run_playbook([task(**wanted(sf_username=OTHER_API_USER))], extra_vars=other, diff=True)
    assert run.rc == 0, run.stdout
    result = run.result("provisioning")
    assert result["changed"] is True
    assert result["diff"]["before"]["connection"]["username"] == API_USER
    assert result["diff"]["after"]["connection"]["username"] == OTHER_API_USER
    assert writes(simulator) == [("POST", CONNECTION_PATH)]
    assert connection(simulator)["profile"]["username"] == OTHER_API_USER
    assert stored_secret_is(simulator, other["sf_password"], other["sf_security_token"])
    assert result["connection"]["username"] == OTHER_API_USER


def test_wrong_salesforce_password_fails_clearly_and_writes_nothing_else(simulator, run_playbook):
    before_features = features(simulator)
    token = sf_user(simulator)["security_token"]
    run = run_playbook([task(**wanted())], extra_vars={"sf_password": "Not-the-password-1", "sf_security_token": token},
                       diff=True, verbosity=4, extra_secrets=["Not-the-password-1"])
    assert run.rc != 0
    result = run.result("provisioning")
    assert run.status("provisioning") == "failed"
    [post] = requests_to(simulator, "POST", CONNECTION_PATH)
    assert post["status"] == 400
    assert "INVALID_LOGIN" in result["msg"]
    assert result["fault_code"] == "INVALID_LOGIN"
    assert post["request_id"] and post["request_id"] in result["msg"]
    assert result["okta_error"]["request_id"] == post["request_id"]
    assert result["changed"] is False
    # The failed POST is the only write attempted, never resent: one Salesforce login, counted by the org.
    assert writes(simulator) == [("POST", CONNECTION_PATH)]
    assert sf_user(simulator)["failed_logins"] == 1
    assert connection(simulator)["status"] == "DISABLED"
    assert "token" not in connection(simulator)["profile"]
    assert features(simulator) == before_features
