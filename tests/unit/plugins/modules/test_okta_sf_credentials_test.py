"""okta_sf_credentials_test's main(): options checked before anything is sent, one result shape, never changed."""
from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import CredentialsReport, Check
from ansible_collections.idm.okta_salesforce.plugins.modules import okta_sf_credentials_test as module

from .conftest import warning_texts

SF = {"sf_username": "okta.api@acme.com", "sf_password": "Pa55word", "sf_security_token": "T0ken"}


def report_with(*checks):
    report = CredentialsReport()
    report.checks.extend(checks)
    return report


def test_bad_salesforce_options_fail_before_anything_is_sent(run_main, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the credentials test ran")

    monkeypatch.setattr(module, "run_credentials_test", must_not_run)
    result = run_main(module, dict(SF, sf_domain="https://"))
    assert result["failed"] and "sf_domain" in result["msg"] and result["changed"] is False
    assert result["api_calls"] == {"total": 0}


def test_app_id_without_okta_options_says_what_to_set(run_main):
    result = run_main(module, dict(SF, app_id="0oa1"))
    assert result["failed"] and "set org_url" in result["msg"]


def test_a_failed_check_fails_with_the_report_and_fail_on_warn_does_not(run_main, monkeypatch):
    failing = report_with(Check("login", "fail", "Salesforce refused the login with INVALID_LOGIN.", "Check sf_password."))
    monkeypatch.setattr(module, "run_credentials_test", lambda params, okta_app=None: failing)
    result = run_main(module, dict(SF))
    assert result["failed"] and result["passed"] is False and result["checks"][0]["name"] == "login"
    assert "INVALID_LOGIN" in result["msg"] and result["changed"] is False
    warned = run_main(module, dict(SF, fail_on="warn", _ansible_diff=True))
    assert not warned.get("failed") and warned["passed"] is False and warned["diff"] == {"before": {}, "after": {}}
    assert any("login failed" in text for text in warning_texts(warned))
    assert "Pa55word" not in str(result) + str(warned)
