"""okta_sf_provisioning in an org that answers only Okta's published API (the simulator's "published API only" mode).

There the connection GET answers authScheme UNKNOWN and the connection POST and the features calls
answer 400: managing the connection must fail with the Admin Console link, and manage_connection=false
must verify what the app's `features` array shows.
"""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import (
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
