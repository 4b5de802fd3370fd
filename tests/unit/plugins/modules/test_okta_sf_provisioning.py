"""okta_sf_provisioning's main(): options checked by Ansible, the reconciler called once, one result shape."""
from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._provisioning import ProvisioningError
from ansible_collections.idm.okta_salesforce.plugins.modules import okta_sf_provisioning as module

from .conftest import OKTA, TOKEN, warning_texts


class FakeReconciler:
    """Stands for ProvisioningReconciler: records what main() gave it and answers a canned result."""
    seen = []
    answer = {}

    def __init__(self, client, wanted, check_mode=False):
        FakeReconciler.seen.append((client, wanted, check_mode))

    def run(self):
        return dict(FakeReconciler.answer)


class FailingReconciler(FakeReconciler):
    error = ProvisioningError("not set")

    def run(self):
        raise FailingReconciler.error


def fake(monkeypatch, answer):
    FakeReconciler.seen = []
    if isinstance(answer, Exception):
        FailingReconciler.error = answer
        monkeypatch.setattr(module, "ProvisioningReconciler", FailingReconciler)
    else:
        FakeReconciler.answer = answer
        monkeypatch.setattr(module, "ProvisioningReconciler", FakeReconciler)


def test_app_id_or_app_label_is_required(run_main, monkeypatch):
    fake(monkeypatch, {})
    result = run_main(module, dict(OKTA))
    assert result["failed"] and "one of the following is required: app_id, app_label" in result["msg"]
    assert FakeReconciler.seen == []


def test_the_password_and_token_are_joined_once_and_never_returned(run_main, monkeypatch):
    fake(monkeypatch, {"changed": True, "diff": {"before": {}, "after": {"a": 1}}, "warnings": ["careful"]})
    result = run_main(module, dict(OKTA, app_label="Salesforce.com", sf_username="api@acme.com",
                                   sf_password="Pa55word", sf_security_token="T0ken", _ansible_check_mode=True))
    (client, wanted, check_mode), = FakeReconciler.seen
    assert wanted.secret == "Pa55wordT0ken" and check_mode is True and client.org_url == OKTA["org_url"]
    assert result["changed"] is True and "diff" not in result and warning_texts(result) == ["careful"]
    assert result["api_calls"] == {"total": 0}
    assert "Pa55word" not in str(result) and TOKEN not in str(result)


def test_a_bad_to_okta_fails_before_the_reconciler_runs(run_main, monkeypatch):
    fake(monkeypatch, {})
    result = run_main(module, dict(OKTA, app_id="0oa1", to_okta={"schedule": {"full": "61 * * * *"}}))
    assert result["failed"] and "to_okta.schedule.full" in result["msg"] and result["changed"] is False
    assert FakeReconciler.seen == []


def test_a_provisioning_error_fails_with_its_fields(run_main, monkeypatch):
    fake(monkeypatch, ProvisioningError("Provisioning is not enabled", admin_url="https://acme-admin.okta.com/x"))
    result = run_main(module, dict(OKTA, app_id="0oa1", _ansible_diff=True))
    assert result["failed"] and result["msg"] == "Provisioning is not enabled"
    assert result["admin_url"] == "https://acme-admin.okta.com/x" and result["changed"] is False
    assert result["api_calls"] == {"total": 0} and "exception" not in result
