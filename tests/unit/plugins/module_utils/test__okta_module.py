"""The module shell (OktaModule): options, lazy client, and the one way a run ends, through a real AnsibleModule."""
from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import find_app
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule, okta_argument_spec

TOKEN = "00SSWS-canary-token-7f3a9c2e51d8b4"
OKTA_ENV = ("OKTA_ORG_URL", "OKTA_API_TOKEN", "OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY", "OKTA_PRIVATE_KEY_FILE",
            "OKTA_KEY_ID", "OKTA_SCOPES", "OKTA_VALIDATE_CERTS", "OKTA_CA_PATH")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in OKTA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_module():
    """Build an OktaModule from args; the args stay patched in until the test ends (fail_json needs them)."""
    with contextlib.ExitStack() as stack:
        def make(args, **extra_options):
            # _ansible_tracebacks_for: what the controller adds (see tests/unit/plugins/modules/conftest.py).
            stack.enter_context(patch_module_args(dict({"_ansible_tracebacks_for": []}, **args)))
            return OktaModule(argument_spec=extra_options)
        yield make


def ended(capsys, module, work):
    """The JSON result a run of `work` ends with (exit_json and fail_json both exit)."""
    with pytest.raises(SystemExit):
        module.run(work)
    return json.loads(capsys.readouterr().out)


def test_env_fallbacks_build_a_client(monkeypatch, make_module):
    monkeypatch.setenv("OKTA_ORG_URL", "https://acme.okta.com")
    monkeypatch.setenv("OKTA_API_TOKEN", TOKEN)
    module = make_module({})
    assert module.client.org_url == "https://acme.okta.com"
    assert module.client.auth_scheme == "SSWS"
    assert module.params["timeout"] == 30 and module.params["max_retries"] == 4
    assert TOKEN in module.no_log_values


def test_secret_options_are_no_log():
    spec = okta_argument_spec(app_id=dict(type="str"))
    assert spec["api_token"]["no_log"] and spec["private_key"]["no_log"]
    assert "app_id" in spec


@pytest.mark.parametrize("args, expected", [
    ({"org_url": "https://acme.okta.com"}, "OKTA_CLIENT_ID"),
    ({"api_token": TOKEN}, "org_url is required"),
    ({"org_url": "http://acme.okta.com", "api_token": TOKEN}, "use https"),
])
def test_bad_connection_options_fail_cleanly_before_any_request(capsys, make_module, args, expected):
    module = make_module(args)
    result = ended(capsys, module, lambda m: m.client and {})
    assert result["failed"] and expected in result["msg"]
    assert result["api_calls"] == {"total": 0} and result["changed"] is False
    assert "exception" not in result


def test_api_token_and_client_id_are_mutually_exclusive(capsys, monkeypatch, make_module):
    monkeypatch.setenv("OKTA_CLIENT_ID", "0oaservice")
    with pytest.raises(SystemExit):
        make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN})
    result = json.loads(capsys.readouterr().out)
    assert "mutually exclusive" in result["msg"] and "api_token" in result["msg"]


def test_validate_certs_false_warns(capsys, make_module):
    module = make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN, "validate_certs": False})
    result = ended(capsys, module, lambda m: m.client and {})
    assert "certificate is not checked" in json.dumps(result["warnings"])


def test_okta_errors_fail_with_their_fields_and_api_calls(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json(
        {"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"},
        status=403, headers={"X-Okta-Request-Id": "r403"})
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})
    result = ended(capsys, module, lambda m: find_app(m.client, app_id="0oa1"))
    assert result["msg"].startswith("Okta API error E0000006 (HTTP 403) on GET /api/v1/apps/0oa1")
    assert result["okta_error"]["request_id"] == "r403"
    assert result["api_calls"] == {"GET": 1, "total": 1} and result["changed"] is False


