"""okta_sf_provisioning in an org that answers only Okta's published API (the simulator's "published API only" mode).

There the connection GET answers authScheme UNKNOWN and the connection POST and the features calls
answer 400: managing the connection must fail with the Admin Console link, and manage_connection=false
must verify what the app's `features` array shows.
"""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import (
    API_USER,
    SALESFORCE_APP,
    SANDBOX_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    credentials,
    enable_by_hand,
    task,
    wanted,
)

DEEP_LINK = "/admin/app/salesforce/instance/{}/#tab-user-management"


def test_published_api_only_org(simulator, run_playbook):
    # Provisioning of the production app was enabled by hand in the Admin Console; the sandbox app's was not.
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.configure(published_api_only=True)
    simulator.clear_log()

    tasks = [
        task("manage the connection", ignore_errors=True, **wanted()),
        task("manage the connection, check mode", ignore_errors=True, check_mode=True, **wanted()),
        task("hand-made, as wanted", app_id=SALESFORCE_APP, manage_connection=False,
             to_app={"create_users": True, "deactivate_users": True, "sync_password": {"enabled": False, "seed": "okta"}},
             to_okta={"username_format": "email"}),
        task("hand-made, differs", ignore_errors=True, app_id=SALESFORCE_APP, manage_connection=False,
             to_app={"create_users": True, "sync_password": {"enabled": True}}),
        task("not enabled by hand", ignore_errors=True, app_id=SANDBOX_APP, manage_connection=False,
             to_app={"create_users": True}),
    ]
    run = run_playbook(tasks, extra_vars=credentials(simulator), diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    assert simulator.writes() == []

    refused = run.result("manage the connection")
    assert run.status("manage the connection") == "failed"
    assert "does not expose Salesforce provisioning through its API" in refused["msg"]
    assert DEEP_LINK.format(SALESFORCE_APP) in refused["msg"]
    assert refused["admin_url"].endswith(DEEP_LINK.format(SALESFORCE_APP))
    assert "manage_connection=false" in refused["msg"]
    assert run.status("manage the connection, check mode") == "failed"
    assert run.result("manage the connection, check mode")["msg"] == refused["msg"]

    verified = run.result("hand-made, as wanted")
    assert run.status("hand-made, as wanted") == "ok"
    assert verified["changed"] is False
    assert verified["settings_source"] == "app_features"
    assert verified["to_app"] == {"create_users": True, "update_user_attributes": True, "deactivate_users": True,
                                  "sync_password": {"enabled": False}}
    assert verified["to_okta"] is None
    assert verified["unverified"] == ["to_app.sync_password.seed", "to_okta.username_format"]
    assert any("to_okta.username_format" in warning for warning in verified["warnings"])
    assert "PUSH_NEW_USERS" in verified["features"]
    assert verified["connection"]["auth_scheme"] == "UNKNOWN"

    differs = run.result("hand-made, differs")
    assert run.status("hand-made, differs") == "failed"
    assert "to_app.sync_password.enabled: wanted True, shown False" in differs["msg"]
    assert DEEP_LINK.format(SALESFORCE_APP) in differs["msg"]

    missing = run.result("not enabled by hand")
    assert run.status("not enabled by hand") == "failed"
    assert "Provisioning is not enabled" in missing["msg"] and "features list is empty" in missing["msg"]
    assert DEEP_LINK.format(SANDBOX_APP) in missing["msg"]


def test_create_app_on_a_published_api_only_org(simulator, run_playbook):
    simulator.configure(published_api_only=True)
    label = "Salesforce UAT"
    create = wanted(app_label=label, create_app=True, instance_type="sandbox")

    check = run_playbook([task("create, check mode", **create)], extra_vars=credentials(simulator), check=True, diff=True)
    assert check.rc == 0, check.stdout
    planned = check.result("create, check mode")
    assert planned["changed"] is True and check.status("create, check mode") == "changed"
    assert (planned["connection"]["status"], planned["connection"]["auth_scheme"]) == ("UNKNOWN", "UNKNOWN")
    assert planned["diff"]["after"]["connection"]["status"] == "UNKNOWN"
    [warning] = [w for w in planned["warnings"] if "connection.status is UNKNOWN" in w]
    assert repr(label) in warning and "not a prediction of success" in warning
    assert simulator.writes() == []

    run = run_playbook([task("create", ignore_errors=True, **create)], extra_vars=credentials(simulator))
    assert run.rc == 0, run.stdout
    failed = run.result("create")
    assert run.status("create") == "failed"
    # Counted from the simulator: one app was created (the only accepted write), no credentials were sent.
    created = [app for app in simulator.state()["okta"]["apps"].values() if app["label"] == label]
    assert len(created) == 1
    new_id = created[0]["id"]
    assert [(e["method"], e["path"], e["status"]) for e in simulator.writes()] == [("POST", "/api/v1/apps", 200)]
    assert simulator.state()["salesforce"]["users"][API_USER]["failed_logins"] == 0
    assert failed["changed"] is True
    assert failed["app"]["id"] == new_id and failed["app"]["label"] == label
    assert failed["app"]["instance_type"] == "sandbox" and failed["app"]["status"] == "ACTIVE"
    assert failed["app"]["admin_url"].endswith(DEEP_LINK.format(new_id))
    assert failed["admin_url"] == failed["app"]["admin_url"]
    message = failed["msg"]
    assert message.startswith(f"Created the Salesforce app {label!r} (id {new_id})")
    assert "does not expose Salesforce provisioning through its API" in message
    assert DEEP_LINK.format(new_id) in message
    assert f"app_id={new_id}" in message and "manage_connection=false" in message

    # What the message says to do next: enable provisioning by hand, then rerun with the app's id.
    enable_by_hand(simulator, app_id=new_id, user_provisioning=WANTED_USER_PROVISIONING)
    simulator.clear_log()
    rerun = run_playbook([task("next", app_id=new_id, manage_connection=False, to_app={"create_users": True})])
    assert rerun.rc == 0, rerun.stdout
    assert rerun.status("next") == "ok" and rerun.result("next")["settings_source"] == "app_features"
    assert simulator.writes() == []
