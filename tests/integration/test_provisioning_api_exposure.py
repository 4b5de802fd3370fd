"""Reads Okta does not expose for a Salesforce app: 400, 403, 404 or 501 on the connection and features reads.

Okta documents the connections and features endpoints for other apps only, and lists 403 and 404 for them;
a real org may also answer 501. Each Salesforce app of the seed below answers one of those statuses (the
simulator's per-app `api_exposure`). Provisioning was enabled on each by hand, as an admin does in the Admin
Console. With manage_connection=false okta_sf_provisioning must verify from the app's `features` array (or
fail cleanly naming what differs), okta_sf_provisioning_info must report, and managing the connection must
give the published-API-only failure with the Admin Console link: never a bare Okta error.
"""
from __future__ import annotations

import copy

import yaml

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_provisioning_helpers import (
    API_USER,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    credentials,
    enable_by_hand,
    task,
    wanted,
)

INFO = "idm.okta_salesforce.okta_sf_provisioning_info"
DEEP_LINK = "/admin/app/salesforce/instance/{}/#tab-user-management"
STATUSES = (400, 403, 404, 501)
# One app per status, both reads refused; and the brief's mix: connection 501, features 404.
APPS = {f"0oasfexposure{status}": {"connection_status": status, "features_status": status} for status in STATUSES}
MIXED_APP = "0oasfexposuremix"
APPS[MIXED_APP] = {"connection_status": 501, "features_status": 404}
# The client never resends a 501 (Not Implemented is final): one request per read, whatever the status.

# What the hand-made To App shows in the `features` array (no password push), and what cannot be seen there.
SHOWN_TO_APP = {"create_users": True, "update_user_attributes": True, "deactivate_users": True,
                "sync_password": {"enabled": False}}
NOT_IN_FEATURES_ARRAY = ["to_app.sync_password.seed", "to_app.sync_password.change", "to_okta"]


def seed():
    data = copy.deepcopy(yaml.safe_load(DEFAULT_SEED.read_text()))
    for app_id, exposure in APPS.items():
        data["okta"]["apps"].append({"id": app_id, "name": "salesforce", "label": f"Salesforce {app_id[-3:]}",
                                     "signOnMode": "SAML_2_0", "api_exposure": exposure,
                                     "settings": {"app": {"instanceType": "PRODUCTION", "integrationType": "STANDARD"}}})
    return data


def info(name, **args):
    return {"name": name, INFO: args}


def app_log(simulator, app_id):
    return [entry for entry in simulator.request_log() if f"/apps/{app_id}" in entry["path"]]


def setup(simulator):
    simulator.reset(seed())
    for app_id in APPS:
        enable_by_hand(simulator, app_id=app_id, user_provisioning=WANTED_USER_PROVISIONING,
                       inbound=WANTED_INBOUND_PROVISIONING)
    simulator.clear_log()


