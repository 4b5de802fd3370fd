"""Unit tests of the To App / To Okta vocabulary mapping and of the checks made before any request."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _provisioning_settings as ps

# Okta's example answers (OpenAPI spec 2026.06.3, UpdateAppFeatureResponseEx / UpdateInboundProvisioningFeatureResponseEx).
USER_PROVISIONING_EXAMPLE = {
    "create": {"lifecycleCreate": {"status": "ENABLED"}},
    "update": {"lifecycleDeactivate": {"status": "ENABLED"}, "profile": {"status": "ENABLED"},
               "password": {"status": "ENABLED", "seed": "RANDOM", "change": "CHANGE"}},
}
INBOUND_EXAMPLE = {
    "importSettings": {
        "username": {"userNameFormat": "EMAIL"},
        "schedule": {"status": "ENABLED",
                     "fullImport": {"expression": "0 0 * * 0", "timezone": "America/New_York"},
                     "incrementalImport": {"expression": "0 */3 * * *", "timezone": "America/New_York"}},
    },
    "importRules": {"userCreateAndMatch": {
        "exactMatchCriteria": "EMAIL", "allowPartialMatch": False, "autoConfirmPartialMatch": False,
        "autoConfirmExactMatch": True, "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
}


# Okta's defaults for a feature nobody has set yet (every status DISABLED, seed RANDOM, ...).
DEFAULT_TO_APP = {
    "create_users": False,
    "update_user_attributes": False,
    "deactivate_users": False,
    "sync_password": {"enabled": False, "seed": "random", "change": "keep_existing"},
}
DEFAULT_TO_OKTA = {
    "schedule": {"enabled": False, "full": None, "incremental": None, "timezone": None},
    "username_format": "email",
    "username_expression": None,
    "match": {
        "criteria": "email",
        "allow_partial": False,
        "auto_confirm_exact": False,
        "auto_confirm_partial": False,
        "auto_confirm_new": False,
        "auto_activate_new": False,
    },
}


def test_to_app_view_of_okta_example():
    assert ps.to_app_view(USER_PROVISIONING_EXAMPLE) == {
        "create_users": True, "update_user_attributes": True, "deactivate_users": True,
        "sync_password": {"enabled": True, "seed": "random", "change": "change"},
    }


def test_to_app_view_of_nothing_is_okta_defaults():
    assert ps.to_app_view(None) == DEFAULT_TO_APP
    assert ps.to_okta_view(None) == DEFAULT_TO_OKTA


def test_user_provisioning_body_is_partial():
    assert ps.user_provisioning_body({"create_users": True}) == {"create": {"lifecycleCreate": {"status": "ENABLED"}}}
    assert ps.user_provisioning_body({"deactivate_users": False, "sync_password": {"seed": "okta"}}) == {
        "update": {"lifecycleDeactivate": {"status": "DISABLED"}, "password": {"seed": "OKTA"}}}


def test_user_provisioning_round_trip():
    view = {"create_users": True, "update_user_attributes": False, "deactivate_users": True,
            "sync_password": {"enabled": True, "seed": "okta", "change": "keep_existing"}}
    assert ps.to_app_view(ps.user_provisioning_body(view)) == view


def test_to_okta_view_reads_both_spellings_of_the_username_format():
    view = ps.to_okta_view(INBOUND_EXAMPLE)
    assert view["username_format"] == "email"
    assert view["schedule"] == {"enabled": True, "full": "0 0 * * 0", "incremental": "0 */3 * * *",
                                "timezone": "America/New_York"}
    assert view["match"]["auto_confirm_exact"] is True and view["match"]["criteria"] == "email"
    custom = {"importSettings": {"username": {"usernameFormat": "CUSTOM", "userNameExpression": "source.email"}}}
    assert ps.to_okta_view(custom)["username_format"] == "custom"
    assert ps.to_okta_view(custom)["username_expression"] == "source.email"


def test_inbound_body_is_complete_and_sends_username_format():
    view = ps.to_okta_view(INBOUND_EXAMPLE)
    view["username_format"] = "custom"
    view["username_expression"] = "source.userName"
    body = ps.inbound_provisioning_body(view)
    assert body["importSettings"]["username"] == {"usernameFormat": "CUSTOM", "userNameExpression": "source.userName"}
    assert "userNameFormat" not in body["importSettings"]["username"]
    assert set(body) == {"importSettings", "importRules"}
    assert body["importRules"]["userCreateAndMatch"]["autoConfirmExactMatch"] is True
    assert ps.to_okta_view(body) == view


def test_inbound_body_without_schedule_sends_null_imports():
    body = ps.inbound_provisioning_body(DEFAULT_TO_OKTA)
    assert body["importSettings"]["schedule"] == {"status": "DISABLED", "fullImport": None, "incrementalImport": None}


def test_two_different_time_zones_show_both_and_are_kept_when_not_managed():
    caps = {"importSettings": {"schedule": {
        "status": "ENABLED",
        "fullImport": {"expression": "0 0 * * 0", "timezone": "UTC"},
        "incrementalImport": {"expression": "0 * * * *", "timezone": "Europe/Paris"}}}}
    view = ps.to_okta_view(caps)
    assert view["schedule"]["timezone"] == "UTC (full) / Europe/Paris (incremental)"
    view["schedule"]["full"] = "0 1 * * 0"
    schedule = ps.inbound_provisioning_body(view, caps)["importSettings"]["schedule"]
    assert schedule["fullImport"] == {"expression": "0 1 * * 0", "timezone": "UTC"}
    assert schedule["incrementalImport"] == {"expression": "0 * * * *", "timezone": "Europe/Paris"}


def test_to_app_from_features_array():
    assert ps.to_app_from_features(["PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION", "IMPORT_NEW_USERS"]) == {
        "create_users": True, "update_user_attributes": False, "deactivate_users": True,
        "sync_password": {"enabled": False}}


def test_giving_an_expression_turns_the_schedule_on_unless_told_otherwise():
    assert ps.wanted_to_okta({"schedule": {"full": "0 2 * * *"}})["schedule"]["enabled"] is True
    assert ps.wanted_to_okta({"schedule": {"full": "0 2 * * *", "enabled": False}})["schedule"]["enabled"] is False
    assert ps.wanted_to_okta({"schedule": {"timezone": "UTC"}}) == {"schedule": {"timezone": "UTC"}}


@pytest.mark.parametrize("expression", [
    "0 2 * * 0", "*/15 * * * *", "0 0 1,15 * *", "30 8-18/2 * JAN-MAR mon-fri", "0 0 * * 7", "00 21 * * Mon,Thu,Fri,Sat",
])
def test_valid_cron_expressions(expression):
    assert ps.cron_problem(expression) is None


@pytest.mark.parametrize("expression, words", [
    ("0 2 * *", "4 fields"),
    ("0 2 * * * *", "6 fields"),
    ("60 2 * * *", "minute"),
    ("0 24 * * *", "hour"),
    ("0 0 0 * *", "day of month"),
    ("0 0 * 13 *", "month"),
    ("0 0 * * 8", "day of week"),
    ("*/0 * * * *", "step of 0"),
    ("0 5-2 * * *", "backwards"),
    ("0 2 * * ?", "not valid cron syntax"),
    ("@daily", "1 fields"),
])
def test_invalid_cron_expressions_say_what_is_wrong(expression, words):
    assert words in ps.cron_problem(expression)


def test_time_zones_must_be_iana_names():
    assert ps.timezone_problem("Europe/Paris") is None
    assert ps.timezone_problem("UTC") is None
    assert "IANA" in ps.timezone_problem("Mars/Olympus_Mons")
    assert "IANA" in ps.timezone_problem("../etc/passwd")


def test_check_to_okta_lists_every_problem_at_once():
    with pytest.raises(ps.SettingsInputError) as raised:
        ps.check_to_okta({"schedule": {"full": "0 2 * *", "incremental": "0 */4 * * *", "timezone": "Paris"},
                          "username_format": "email", "username_expression": "source.email"})
    message = str(raised.value)
    assert "to_okta.schedule.full '0 2 * *'" in message
    assert "to_okta.schedule.timezone 'Paris'" in message
    assert "username_expression is only used with to_okta.username_format=custom" in message
    assert "incremental" not in message.split("to_okta.schedule.full", maxsplit=1)[0]


def test_check_resulting_to_okta_needs_an_expression_for_a_timezone():
    view = ps.wanted_to_okta(DEFAULT_TO_OKTA)
    view = dict(view, schedule=dict(view["schedule"], timezone="UTC"))
    with pytest.raises(ps.SettingsInputError, match="timezone applies"):
        ps.check_resulting_to_okta(view)
