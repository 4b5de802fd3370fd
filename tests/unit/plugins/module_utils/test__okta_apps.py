"""Finding the Salesforce app by id or label, and the Admin Console link, against a real server on loopback."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import (
    AppLookupError,
    admin_console_url,
    app_summary,
    create_app,
    find_app,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, OktaClient

TOKEN = "00SSWS-canary-token-7f3a9c2e51d8b4"


def sf_app(app_id, label, status="ACTIVE", instance_type="PRODUCTION"):
    return {"id": app_id, "name": "salesforce", "label": label, "status": status,
            "settings": {"app": {"instanceType": instance_type, "integrationType": "STANDARD"}}}


@pytest.fixture
def client(httpserver):
    return OktaClient(httpserver.url_for("/"), api_token=TOKEN, sleep=lambda s: None)


def serve_apps(httpserver, pages):
    """Serve `pages` (lists of apps) from GET /api/v1/apps, chained by Link rel="next"."""
    base = httpserver.url_for("/").rstrip("/")
    for number, apps in enumerate(pages):
        query = {"filter": 'name eq "salesforce"', "limit": "200"} if number == 0 else {"after": f"cursor{number}"}
        headers = {}
        if number + 1 < len(pages):
            headers["Link"] = f'<{base}/api/v1/apps?after=cursor{number + 1}>; rel="next"'
        httpserver.expect_request("/api/v1/apps", query_string=query).respond_with_json(apps, headers=headers)


def test_find_by_id(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oasalesforce0001").respond_with_json(sf_app("0oasalesforce0001", "Salesforce.com"))
    assert find_app(client, app_id="0oasalesforce0001")["label"] == "Salesforce.com"


def test_find_by_id_404_names_the_id_and_what_to_do(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oamissing").respond_with_json(
        {"errorCode": "E0000007", "errorSummary": "Not found: Resource not found: 0oamissing (AppInstance)"},
        status=404, headers={"X-Okta-Request-Id": "r404"})
    with pytest.raises(AppLookupError) as caught:
        find_app(client, app_id="0oamissing")
    message = str(caught.value)
    assert "0oamissing" in message and "r404" in message and "app_label" in message


def test_find_by_id_of_another_kind_of_app_is_refused_unless_app_name_says_so(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oaslack").respond_with_json({"id": "0oaslack", "name": "slack", "label": "Slack"})
    with pytest.raises(AppLookupError, match="is a 'slack' app, not 'salesforce'.*app_name: slack"):
        find_app(client, app_id="0oaslack")
    assert find_app(client, app_id="0oaslack", app_name="slack")["label"] == "Slack"
    assert find_app(client, app_id="0oaslack", app_name=None)["id"] == "0oaslack"


def test_other_errors_by_id_are_okta_errors(httpserver, client):
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json(
        {"errorCode": "E0000006", "errorSummary": "Forbidden"}, status=403)
    with pytest.raises(OktaApiError, match="E0000006"):
        find_app(client, app_id="0oa1")


def test_find_by_label_searches_every_page(httpserver, client):
    serve_apps(httpserver, [[sf_app("0oa1", "Salesforce.com")], [sf_app("0oa2", "Salesforce Sandbox", instance_type="SANDBOX")]])
    assert find_app(client, app_label="Salesforce Sandbox")["id"] == "0oa2"
    assert len(httpserver.log) == 2


def test_find_by_label_is_exact(httpserver, client):
    serve_apps(httpserver, [[sf_app("0oa1", "Salesforce.com"), sf_app("0oa2", "salesforce.com (old)")]])
    assert find_app(client, app_label="Salesforce.com")["id"] == "0oa1"


def test_no_match_lists_the_candidates(httpserver, client):
    serve_apps(httpserver, [[sf_app("0oa1", "Salesforce.com")], [sf_app("0oa2", "Salesforce Sandbox", status="INACTIVE")]])
    with pytest.raises(AppLookupError) as caught:
        find_app(client, app_label="salesforce.com")
    message = str(caught.value)
    assert "No 'salesforce' app labelled 'salesforce.com'" in message
    assert "'Salesforce.com' (id 0oa1, ACTIVE)" in message and "'Salesforce Sandbox' (id 0oa2, INACTIVE)" in message


def test_no_app_at_all_says_none(httpserver, client):
    serve_apps(httpserver, [[]])
    with pytest.raises(AppLookupError, match="apps there: none"):
        find_app(client, app_label="Salesforce.com")


def test_several_matches_list_them_and_ask_for_app_id(httpserver, client):
    serve_apps(httpserver, [[sf_app("0oa1", "Salesforce.com")], [sf_app("0oa3", "Salesforce.com")]])
    with pytest.raises(AppLookupError) as caught:
        find_app(client, app_label="Salesforce.com")
    message = str(caught.value)
    assert "2 'salesforce' apps are labelled 'Salesforce.com'" in message
    assert "0oa1" in message and "0oa3" in message and "app_id" in message


def test_exactly_one_of_id_and_label():
    with pytest.raises(AppLookupError, match="exactly one of app_id or app_label"):
        find_app(None)
    with pytest.raises(AppLookupError, match="exactly one of app_id or app_label"):
        find_app(None, app_id="0oa1", app_label="x")


@pytest.mark.parametrize("org_url, expected", [
    ("https://acme.okta.com", "https://acme-admin.okta.com"),
    ("https://acme.oktapreview.com", "https://acme-admin.oktapreview.com"),
    ("https://acme.okta-emea.com", "https://acme-admin.okta-emea.com"),
    ("https://acme-admin.okta.com", "https://acme-admin.okta.com"),
    ("https://login.acme.com", "https://login.acme.com"),
    ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
    ("http://localhost:8080", "http://localhost:8080"),
])
def test_admin_console_url(org_url, expected):
    assert admin_console_url(org_url, "0oa1") == f"{expected}/admin/app/salesforce/instance/0oa1/#tab-user-management"


def test_app_summary(client):
    summary = app_summary(client, sf_app("0oa2", "Salesforce Sandbox", instance_type="SANDBOX"))
    assert summary == {"id": "0oa2", "label": "Salesforce Sandbox", "name": "salesforce", "instance_type": "sandbox",
                       "integration_type": "standard", "status": "ACTIVE",
                       "admin_url": f"{client.org_url}/admin/app/salesforce/instance/0oa2/#tab-user-management"}


NEW_APP = {"name": "salesforce", "label": "Salesforce New", "signOnMode": "SAML_2_0",
           "settings": {"app": {"instanceType": "PRODUCTION", "integrationType": "STANDARD"}}}


def _posts(httpserver):
    return [request for request, _response in httpserver.log if request.method == "POST"]


def test_a_create_whose_answer_was_lost_is_looked_up_by_label_and_not_sent_again(httpserver, client):
    httpserver.expect_oneshot_request("/api/v1/apps", method="POST").respond_with_data(
        "<html><body>Bad gateway</body></html>", status=502, content_type="text/html")
    serve_apps(httpserver, [[sf_app("0oaother", "Salesforce.com"), sf_app("0oanew", "Salesforce New")]])
    assert create_app(client, NEW_APP)["id"] == "0oanew"
    assert len(_posts(httpserver)) == 1


def test_a_create_that_did_not_happen_is_sent_again_after_the_look_up(httpserver, client):
    httpserver.expect_oneshot_request("/api/v1/apps", method="POST").respond_with_data("", status=503)
    serve_apps(httpserver, [[sf_app("0oaother", "Salesforce.com")]])
    httpserver.expect_oneshot_request("/api/v1/apps", method="POST").respond_with_json(sf_app("0oanew", "Salesforce New"))
    assert create_app(client, NEW_APP)["id"] == "0oanew"
    assert len(_posts(httpserver)) == 2


def test_a_refused_create_is_not_looked_up_nor_resent(httpserver, client):
    httpserver.expect_oneshot_request("/api/v1/apps", method="POST").respond_with_json(
        {"errorCode": "E0000001", "errorSummary": "Api validation failed: label"}, status=400)
    with pytest.raises(OktaApiError):
        create_app(client, NEW_APP)
    assert [request.method for request, _response in httpserver.log] == ["POST"]
