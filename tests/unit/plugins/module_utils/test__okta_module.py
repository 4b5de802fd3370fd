"""The shared Okta option spec and module glue, through a real AnsibleModule."""
from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import find_app
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import (
    OKTA_MUTUALLY_EXCLUSIVE,
    api_calls_result,
    okta_argument_spec,
    okta_client_from_module,
    okta_failures,
)

TOKEN = "00SSWS-canary-token-7f3a9c2e51d8b4"
OKTA_ENV = ("OKTA_ORG_URL", "OKTA_API_TOKEN", "OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY", "OKTA_PRIVATE_KEY_FILE",
            "OKTA_KEY_ID", "OKTA_SCOPES", "OKTA_VALIDATE_CERTS", "OKTA_CA_PATH")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in OKTA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_module():
    """Build an AnsibleModule from args; the args stay patched in until the test ends (fail_json needs them)."""
    with contextlib.ExitStack() as stack:
        def make(args, **extra_options):
            stack.enter_context(patch_module_args(args))
            return AnsibleModule(argument_spec=okta_argument_spec(**extra_options),
                                 mutually_exclusive=OKTA_MUTUALLY_EXCLUSIVE, supports_check_mode=True)
        yield make


def failure(capsys, action):
    with pytest.raises(SystemExit):
        action()
    return json.loads(capsys.readouterr().out)


def test_env_fallbacks_build_a_client(monkeypatch, make_module):
    monkeypatch.setenv("OKTA_ORG_URL", "https://acme.okta.com")
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    module = make_module({})
    client = okta_client_from_module(module)
    assert client.org_url == "https://acme.okta.com"
    assert client.auth_scheme == "SSWS"
    assert module.params["timeout"] == 30 and module.params["max_retries"] == 4
    assert TOKEN in module.no_log_values


def test_secret_options_are_no_log():
    spec = okta_argument_spec(app_id=dict(type="str"))
    assert spec["api_token"]["no_log"] and spec["private_key"]["no_log"]
    assert "app_id" in spec


def test_no_auth_fails_cleanly(capsys, make_module):
    module = make_module({"org_url": "https://acme.okta.com"})
    result = failure(capsys, lambda: okta_client_from_module(module))
    assert result["failed"] and "api_token" in result["msg"] and "OKTA_CLIENT_ID" in result["msg"]


def test_missing_org_url_fails_cleanly(capsys, make_module):
    module = make_module({"api_token": TOKEN})
    result = failure(capsys, lambda: okta_client_from_module(module))
    assert "org_url is required" in result["msg"] and "OKTA_ORG_URL" in result["msg"]


def test_plain_http_fails_cleanly(capsys, make_module):
    module = make_module({"org_url": "http://acme.okta.com", "api_token": TOKEN})
    result = failure(capsys, lambda: okta_client_from_module(module))
    assert "use https" in result["msg"]


def test_api_token_and_client_id_are_mutually_exclusive(capsys, monkeypatch, make_module):
    monkeypatch.setenv("OKTA_CLIENT_ID", "0oaservice")
    result = failure(capsys, lambda: make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN}))
    assert "mutually exclusive" in result["msg"] and "api_token" in result["msg"]


def test_validate_certs_false_warns(capsys, make_module):
    module = make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN, "validate_certs": False})
    okta_client_from_module(module)
    result = failure(capsys, module.exit_json)
    assert "certificate is not checked" in json.dumps(result["warnings"])


def test_okta_failures_turn_errors_into_a_failed_result_with_api_calls(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json(
        {"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"},
        status=403, headers={"X-Okta-Request-Id": "r403"})
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})
    client = okta_client_from_module(module)

    def run():
        with okta_failures(module, client, changed=False):
            find_app(client, app_id="0oa1")

    result = failure(capsys, run)
    assert result["msg"].startswith("Okta API error E0000006 (HTTP 403) on GET /api/v1/apps/0oa1")
    assert result["okta_error"]["request_id"] == "r403"
    assert result["api_calls"] == 1 and result["changed"] is False
    assert api_calls_result(client) == {"api_calls": 1}


def test_app_lookup_errors_fail_with_their_message(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa9").respond_with_json({"errorCode": "E0000007"}, status=404)
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})
    client = okta_client_from_module(module)

    def run():
        with okta_failures(module, client):
            find_app(client, app_id="0oa9")

    result = failure(capsys, run)
    assert "No Okta app with id '0oa9'" in result["msg"] and result["api_calls"] == 1
