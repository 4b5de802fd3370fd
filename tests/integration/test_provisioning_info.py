"""okta_sf_provisioning_info: one app, every Salesforce app, provisioning off, a published-API-only org, check mode.

Real ansible-playbook runs against the simulator. What the module reports is compared with what the
simulator holds, and the requests it sent are counted from the simulator's request log.
"""
from __future__ import annotations

import copy
import math
from urllib.parse import parse_qs

import yaml

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_provisioning_helpers import (
    API_USER,
    SALESFORCE_APP,
    SANDBOX_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    enable_by_hand,
    task,
)

MODULE = "idm.okta_salesforce.okta_sf_provisioning_info"
PARTNER_APP = "0oasalesforce0003"
DEEP_LINK = "/admin/app/salesforce/instance/{}/#tab-user-management"
NOT_IN_FEATURES_ARRAY = ["to_app.sync_password.seed", "to_app.sync_password.change", "to_okta"]

# The To App and To Okta views of WANTED_USER_PROVISIONING / WANTED_INBOUND_PROVISIONING, written out by hand.
TO_APP = {"create_users": True, "update_user_attributes": True, "deactivate_users": True,
          "sync_password": {"enabled": False, "seed": "random", "change": "keep_existing"}}
TO_OKTA = {
    "schedule": {"enabled": True, "full": "0 2 * * 0", "incremental": "0 */4 * * *", "timezone": "Europe/Paris"},
    "username_format": "email",
    "username_expression": None,
    "match": {"criteria": "email", "allow_partial": False, "auto_confirm_exact": True, "auto_confirm_partial": False,
              "auto_confirm_new": False, "auto_activate_new": False},
}


def info(name="info", **options):
    return task(name, module=MODULE, **options)


def seed(groups=0, users=60, salesforce_assignments=None, extra_apps=()):
    """The default seed with generated groups and users, assignments on the Salesforce app, and more apps."""
    data = copy.deepcopy(yaml.safe_load(DEFAULT_SEED.read_text()))
    data["okta"]["generate_users"]["count"] = users
    if groups:
        data["okta"]["generate_groups"] = {"count": groups, "name_pattern": "Team {n:03d}"}
    for app in data["okta"]["apps"]:
        if app["id"] == SALESFORCE_APP and salesforce_assignments:
            app["assignments"] = salesforce_assignments
    data["okta"]["apps"].extend(copy.deepcopy(list(extra_apps)))
    return data


# Sales (user0001..0010) through its group; user0001 also directly, and user0021..0023 directly.
ASSIGNMENTS = {
    "groups": [{"name": "Sales", "priority": 0}],
    "users": [{"login": "user0001@acme.com"}, {"login": "user0021@acme.com"}, {"login": "user0022@acme.com"},
              {"login": "user0023@acme.com"}],
}
PARTNER = {"id": PARTNER_APP, "name": "salesforce", "label": "Salesforce Partners", "signOnMode": "SAML_2_0",
           "settings": {"app": {"instanceType": "PRODUCTION", "integrationType": "PORTAL"}}}


def api_log(simulator):
    return [entry for entry in simulator.request_log() if entry["path"].startswith("/api/")]


def scopes_held(simulator, app_id):
    """(users with scope USER, users with scope GROUP, groups) as the simulator holds them."""
    okta = simulator.state()["okta"]
    records = okta["app_users"][app_id].values()
    return (sum(1 for r in records if r["scope"] == "USER"), sum(1 for r in records if r["scope"] == "GROUP"),
            len(okta["app_groups"][app_id]))


