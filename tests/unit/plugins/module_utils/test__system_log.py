"""The System Log reader of the event source: categories, the shape of events, the push-failure window, the state
file, and which credential goes to which org. (The polling itself runs against the simulator: tests/integration/
test_event_source.py and test_event_driven.py.)"""
from __future__ import annotations

import json
import os
import stat
from types import SimpleNamespace

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _system_log as log

SF_APP = "0oasalesforce0001"
OTHER_APP = "0oaslack00000001"


class FakeClient:
    org_url = "https://acme.okta.com"
    auth_scheme = "SSWS"

    def __init__(self):
        self.asked = []

    def request(self, method, path, params=None):
        self.asked.append((method, path))
        apps = {SF_APP: {"name": "salesforce", "label": "Salesforce.com"}, OTHER_APP: {"name": "slack", "label": "Slack"}}
        if path == "/api/v1/users/me":
            return SimpleNamespace(body={"id": "00uapiadmin000001"})
        return SimpleNamespace(body=apps[path.rsplit("/", 1)[-1]])


def raw_event(event_type, app_id=SF_APP, result="SUCCESS", published="2026-11-30T10:00:00.000Z", actor_id="00ujane",
              uuid="u1"):
    return {"uuid": uuid, "published": published, "eventType": event_type, "displayMessage": "message",
            "outcome": {"result": result, "reason": "why"},
            "actor": {"id": actor_id, "type": "User", "alternateId": "jane@acme.com", "displayName": "Jane"},
            "target": [{"id": app_id, "type": "AppInstance", "alternateId": "x", "displayName": "x"},
                       {"id": "00uuser1", "type": "AppUser", "alternateId": "user1@acme.com.sf", "displayName": "U"},
                       {"id": "00uuser1", "type": "User", "alternateId": "user1@acme.com", "displayName": "U One"}]}


def org_log(tmp_path, **kwargs):
    positions = log.PositionFile(str(tmp_path / "position.json"))
    reader = log.OrgSystemLog("acme", FakeClient(), positions.org("acme", FakeClient.org_url), positions, **kwargs)
    reader._learn_own_actor()   # pylint: disable=protected-access
    return reader


@pytest.mark.parametrize("event_type, result, category", [
    ("application.lifecycle.update", "SUCCESS", "settings_change"),
    ("application.lifecycle.deactivate", "SUCCESS", "settings_change"),
    ("application.provision.user.push", "FAILURE", "push_failure"),
    ("application.provision.user.deactivate", "FAILURE", "push_failure"),
    ("application.provision.user.push", "SUCCESS", "provisioning_outcome"),
    ("application.integration.authentication_failure", "FAILURE", "credentials_failure"),
    ("application.integration.rate_limit_exceeded", "FAILURE", "integration_failure"),
    ("application.user_membership.add", "SUCCESS", "assignment_change"),
    ("user.session.start", "SUCCESS", None),
])
def test_categories(event_type, result, category):
    assert log.category_of(event_type, result) == category
    assert (event_type in log.EVENT_TYPES) == (category is not None)


def test_published_times_read_both_ways():
    assert log.iso_to_epoch("1970-01-01T00:01:00.250Z") == 60.25
    assert log.iso_to_epoch(log.epoch_to_iso(1764496800.5)) == 1764496800.5
    assert log.iso_to_epoch("yesterday") is None and log.iso_to_epoch(None) is None


