"""okta_sf_provisioning_info's main(): read-only, never changed, one result shape."""
from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import AppLookupError
from ansible_collections.idm.okta_salesforce.plugins.modules import okta_sf_provisioning_info as module

from .conftest import OKTA


def test_reads_the_app_named_and_never_reports_changed(run_main, monkeypatch):
    seen = []

    def read(client, **named):
        seen.append(named)
        return {"apps": [{"app": {"id": "0oa1", "instance_type": "production"}}]}

    monkeypatch.setattr(module, "read_provisioning_info", read)
    result = run_main(module, dict(OKTA, app_label="Salesforce.com", assignment_counts=False, _ansible_check_mode=True))
    assert seen == [{"app_id": None, "app_label": "Salesforce.com", "with_assignments": False}]
    assert result["changed"] is False and result["apps"][0]["app"]["id"] == "0oa1"
    assert result["api_calls"] == {"total": 0}


def test_app_id_and_app_label_are_exclusive(run_main):
    result = run_main(module, dict(OKTA, app_id="0oa1", app_label="Salesforce.com"))
    assert result["failed"] and "mutually exclusive" in result["msg"]


def test_a_missing_app_fails_with_the_lookup_message(run_main, monkeypatch):
    def read(client, **named):
        raise AppLookupError("No 'salesforce' app labelled 'X'")

    monkeypatch.setattr(module, "read_provisioning_info", read)
    result = run_main(module, dict(OKTA, app_label="X"))
    assert result["failed"] and result["msg"] == "No 'salesforce' app labelled 'X'" and result["changed"] is False