def test_one_app_by_label_and_by_id(simulator, run_playbook):
    simulator.reset(seed(salesforce_assignments=ASSIGNMENTS))
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.clear_log()

    run = run_playbook([info("by label", app_label="Salesforce.com"), info("by id", app_id=SALESFORCE_APP)])
    assert run.rc == 0, run.stdout
    by_label, by_id = run.result("by label"), run.result("by id")
    assert by_label["changed"] is False and run.status("by label") == "ok"
    assert len(by_label["apps"]) == 1
    assert by_label["apps"] == by_id["apps"]
    entry = by_label["apps"][0]
    assert entry["app"]["id"] == SALESFORCE_APP
    assert entry["app"]["label"] == "Salesforce.com"
    assert (entry["app"]["name"], entry["app"]["status"]) == ("salesforce", "ACTIVE")
    assert (entry["app"]["instance_type"], entry["app"]["integration_type"]) == ("production", "standard")
    assert entry["app"]["admin_url"].endswith(DEEP_LINK.format(SALESFORCE_APP))
    assert entry["connection"] == {"status": "ENABLED", "auth_scheme": "TOKEN", "username": API_USER,
                                   "allow_push_null_values": False, "exposed": True, "version": "password_token",
                                   "consumer_key": None, "consent": None, "consent_url": None}
    assert entry["settings_source"] == "features_api"
    assert entry["to_app"] == TO_APP
    assert entry["to_okta"] == TO_OKTA
    assert entry["unverified"] == [] and entry["unverified_reason"] is None
    assert {"PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES", "PUSH_USER_DEACTIVATION"} <= set(entry["features"])
    assert "PUSH_PASSWORD_UPDATES" not in entry["features"]
    # user0001 is in Sales and assigned directly: a USER; Sales' nine others only through the group.
    assert entry["assignments"] == {"users_direct": 4, "users_group": 9, "groups": 1}
    assert scopes_held(simulator, SALESFORCE_APP) == (4, 9, 1)
    assert simulator.writes() == []


def test_every_salesforce_app_of_the_org(simulator, run_playbook):
    # Three Salesforce apps (one enabled by hand, two not) and a bookmark app that must not be listed.
    simulator.reset(seed(salesforce_assignments=ASSIGNMENTS, extra_apps=[PARTNER]))
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.clear_log()

    run = run_playbook([info("all"), info("all, no counts", assignment_counts=False)])
    assert run.rc == 0, run.stdout
    apps = run.result("all")["apps"]
    assert [entry["app"]["id"] for entry in apps] == [SALESFORCE_APP, SANDBOX_APP, PARTNER_APP]
    enabled, sandbox, partner = apps
    assert enabled["connection"]["status"] == "ENABLED" and enabled["settings_source"] == "features_api"
    assert enabled["assignments"] == {"users_direct": 4, "users_group": 9, "groups": 1}
    assert sandbox["app"]["instance_type"] == "sandbox"
    assert partner["app"]["integration_type"] == "portal"
    for entry in (sandbox, partner):
        assert entry["connection"]["status"] == "DISABLED" and entry["connection"]["exposed"] is True
        assert entry["settings_source"] == "app_features"
        assert entry["assignments"] == {"users_direct": 0, "users_group": 0, "groups": 0}
    assert [entry["assignments"] for entry in run.result("all, no counts")["apps"]] == [None, None, None]

    # The list of apps asked Okta for Salesforce apps only; no counts means no user or group listing.
    listings = [entry for entry in api_log(simulator) if entry["path"] == "/api/v1/apps"]
    assert len(listings) == 2
    assert [parse_qs(entry["query"]) for entry in listings] == [{"filter": ['name eq "salesforce"'], "limit": ["200"]}] * 2
    second_run = api_log(simulator)[api_log(simulator).index(listings[1]):]
    assert not [entry for entry in second_run if entry["path"].endswith(("/users", "/groups"))]


def test_provisioning_off(simulator, run_playbook):
    # The seed's app: API integration never saved, so Okta's features API answers 400.
    run = run_playbook([info(app_id=SALESFORCE_APP)])
    assert run.rc == 0, run.stdout
    entry = run.result("info")["apps"][0]
    assert entry["connection"] == {"status": "DISABLED", "auth_scheme": "TOKEN", "username": None,
                                   "allow_push_null_values": None, "exposed": True, "version": "password_token",
                                   "consumer_key": None, "consent": None, "consent_url": None}
    assert entry["features"] == []
    assert entry["settings_source"] == "app_features"
    assert entry["to_app"] == {"create_users": False, "update_user_attributes": False, "deactivate_users": False,
                               "sync_password": {"enabled": False}}
    assert entry["to_okta"] is None
    assert entry["unverified"] == NOT_IN_FEATURES_ARRAY
    assert "HTTP 400 E0000001" in entry["unverified_reason"]
    assert "Provisioning is not enabled for the app instance" in entry["unverified_reason"]
    assert "request id" in entry["unverified_reason"]
    features_calls = [e for e in api_log(simulator) if "/features/" in e["path"]]
    assert [(e["status"], e["path"].rsplit("/", 1)[1]) for e in features_calls] == [(400, "USER_PROVISIONING")]


