"""okta_app_assignment's main(): per-entry option checks by Ansible, the app found, one result shape."""
from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignments import AssignmentWritesFailed
from ansible_collections.idm.okta_salesforce.plugins.modules import okta_app_assignment as module

from .conftest import OKTA


def fake(monkeypatch, answer, seen):
    monkeypatch.setattr(module, "find_app", lambda client, **named: seen.append(("find_app", named)) or {"id": "0oa1"})

    def reconcile(client, app, request, check_mode=False):
        seen.append(("reconcile", app, request, check_mode))
        if isinstance(answer, Exception):
            raise answer
        return dict(answer)

    monkeypatch.setattr(module, "reconcile_assignments", reconcile)


def test_a_user_entry_needs_login_or_id(run_main, monkeypatch):
    seen = []
    fake(monkeypatch, {}, seen)
    result = run_main(module, dict(OKTA, app_id="0oa1", users=[{"username": "x"}]))
    assert result["failed"] and "users[0] needs login or id" in result["msg"] and seen == []


def test_request_reaches_the_reconciler_and_the_diff_shows_in_diff_mode(run_main, monkeypatch):
    seen = []
    fake(monkeypatch, {"changed": True, "added": ["a@acme.com"], "diff": {"before": {}, "after": {"users": ["a"]}}}, seen)
    result = run_main(module, dict(OKTA, app_label="Salesforce.com", users=[{"login": "a@acme.com"}], exclusive=True,
                                   _ansible_diff=True))
    assert seen[0] == ("find_app", {"app_id": None, "app_label": "Salesforce.com", "app_name": "salesforce"})
    _step, app, request, check_mode = seen[1]
    assert app == {"id": "0oa1"} and request.exclusive is True and request.users[0]["login"] == "a@acme.com"
    assert result["changed"] is True and result["diff"]["after"] == {"users": ["a"]}
    assert result["api_calls"] == {"total": 0}


def test_failed_writes_fail_the_task_with_the_whole_result(run_main, monkeypatch):
    seen = []
    failed = AssignmentWritesFailed("1 assignment write(s) failed", added=["a@acme.com"], failures=[{"user": "b"}])
    fake(monkeypatch, failed, seen)
    result = run_main(module, dict(OKTA, app_id="0oa1", users=[{"login": "a@acme.com"}, {"login": "b@acme.com"}]))
    assert result["failed"] and result["failures"] == [{"user": "b"}] and result["added"] == ["a@acme.com"]
    assert result["msg"] == "1 assignment write(s) failed"