def test_app_lookup_errors_fail_with_their_message(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa9").respond_with_json({"errorCode": "E0000007"}, status=404)
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})
    result = ended(capsys, module, lambda m: find_app(m.client, app_id="0oa9"))
    assert "No Okta app with id '0oa9'" in result["msg"] and result["api_calls"]["total"] == 1


def test_a_domain_error_after_a_write_reports_changed(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa1", method="PUT").respond_with_json({"id": "0oa1"})
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})

    def work(m):
        m.client.put("/api/v1/apps/0oa1", json={})
        raise CollectionError("stopped after the write", admin_url="https://x/admin", fault_code=None)

    result = ended(capsys, module, work)
    assert result["msg"] == "stopped after the write" and result["admin_url"] == "https://x/admin"
    assert "fault_code" not in result
    assert result["changed"] is True and result["api_calls"] == {"PUT": 1, "total": 1}


def test_an_unexpected_exception_is_reported_as_a_bug_without_traceback_or_secret(capsys, httpserver, make_module):
    httpserver.expect_request("/api/v1/apps/0oa1", method="PUT").respond_with_json({"id": "0oa1"})
    module = make_module({"org_url": httpserver.url_for("/"), "api_token": TOKEN})

    def work(m):
        m.client.put("/api/v1/apps/0oa1", json={})
        raise KeyError(f"token {TOKEN} was here")

    result = ended(capsys, module, work)
    assert result["failed"] and result["changed"] is True
    assert "a bug" in result["msg"] and "KeyError" in result["msg"] and "in work" in result["msg"]
    assert "1 write(s) were accepted" in result["msg"] and "1 PUT" in result["msg"]
    assert TOKEN not in json.dumps(result)
    assert "exception" not in result


def test_an_unexpected_exception_before_any_write_says_nothing_was_written(capsys, make_module):
    module = make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN})
    result = ended(capsys, module, lambda m: {}["missing"])
    assert "Nothing was written to Okta" in result["msg"] and result["changed"] is False


@pytest.mark.parametrize("diff_mode", [False, True])
def test_diff_is_returned_only_in_diff_mode(capsys, make_module, diff_mode):
    module = make_module({"org_url": "https://acme.okta.com", "api_token": TOKEN, "_ansible_diff": diff_mode})
    result = ended(capsys, module, lambda m: {"changed": True, "diff": {"before": {"a": 1}, "after": {"a": 2}}})
    assert ("diff" in result) is diff_mode
    assert result["api_calls"] == {"total": 0}


USERS = dict(type="list", elements="dict", options=dict(login=dict(type="str"), id=dict(type="str"), username=dict(type="str")),
             required_one_of=[("login", "id")], mutually_exclusive=[("login", "id")])


def option_failure(capsys, make_module, args, **options):
    with pytest.raises(SystemExit):
        make_module(dict({"org_url": "https://acme.okta.com", "api_token": TOKEN}, **args), **options)
    return json.loads(capsys.readouterr().out)["msg"]


def test_a_typo_in_a_list_entry_names_the_entry_and_the_key(capsys, make_module):
    msg = option_failure(capsys, make_module, {"users": [{"login": "a@acme.com"}, {"logon": "b@acme.com"}]}, users=USERS)
    assert msg == ("Nothing was sent: users[1] has an unknown key 'logon' (did you mean 'login'?), and needs login or id; "
                   "each users entry takes id, login, username.")


def test_list_entry_problems_keep_the_other_option_errors(capsys, make_module):
    msg = option_failure(capsys, make_module, {"users": [{"login": "a@acme.com", "id": "00u1"}], "timeout": "soon"},
                         users=USERS)
    assert msg.startswith("Nothing was sent: users[0] gives both login and id: keep one; each users entry takes")
    assert "timeout" in msg and "int" in msg


def test_other_option_errors_are_ansibles_own(capsys, make_module):
    msg = option_failure(capsys, make_module, {"users": [{"login": "a@acme.com"}], "timeout": "soon"}, users=USERS)
    assert "users[" not in msg and "timeout" in msg