def test_published_api_only_org(simulator, run_playbook):
    # Provisioning was enabled by hand in the Admin Console; the org's API does not show the connection.
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.configure(published_api_only=True)
    simulator.clear_log()

    run = run_playbook([info(app_label="Salesforce.com")])
    assert run.rc == 0, run.stdout
    entry = run.result("info")["apps"][0]
    assert entry["connection"]["exposed"] is False
    assert (entry["connection"]["status"], entry["connection"]["auth_scheme"]) == ("UNKNOWN", "UNKNOWN")
    assert entry["connection"]["username"] is None
    assert entry["settings_source"] == "app_features"
    # What the features array shows: users created, updated, deactivated; no password push.
    assert entry["to_app"] == {"create_users": True, "update_user_attributes": True, "deactivate_users": True,
                               "sync_password": {"enabled": False}}
    assert entry["to_okta"] is None
    assert entry["unverified"] == ["connection"] + NOT_IN_FEATURES_ARRAY
    assert "authScheme UNKNOWN" in entry["unverified_reason"]
    assert "HTTP 400" in entry["unverified_reason"]
    assert simulator.writes() == []


def test_missing_and_ambiguous_apps_fail_naming_the_candidates(simulator, run_playbook):
    twin = dict(PARTNER, label="Salesforce.com")
    simulator.reset(seed(extra_apps=[twin]))

    run = run_playbook([
        info("missing", ignore_errors=True, app_label="Salesforce Production"),
        info("ambiguous", ignore_errors=True, app_label="Salesforce.com"),
        info("not salesforce", ignore_errors=True, app_id="0oabookmark00001"),
        info("both names", ignore_errors=True, app_id=SALESFORCE_APP, app_label="Salesforce.com"),
    ])
    assert run.rc == 0, run.stdout
    missing = run.result("missing")
    assert run.status("missing") == "failed"
    assert "No 'salesforce' app labelled 'Salesforce Production'" in missing["msg"]
    assert SALESFORCE_APP in missing["msg"] and SANDBOX_APP in missing["msg"]
    assert missing["api_calls"]["total"] == 1
    ambiguous = run.result("ambiguous")
    assert run.status("ambiguous") == "failed"
    assert "2 'salesforce' apps are labelled 'Salesforce.com'" in ambiguous["msg"]
    assert SALESFORCE_APP in ambiguous["msg"] and PARTNER_APP in ambiguous["msg"]
    assert run.status("not salesforce") == "failed"
    assert "is a 'bookmark' app" in run.result("not salesforce")["msg"]
    assert run.status("both names") == "failed"
    assert "mutually exclusive" in run.result("both names")["msg"]


def test_check_mode_reads_only_and_pages_through_large_assignments(simulator, run_playbook):
    groups, members = 230, 1100
    assignments = {"groups": [{"name": f"Team {n:03d}"} for n in range(1, groups + 1)] + [{"name": "Everyone"}]}
    data = seed(groups=groups, users=1200, salesforce_assignments=assignments)
    data["okta"]["groups"].append({"name": "Everyone", "members": {"generated": [1, members]}})
    simulator.reset(data)
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING, inbound=WANTED_INBOUND_PROVISIONING)
    simulator.clear_log()

    run = run_playbook([info(app_label="Salesforce.com")], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.result("info")
    assert result["changed"] is False and run.status("info") == "ok"
    assert result["diff"] == {"before": {}, "after": {}}   # diff mode: read-only, so nothing before or after
    entry = result["apps"][0]
    assert entry["assignments"] == {"users_direct": 0, "users_group": members, "groups": groups + 1}
    assert scopes_held(simulator, SALESFORCE_APP) == (0, members, groups + 1)

    # Counted from the simulator's log: only GETs, and exactly the reads the module documents.
    log = api_log(simulator)
    assert {entry["method"] for entry in log} == {"GET"}
    assert all(entry["status"] == 200 for entry in log)
    user_pages = [e for e in log if e["path"] == f"/api/v1/apps/{SALESFORCE_APP}/users"]
    group_pages = [e for e in log if e["path"] == f"/api/v1/apps/{SALESFORCE_APP}/groups"]
    assert len(user_pages) == math.ceil(members / 500) == 3
    assert len(group_pages) == math.ceil((groups + 1) / 200) == 2
    # The app list, the connection, the two features, then the user and group pages.
    assert len(log) == 1 + 1 + 2 + len(user_pages) + len(group_pages) == 9
    assert result["api_calls"] == {"GET": len(log), "total": len(log)}
