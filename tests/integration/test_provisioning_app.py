"""okta_sf_provisioning: creating the app, enforcing its type, state=disabled, hand-made connections, bad input."""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import (
    API_USER,
    CONNECTION_PATH,
    FEATURES_PATH,
    SALESFORCE_APP,
    SANDBOX_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    connection,
    credentials,
    enable_by_hand,
    features,
    requests_to,
    task,
    wanted,
    writes,
)

NEW_LABEL = "Salesforce UAT"


def salesforce_apps(simulator):
    return {app["label"]: app for app in simulator.state()["okta"]["apps"].values() if app["name"] == "salesforce"}


def test_create_app_check_mode_then_create_then_enforce_instance_type(simulator, run_playbook):
    create = wanted(app_label=NEW_LABEL, create_app=True, instance_type="sandbox")

    check = run_playbook([task(**create)], extra_vars=credentials(simulator), check=True, diff=True)
    assert check.rc == 0, check.stdout
    planned = check.result("provisioning")
    assert planned["changed"] is True
    assert simulator.writes() == []
    assert NEW_LABEL not in salesforce_apps(simulator)
    assert planned["app"] == {"id": None, "label": NEW_LABEL, "name": "salesforce", "instance_type": "sandbox",
                              "integration_type": "standard", "status": None, "admin_url": None}
    assert planned["diff"]["before"]["app"] == {"exists": False}
    assert planned["diff"]["after"]["app"] == {"exists": True, "label": NEW_LABEL, "instance_type": "sandbox",
                                               "integration_type": "standard"}
    # The app does not exist, so neither does its connection: check mode says it cannot know, not "ENABLED".
    assert planned["diff"]["after"]["connection"]["status"] == "UNKNOWN"
    assert (planned["connection"]["status"], planned["connection"]["auth_scheme"]) == ("UNKNOWN", "UNKNOWN")
    assert any("connection.status is UNKNOWN" in warning for warning in planned["warnings"])

    tasks = [
        task("create", **create),
        task("create again", **create),
        # The existing production app is moved to the government instance type (the whole app is PUT).
        task("instance type", app_id=SALESFORCE_APP, state="disabled", instance_type="government"),
        task("instance type again", app_id=SALESFORCE_APP, state="disabled", instance_type="government"),
    ]
    simulator.clear_log()
    run = run_playbook(tasks, extra_vars=credentials(simulator), diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    created = run.result("create")
    assert created["changed"] is True
    app = salesforce_apps(simulator)[NEW_LABEL]
    assert app["settings"]["app"]["instanceType"] == "SANDBOX"
    assert app["settings"]["app"]["integrationType"] == "STANDARD"
    assert app["status"] == "ACTIVE" and app["signOnMode"] == "SAML_2_0"
    assert created["app"]["id"] == app["id"] and created["app"]["instance_type"] == "sandbox"
    assert connection(simulator, app["id"])["status"] == "ENABLED"
    assert features(simulator, app["id"])["USER_PROVISIONING"] == WANTED_USER_PROVISIONING
    assert run.result("create again")["changed"] is False
    assert len([label for label in salesforce_apps(simulator) if label == NEW_LABEL]) == 1

    moved = run.result("instance type")
    assert moved["changed"] is True
    assert moved["diff"]["before"]["app"] == {"instance_type": "production"}
    assert moved["diff"]["after"]["app"] == {"instance_type": "government"}
    production = simulator.state()["okta"]["apps"][SALESFORCE_APP]
    assert production["settings"]["app"]["instanceType"] == "GOVERNMENT"
    assert production["label"] == "Salesforce.com" and production["signOnMode"] == "SAML_2_0"
    assert run.result("instance type again")["changed"] is False
    assert requests_to(simulator, "PUT", f"/api/v1/apps/{SALESFORCE_APP}")  # sent once, by "instance type"
    assert len(requests_to(simulator, "PUT", f"/api/v1/apps/{SALESFORCE_APP}")) == 1


def test_hand_made_connection_then_state_disabled(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.clear_log()
    tasks = [
        # The features API answers: the rest is managed, the connection is not touched.
        task("hand-made", app_label="Salesforce.com", manage_connection=False,
             to_app={"sync_password": {"enabled": True, "seed": "okta"}}),
        task("disable", app_label="Salesforce.com", state="disabled"),
        task("disable again", app_label="Salesforce.com", state="disabled"),
    ]
    run = run_playbook(tasks, diff=True)
    assert run.rc == 0, run.stdout

    hand_made = run.result("hand-made")
    assert hand_made["changed"] is True
    assert hand_made["settings_source"] == "features_api"
    assert hand_made["diff"]["after"]["to_app"] == {"sync_password": {"enabled": True, "seed": "okta"}}
    password = features(simulator)["USER_PROVISIONING"]["update"]["password"]
    assert password == {"status": "ENABLED", "seed": "OKTA", "change": "KEEP_EXISTING"}
    assert requests_to(simulator, "POST", CONNECTION_PATH) == []

    disabled = run.result("disable")
    assert disabled["changed"] is True
    assert disabled["diff"]["before"]["connection"] == {"status": "ENABLED"}
    assert disabled["diff"]["after"]["connection"] == {"status": "DISABLED"}
    assert disabled["connection"]["status"] == "DISABLED"
    assert run.result("disable again")["changed"] is False
    assert connection(simulator)["status"] == "DISABLED"
    assert connection(simulator)["profile"]["username"] == API_USER  # Okta keeps the credentials
    assert writes(simulator) == [
        ("PUT", f"{FEATURES_PATH}/USER_PROVISIONING"),
        ("POST", f"{CONNECTION_PATH}/lifecycle/deactivate"),
    ]


def test_bad_input_fails_before_any_request(simulator, run_playbook):
    secrets = credentials(simulator)
    padded = {"sf_password": secrets["sf_password"] + " ", "sf_security_token": secrets["sf_security_token"]}
    tasks = [
        task("password with a space", ignore_errors=True, **wanted(sf_password="{{ sf_password }} ")),
        task("token with a line break", ignore_errors=True, **wanted(sf_security_token="{{ sf_security_token }}\n")),
        task("bad cron and zone", ignore_errors=True, **wanted(to_okta={"schedule": {"full": "0 2 * *", "timezone": "Paris"}})),
        task("custom without expression", ignore_errors=True, **wanted(to_okta={"username_format": "custom"})),
        task("rotation without password", ignore_errors=True, app_label="Salesforce.com", update_credentials="always"),
        task("no such app", ignore_errors=True, **wanted(app_label="Salesforce Prod")),
        task("no credentials to enable", ignore_errors=True, app_label="Salesforce.com", to_app={"create_users": True}),
    ]
    run = run_playbook(tasks, extra_vars=secrets, diff=True, verbosity=4, extra_secrets=list(padded.values()))
    assert run.rc == 0, run.stdout
    assert simulator.writes() == []
    assert all(run.status(name["name"]) == "failed" for name in tasks)

    for name in ("password with a space", "token with a line break", "bad cron and zone", "rotation without password"):
        assert run.result(name)["api_calls"] == {"total": 0}, name
    assert "sf_password ends with whitespace" in run.result("password with a space")["msg"]
    assert "sf_security_token ends with whitespace" in run.result("token with a line break")["msg"]
    cron = run.result("bad cron and zone")["msg"]
    assert "to_okta.schedule.full '0 2 * *'" in cron and "5" in cron
    assert "to_okta.schedule.timezone 'Paris'" in cron and "IANA" in cron
    assert "username_expression" in run.result("custom without expression")["msg"]
    assert "update_credentials=always" in run.result("rotation without password")["msg"]
    lookup = run.result("no such app")["msg"]
    assert "Salesforce Prod" in lookup and SALESFORCE_APP in lookup and SANDBOX_APP in lookup
    no_credentials = run.result("no credentials to enable")["msg"]
    assert "not enabled" in no_credentials and "sf_password" in no_credentials
    assert connection(simulator)["status"] == "DISABLED"