def test_manage_connection_false_verifies_from_the_features_array_and_info_reports(simulator, run_playbook):
    setup(simulator)
    tasks = []
    for app_id in APPS:
        tasks.append(task(f"verify {app_id}", app_id=app_id, manage_connection=False,
                          to_app={"create_users": True, "deactivate_users": True,
                                  "sync_password": {"enabled": False, "seed": "okta"}},
                          to_okta={"username_format": "email"}))
        if app_id != MIXED_APP:   # the failure path is shown on the one-status apps
            tasks.append(task(f"differs {app_id}", ignore_errors=True, app_id=app_id, manage_connection=False,
                              to_app={"sync_password": {"enabled": True}}))
        tasks.append(info(f"info {app_id}", app_id=app_id, assignment_counts=False))
    run = run_playbook(tasks)
    assert run.rc == 0, run.stdout

    for app_id, exposure in APPS.items():
        connection_status, features_status = exposure["connection_status"], exposure["features_status"]
        verified = run.result(f"verify {app_id}")
        assert run.status(f"verify {app_id}") == "ok"
        assert verified["changed"] is False
        assert verified["settings_source"] == "app_features"
        assert verified["to_app"] == SHOWN_TO_APP
        assert verified["to_okta"] is None
        assert verified["unverified"] == ["to_app.sync_password.seed", "to_okta.username_format"]
        assert verified["connection"]["status"] == "UNKNOWN"
        [warning] = [w for w in verified["warnings"] if "cannot be checked here" in w]
        assert f"its features API answered HTTP {features_status}" in warning
        assert DEEP_LINK.format(app_id) in warning

        names = ("verify", "info") if app_id == MIXED_APP else ("verify", "differs", "info")
        if "differs" in names:
            differs = run.result(f"differs {app_id}")
            assert run.status(f"differs {app_id}") == "failed"
            assert "to_app.sync_password.enabled: wanted True, shown False" in differs["msg"]
            assert DEEP_LINK.format(app_id) in differs["msg"]
            assert not differs["msg"].startswith("Okta API error") and "okta_error" not in differs
            assert differs["changed"] is False

        [entry] = run.result(f"info {app_id}")["apps"]
        assert run.status(f"info {app_id}") == "ok"
        assert entry["connection"]["exposed"] is False and entry["connection"]["status"] == "UNKNOWN"
        assert entry["settings_source"] == "app_features" and entry["to_app"] == SHOWN_TO_APP
        assert entry["unverified"] == ["connection"] + NOT_IN_FEATURES_ARRAY
        reason = entry["unverified_reason"]
        assert f"the connection endpoint answered HTTP {connection_status}" in reason
        assert f"the features API (USER_PROVISIONING) answered HTTP {features_status}" in reason
        assert ("or that the credentials lack the permission" in reason) is (403 in exposure.values())

        # Counted from the simulator's log: GETs only, each refused read sent once (a 501 as often as the
        # client's retries allow), and exactly the requests the three tasks report in api_calls.
        log = app_log(simulator, app_id)
        assert {entry["method"] for entry in log} == {"GET"}
        connection_reads = [e for e in log if e["path"].endswith("/connections/default")]
        features_reads = [e for e in log if "/features/" in e["path"]]
        assert {e["status"] for e in connection_reads} == {connection_status}
        assert {e["status"] for e in features_reads} == {features_status}
        assert {e["path"].rsplit("/", 1)[1] for e in features_reads} == {"USER_PROVISIONING"}
        assert len(connection_reads) == len(names) and len(features_reads) == len(names)
        reported = sum(run.result(f"{name} {app_id}")["api_calls"]["total"] for name in names)
        assert reported == len(log)
    assert simulator.writes() == []


def test_manage_connection_true_gives_the_published_api_only_failure(simulator, run_playbook):
    setup(simulator)
    one_per_status = {app_id: exposure for app_id, exposure in APPS.items() if app_id != MIXED_APP}
    tasks = [task(f"manage {app_id}", ignore_errors=True, **wanted(app_label=None, app_id=app_id))
             for app_id in one_per_status]
    run = run_playbook(tasks, extra_vars=credentials(simulator))
    assert run.rc == 0, run.stdout
    for app_id, exposure in one_per_status.items():
        status = exposure["connection_status"]
        refused = run.result(f"manage {app_id}")
        assert run.status(f"manage {app_id}") == "failed"
        assert refused["msg"].startswith("This Okta org does not expose Salesforce provisioning through its API")
        assert f"the connection endpoint answered HTTP {status}" in refused["msg"]
        assert DEEP_LINK.format(app_id) in refused["msg"] and refused["admin_url"].endswith(DEEP_LINK.format(app_id))
        assert "manage_connection=false" in refused["msg"]
        assert ("or the credentials lack the permission for it" in refused["msg"]) is (status == 403)
        assert refused["okta_error"]["status"] == status
        assert refused["changed"] is False
        # The refused read is the last request: no credentials were sent, so Salesforce saw no login.
        assert [e["path"].rsplit("/", 2)[-2:] for e in app_log(simulator, app_id)][-1] == ["connections", "default"]
    assert simulator.writes() == []
    assert simulator.state()["salesforce"]["users"][API_USER]["failed_logins"] == 0
