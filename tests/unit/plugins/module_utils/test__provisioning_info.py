"""Reading one Salesforce app's provisioning state against a real server on loopback: refusals of the connection
and features reads (400/403/404/501) are reported, errors that must still fail the task (401, 429, 5xx) fail it."""
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
                                   "allow_push_null_values": None, "exposed": False,
                                   "version": None, "consumer_key": None, "consent": None, "consent_url": None}
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


@pytest.mark.parametrize("status, code", [(403, "E0000006"), (404, "E0000007"), (501, None)])
def test_403_404_501_on_either_read_are_reported_like_a_400(httpserver, client, status, code):
    body = {"errorCode": code, "errorSummary": "refused here"} if code else {"errorSummary": "Not Implemented"}
    httpserver.expect_request("/api/v1/apps/0oasf1/connections/default").respond_with_json(
        body, status=status, headers={"X-Okta-Request-Id": "reqConn"})
    httpserver.expect_request("/api/v1/apps/0oasf1/features/USER_PROVISIONING").respond_with_json(
        body, status=status, headers={"X-Okta-Request-Id": "reqFeat"})

    entry = describe_app(client, APP, with_assignments=False)

    assert entry["connection"]["exposed"] is False and entry["connection"]["status"] == "UNKNOWN"
    assert entry["settings_source"] == "app_features"
    assert entry["unverified"] == ["connection", "to_app.sync_password.seed", "to_app.sync_password.change", "to_okta"]
    reason = entry["unverified_reason"]
    assert f"the connection endpoint answered HTTP {status}" in reason and "reqConn" in reason
    assert f"the features API (USER_PROVISIONING) answered HTTP {status}" in reason and "reqFeat" in reason
    assert ("or that the credentials lack the permission" in reason) is (status == 403)


@pytest.mark.parametrize("status, code", [(401, "E0000011"), (429, "E0000047"), (500, "E0000009")])
@pytest.mark.parametrize("failing", ["connections/default", "features/USER_PROVISIONING"])
def test_auth_rate_limit_and_server_errors_still_fail(httpserver, client, status, code, failing):
    ok = {"connections/default": {"authScheme": "TOKEN", "status": "ENABLED", "profile": {"authScheme": "TOKEN"}},
          "features/USER_PROVISIONING": {"capabilities": {}}, "features/INBOUND_PROVISIONING": {"capabilities": {}}}
    for path, body in ok.items():
        if path == failing:
            httpserver.expect_request(f"/api/v1/apps/0oasf1/{path}").respond_with_json(
                {"errorCode": code, "errorSummary": "no"}, status=status)
        else:
            httpserver.expect_request(f"/api/v1/apps/0oasf1/{path}").respond_with_json(body)
    with pytest.raises(OktaApiError) as caught:
        describe_app(client, APP)
    assert caught.value.status == status and caught.value.path.endswith(failing)


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