def test_an_event_is_shaped_for_rules_and_only_for_watched_salesforce_apps(tmp_path):
    reader = org_log(tmp_path, apps=["Salesforce.com"], ignore_actors=["robot@acme.com"])
    event = reader.shape(raw_event("application.lifecycle.update"))["okta_sf"]
    assert event == {
        "org": "acme", "org_url": "https://acme.okta.com", "uuid": "u1", "published": "2026-11-30T10:00:00.000Z",
        "event_type": "application.lifecycle.update", "category": "settings_change",
        "app": {"id": SF_APP, "label": "Salesforce.com"}, "outcome": {"result": "SUCCESS", "reason": "why"},
        "actor": {"id": "00ujane", "type": "User", "alternate_id": "jane@acme.com", "display_name": "Jane"},
        "by_automation": False,
        "target_user": {"id": "00uuser1", "login": "user1@acme.com", "display_name": "U One",
                        "app_username": "user1@acme.com.sf"},
        "message": "message", "recent_failures": 0, "failure_burst": False}
    assert reader.shape(raw_event("application.lifecycle.update", app_id=OTHER_APP)) is None
    assert reader.shape(raw_event("user.session.start")) is None
    assert reader.shape(raw_event("application.lifecycle.update", actor_id="00uapiadmin000001"))["okta_sf"]["by_automation"]
    robot = raw_event("application.lifecycle.update")
    robot["actor"]["alternateId"] = "robot@acme.com"
    assert reader.shape(robot)["okta_sf"]["by_automation"]
    # Each app is looked up once.
    assert reader.client.asked.count(("GET", f"/api/v1/apps/{SF_APP}")) == 1
    assert org_log(tmp_path, apps=["Salesforce Sandbox"]).shape(raw_event("application.lifecycle.update")) is None


def test_push_failures_are_counted_within_the_window_and_survive_a_restart(tmp_path):
    reader = org_log(tmp_path, push_failure_window=60, push_failure_threshold=3)

    def fail(second, uuid):
        event = reader.shape(raw_event("application.provision.user.push", result="FAILURE", uuid=uuid,
                                       published=f"2026-11-30T10:{second // 60:02d}:{second % 60:02d}.000Z"))
        reader.delivered(event)
        return event["okta_sf"]["recent_failures"], event["okta_sf"]["failure_burst"]

    assert [fail(0, "a"), fail(30, "b"), fail(59, "c")] == [(1, False), (2, False), (3, True)]
    restarted = org_log(tmp_path, push_failure_window=60, push_failure_threshold=3)
    reader = restarted
    assert fail(70, "d") == (3, True)        # 0 has left the window; 30 and 59 were kept in the state file
    assert fail(200, "e") == (1, False)


def test_the_state_file_is_private_whole_and_per_org_url(tmp_path):
    path = tmp_path / "position.json"
    positions = log.PositionFile(str(path))
    position = positions.org("acme", "https://acme.okta.com")
    position["next"] = "https://acme.okta.com/api/v1/logs?after=x"
    positions.save()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["position.json"]
    again = log.PositionFile(str(path))
    assert again.org("acme", "https://acme.okta.com")["next"].endswith("after=x")
    # The same name for another org: its position starts afresh (never another org's link).
    assert again.org("acme", "https://acme.oktapreview.com")["next"] is None

    path.write_text("{not json")
    with pytest.raises(log.SourceConfigError, match="Cannot read the state file .* Fix or remove it"):
        log.PositionFile(str(path))


def test_a_credential_from_the_environment_goes_only_to_its_own_org():
    environ = {"OKTA_ORG_URL": "https://ACME.okta.com/", "OKTA_API_TOKEN": "env-token"}
    assert log._credentials({"org_url": "https://acme.okta.com"}, environ) == {"api_token": "env-token"}   # pylint: disable=protected-access
    assert log._credentials({"org_url": "https://other.okta.com"}, environ) == {}   # pylint: disable=protected-access
    own = {"org_url": "https://other.okta.com", "client_id": "0oa1", "private_key": "pem"}
    assert log._credentials(own, environ) == {"client_id": "0oa1", "private_key": "pem"}   # pylint: disable=protected-access


def test_two_orgs_need_two_names(tmp_path):
    org = {"name": "acme", "org_url": "https://acme.okta.com", "api_token": "t" * 40}
    with pytest.raises(log.SourceConfigError, match="Each org needs its own name"):
        log.org_logs_from_args({"orgs": [org, dict(org, org_url="https://acme.oktapreview.com")]}, environ={})
    logs = log.org_logs_from_args({"orgs": [org], "state_file": str(tmp_path / "p.json")}, environ={})
    assert [(o.name, o.client.org_url) for o in logs] == [("acme", "https://acme.okta.com")]
    assert json.loads(json.dumps(logs[0].position))["next"] is None
