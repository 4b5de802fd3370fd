"""The OAuth probe's reading of the token endpoint's answers, the admin session's options, and the policy rules."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _salesforce_oauth as oauth
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import SalesforceInputError


def statuses(checks):
    return {check.name: check.status for check in checks}


@pytest.mark.parametrize("error, expected", [
    ("invalid_client_id", {"consumer_key": "fail", "consumer_secret": "fail"}),
    ("invalid_client", {"consumer_key": "pass", "consumer_secret": "fail"}),
    ("invalid_grant", {"consumer_key": "pass", "consumer_secret": "pass"}),
    ("redirect_uri_mismatch", {"consumer_key": "pass", "consumer_secret": "warn"}),
    ("unsupported_grant_type", {"consumer_key": "fail", "consumer_secret": "fail"}),
])
def test_each_token_endpoint_answer_gives_its_key_and_secret_status(error, expected):
    class Answer:
        status_code = 400

        @staticmethod
        def json():
            return {"error": error, "error_description": "words"}

    class Session:
        @staticmethod
        def post(url, data):
            assert data["grant_type"] == "authorization_code" and data["redirect_uri"] == oauth.OKTA_OAUTH_CALLBACK_URL
            return Answer()

    answer = oauth.probe_client(Session(), "https://login.salesforce.com/services/oauth2/token", "key", "s3cret", 30)
    checks = oauth.probe_checks(answer)
    assert statuses(checks) == expected
    # A check that could not run says so; the secret is never in a detail.
    assert all("s3cret" not in check.detail for check in checks)


@pytest.mark.parametrize("params, message", [
    ({"sf_admin_username": "a@b.c"}, "needs sf_admin_consumer_key"),
    ({"sf_admin_consumer_key": "k"}, "needs sf_admin_private_key or sf_admin_private_key_file"),
    ({"sf_admin_consumer_key": "k", "sf_admin_private_key": "x", "sf_admin_consumer_secret": "y"}, "exclude each other"),
    ({"sf_admin_consumer_key": "k", "sf_admin_private_key": "not a key", "sf_admin_username": "a@b.c"},
     "not an unencrypted PEM private key"),
    ({"sf_admin_consumer_key": "k", "sf_admin_private_key_file": "/nonexistent/key.pem", "sf_admin_username": "a"},
     "cannot be read"),
])
def test_incomplete_admin_options_are_refused_before_anything_is_sent(params, message):
    with pytest.raises(SalesforceInputError, match=message):
        oauth.admin_flow(params)


def test_client_credentials_flow_and_the_empty_strings_awx_injects():
    assert oauth.admin_flow({"sf_admin_consumer_key": "k", "sf_admin_consumer_secret": "s", "sf_admin_private_key": "",
                             "sf_admin_private_key_file": ""}) == "client_credentials"
    assert not oauth.admin_options_given({name: "" for name in oauth.ADMIN_OPTIONS})


@pytest.mark.parametrize("params, expected", [
    ({"sf_domain": "acme.my"}, ("acme.my", None)),
    ({"sf_domain": "https://acme.my.salesforce.com/"}, ("acme.my", None)),
    ({"sf_login_url": "https://acme--uat.sandbox.my.salesforce.com"}, ("acme--uat.sandbox.my", None)),
    ({"sf_domain": "test", "sf_login_url": "https://127.0.0.1:8443"}, ("test", "https://127.0.0.1:8443")),
    ({}, ("login", None)),
])
def test_admin_domain(params, expected):
    assert oauth.admin_domain(params) == expected


def test_policy_rules_for_both_kinds_of_app():
    connected = {"oauthConfig": {"callbackUrl": "https://a.example/cb\n" + oauth.OKTA_OAUTH_CALLBACK_URL,
                                 "scopes": ["Api", "RefreshToken", "Web"], "isAdminApproved": False,
                                 "isConsumerSecretOptional": False, "isSecretRequiredForRefreshToken": True,
                                 "isPkceRequired": True},
                 "oauthPolicy": {"refreshTokenPolicy": "infinite"}}
    result = statuses(oauth.policy_checks("App", "connected_app", connected))
    assert result.pop("oauth_policy_pkce") == "warn"
    assert set(result.values()) == {"pass"}
    eca = {"global": {"callbackUrl": oauth.OKTA_OAUTH_CALLBACK_URL, "isConsumerSecretOptional": False,
                      "isSecretRequiredForRefreshToken": True, "isPkceRequired": False},
           "oauth": {"commaSeparatedOauthScopes": "Api, Web"},
           "policies": {"permittedUsersPolicyType": "AllSelfAuthorized", "refreshTokenPolicyType": "Zero"}}
    failed = {name for name, status in statuses(oauth.policy_checks("App", "external_client_app", eca)).items()
              if status == "fail"}
    assert failed == {"oauth_policy_scopes", "oauth_policy_refresh_token_policy"}


def test_every_expected_setting_says_where_each_kind_of_app_keeps_it():
    for setting in oauth.OKTA_CONNECTED_APP_SETTINGS:
        for kind in ("connected_app", "external_client_app"):
            section, field, _expected, where = setting[kind]
            assert section and field and where.startswith("Setup > "), (setting["name"], kind)
