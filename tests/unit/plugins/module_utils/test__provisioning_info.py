"""Reading one Salesforce app's provisioning state against a real server on loopback: what Okta answers
that the simulator does not (a 400 on the connection read, errors that must still fail the task)."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, OktaClient
from ansible_collections.idm.okta_salesforce.plugins.module_utils._provisioning_info import (
    assignment_counts,
    describe_app,
)

TOKEN = "00SSWS-canary-token-4b8e1d0c93a7f2"
APP = {"id": "0oasf1", "name": "salesforce", "label": "Salesforce.com", "status": "ACTIVE",
       "features": ["PUSH_NEW_USERS", "PUSH_PASSWORD_UPDATES"],
       "settings": {"app": {"instanceType": "SANDBOX", "integrationType": "STANDARD"}}}
NOT_ENABLED = {"errorCode": "E0000001", "errorSummary": "Api validation failed: feature",
               "errorCauses": [{"errorSummary": "Provisioning is not enabled for the app instance."}]}


@pytest.fixture
def client(httpserver):
    return OktaClient(httpserver.url_for("/"), api_token=TOKEN, sleep=lambda s: None, max_retries=0)


def test_a_400_on_the_connection_and_features_reads_is_reported_not_raised(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oasf1/connections/default").respond_with_json(
        {"errorCode": "E0000001", "errorSummary": "Api validation failed: connection"}, status=400,
        headers={"X-Okta-Request-Id": "reqConn"})
    httpserver.expect_request("/api/v1/apps/0oasf1/features/USER_PROVISIONING").respond_with_json(
        NOT_ENABLED, status=400, headers={"X-Okta-Request-Id": "reqFeat"})

    entry = describe_app(client, APP, with_assignments=False)

    assert entry["connection"] == {"status": "UNKNOWN", "auth_scheme": "UNKNOWN", "username": None,
                                   "allow_push_null_values": None, "exposed": False}
    assert entry["settings_source"] == "app_features"
    assert entry["to_app"] == {"create_users": True, "update_user_attributes": False, "deactivate_users": False,
                               "sync_password": {"enabled": True}}
    assert entry["to_okta"] is None
    assert entry["unverified"] == ["connection", "to_app.sync_password.seed", "to_app.sync_password.change", "to_okta"]
    reason = entry["unverified_reason"]
    assert "HTTP 400 E0000001: Api validation failed: connection, request id reqConn" in reason
    assert "USER_PROVISIONING" in reason and "Provisioning is not enabled for the app instance, request id reqFeat" in reason
    assert entry["app"]["instance_type"] == "sandbox" and entry["assignments"] is None
    assert entry["features"] == APP["features"]


def test_other_errors_still_fail(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oasf1/connections/default").respond_with_json(
        {"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"},
        status=403)
    with pytest.raises(OktaApiError) as caught:
        describe_app(client, APP)
    assert caught.value.status == 403


def test_assignment_counts_follow_every_page_and_split_by_scope(httpserver, client):
    base = httpserver.url_for("/").rstrip("/")
    users = "/api/v1/apps/0oasf1/users"
    httpserver.expect_request(users, query_string={"limit": "500"}).respond_with_json(
        [{"id": "u1", "scope": "USER"}, {"id": "u2", "scope": "GROUP"}],
        headers={"Link": f'<{base}{users}?after=u2&limit=500>; rel="next"'})
    httpserver.expect_request(users, query_string={"after": "u2", "limit": "500"}).respond_with_json(
        [{"id": "u3", "scope": "GROUP"}, {"id": "u4", "scope": "USER"}, {"id": "u5", "scope": "GROUP"}])
    httpserver.expect_request("/api/v1/apps/0oasf1/groups", query_string={"limit": "200"}).respond_with_json(
        [{"id": "g1"}, {"id": "g2"}])

    assert assignment_counts(client, "0oasf1") == {"users_direct": 2, "users_group": 3, "groups": 2}
