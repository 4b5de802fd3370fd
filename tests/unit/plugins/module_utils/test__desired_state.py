"""Unit tests of the desired-state helpers: only set options are enforced, diffs never show secrets."""
from __future__ import annotations

import json

from ansible_collections.idm.okta_salesforce.plugins.module_utils._desired_state import (
    MASK,
    SECRET_WILL_BE_SENT,
    StateDiff,
    deep_merge,
    differences,
    drop_unset,
    managed_view,
    mask_secrets,
)

CURRENT_TO_APP = {
    "create_users": False,
    "update_user_attributes": True,
    "deactivate_users": False,
    "sync_password": {"enabled": False, "seed": "random", "change": "keep_existing"},
}


def test_drop_unset_removes_none_and_groups_left_empty():
    wanted = {"create_users": True, "deactivate_users": None,
              "sync_password": {"enabled": None, "seed": None, "change": None},
              "match": {"criteria": "email", "allow_partial": False}}
    assert drop_unset(wanted) == {"create_users": True, "match": {"criteria": "email", "allow_partial": False}}


def test_drop_unset_keeps_false_and_empty_strings():
    assert drop_unset({"a": False, "b": 0, "c": ""}) == {"a": False, "b": 0, "c": ""}


def test_differences_holds_only_the_wanted_values_that_differ():
    wanted = {"create_users": True, "update_user_attributes": True, "sync_password": {"seed": "okta"}}
    assert differences(wanted, CURRENT_TO_APP) == {"create_users": True, "sync_password": {"seed": "okta"}}


def test_differences_is_empty_when_everything_matches():
    wanted = {"update_user_attributes": True, "sync_password": {"enabled": False}}
    assert differences(wanted, CURRENT_TO_APP) == {}


def test_unset_options_are_never_enforced():
    # Nothing asked for: whatever the current state is, nothing differs.
    assert differences(drop_unset({"create_users": None, "sync_password": {"seed": None}}), CURRENT_TO_APP) == {}


def test_differences_against_missing_current_values():
    assert differences({"schedule": {"full": "0 2 * * *"}}, {}) == {"schedule": {"full": "0 2 * * *"}}
    assert differences({"username": "a@b.c"}, None) == {"username": "a@b.c"}


def test_managed_view_shows_current_values_of_the_managed_keys_only():
    wanted = {"create_users": True, "sync_password": {"seed": "okta"}}
    assert managed_view(CURRENT_TO_APP, wanted) == {"create_users": False, "sync_password": {"seed": "random"}}
    assert managed_view(None, {"match": {"criteria": "email"}}) == {"match": {"criteria": None}}


def test_deep_merge_writes_the_patch_over_a_copy():
    merged = deep_merge(CURRENT_TO_APP, {"create_users": True, "sync_password": {"seed": "okta"}})
    assert merged["create_users"] is True
    assert merged["sync_password"] == {"enabled": False, "seed": "okta", "change": "keep_existing"}
    assert CURRENT_TO_APP["create_users"] is False
    assert CURRENT_TO_APP["sync_password"]["seed"] == "random"


def test_mask_secrets_masks_values_under_secret_keys_at_any_depth():
    value = {"connection": {"username": "okta.api@acme.com", "credentials": "Pa55word!tok3n",
                            "nested": [{"token": "abc123def456"}]}}
    masked = mask_secrets(value)
    assert masked == {"connection": {"username": "okta.api@acme.com", "credentials": MASK,
                                     "nested": [{"token": MASK}]}}
    assert "Pa55word" not in json.dumps(masked)
    assert value["connection"]["credentials"] == "Pa55word!tok3n"  # the input is not changed


def test_mask_secrets_keeps_markers_and_absent_values():
    assert mask_secrets({"credentials": SECRET_WILL_BE_SENT}) == {"credentials": SECRET_WILL_BE_SENT}
    assert mask_secrets({"credentials": None}) == {"credentials": None}


def test_state_diff_records_sections_and_reports_change():
    diff = StateDiff()
    diff.record("to_app", {"create_users": False}, {"create_users": False})
    assert not diff.changed
    diff.record("connection", {"status": "DISABLED", "credentials": None},
                {"status": "ENABLED", "credentials": SECRET_WILL_BE_SENT})
    assert diff.changed
    assert diff.as_dict() == {
        "before": {"to_app": {"create_users": False}, "connection": {"status": "DISABLED", "credentials": None}},
        "after": {"to_app": {"create_users": False}, "connection": {"status": "ENABLED", "credentials": SECRET_WILL_BE_SENT}},
    }


def test_state_diff_never_holds_a_secret_given_by_mistake():
    diff = StateDiff()
    diff.record("connection", {"credentials": "old-secret-value"}, {"credentials": "new-secret-value"})
    text = json.dumps(diff.as_dict())
    assert "secret-value" not in text
    # Both sides are the same fixed mask: a real change of secret shows as a marker, not as a value.
    assert diff.as_dict()["after"]["connection"]["credentials"] == MASK


def test_state_diff_record_replaces_a_section():
    diff = StateDiff()
    diff.record("to_okta", {"username_format": "email"}, {"username_format": "custom"})
    diff.record("to_okta", {"username_format": "custom"}, {"username_format": "custom"})
    assert not diff.changed
