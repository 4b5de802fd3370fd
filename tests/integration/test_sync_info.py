"""okta_sf_sync_info: a clean org reports nothing; every planted disagreement is found, exactly; reads only.

Real ansible-playbook runs against the simulator. Assignments go through Okta's API (okta_app_assignment) or the
simulator's bulk call, and the simulator pushes each one to its Salesforce org as Okta would, so both sides agree
until a control call plants a disagreement; the planted keys are what the module must report.
"""
from __future__ import annotations

import math

from tests.integration.test_provisioning_helpers import (
    API_USER,
    SALESFORCE_APP,
    WANTED_USER_PROVISIONING,
    credentials,
    enable_by_hand,
    task,
)

MODULE = "idm.okta_salesforce.okta_sf_sync_info"
# The seed's other Salesforce users, active and standard, that Okta never assigned (admin@acme.com: the admin
# session's user): the allow-list of these tests.
OTHER_SF_USERS = ["okta.permset@acme.com", "okta.sso@acme.com", "admin@acme.com"]
ALL_CATEGORIES = ["missing_in_salesforce", "inactive_in_salesforce", "profile_or_role_differs", "unassigned_in_okta",
                  "okta_sync_problems", "in_sync"]


def sync(name="sync", **options):
    args = {"app_label": "Salesforce.com", "sf_username": API_USER, "sf_password": "{{ sf_password }}",
            "sf_security_token": "{{ sf_security_token }}", "sf_login_url": "{{ sf_url }}",
            "sf_ca_path": "{{ sf_ca }}", "ignore_usernames": OTHER_SF_USERS}
    args.update(options)
    return task(name, module=MODULE, **args)


def extra(simulator):
    return dict(credentials(simulator), sf_url=simulator.url, sf_ca=simulator.ca_path)


def only_reads(simulator):
    """(method, path) of every request that is not a read: only the one Salesforce login may be there."""
    return [(e["method"], e["path"]) for e in simulator.request_log()
            if e["method"] != "GET" and not e["path"].startswith("/services/Soap/u/")]


def usernames(result, category):
    return sorted(entry["username"] for entry in result["users"][category])


def test_clean_org_reports_nothing_and_only_reads(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    assign = task("assign", module="idm.okta_salesforce.okta_app_assignment", app_label="Salesforce.com",
                  users=[{"login": f"user{n:04d}@acme.com", "profile": {"profile": "Standard User", "role": "Sales"}}
                         for n in range(21, 31)],
                  groups=[{"name": "Sales", "profile": {"profile": "Standard User"}}])
    assert run_playbook([assign]).rc == 0
    salesforce = simulator.state()["salesforce"]["users"]
    assert salesforce["user0021@acme.com"]["role"] == "Sales" and salesforce["user0005@acme.com"]["is_active"]
    simulator.clear_log()

    run = run_playbook([sync(include=ALL_CATEGORIES)], extra_vars=extra(simulator), check=True)

    assert run.rc == 0, run.output
    result = run.result("sync")
    assert result["changed"] is False
    assert result["healthy"] is True
    assert result["counts"] == {"missing_in_salesforce": 0, "inactive_in_salesforce": 0, "profile_or_role_differs": 0,
                                "unassigned_in_okta": 0, "okta_sync_problems": 0, "in_sync": 20,
                                "okta_app_users": 20, "salesforce_users": 24, "ignored": 4}
    assert usernames(result, "in_sync") == sorted(f"user{n:04d}@acme.com" for n in range(1, 11)) + \
        [f"user{n:04d}@acme.com" for n in range(21, 31)]
    assert only_reads(simulator) == []
    assert len(simulator.salesforce_logins(API_USER, channel="soap_login")) == 1
    assert result["salesforce_calls"] == {"GET": 2, "POST": 1, "total": 3}   # describe + one query batch


def test_finds_exactly_every_planted_disagreement(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    assert simulator.assign_with_provisioning(SALESFORCE_APP, 50, {"profile": "Standard User", "role": "Sales"}) == 50
    planted = {kind: simulator.plant_drift(SALESFORCE_APP, kind, count) for kind, count in (
        ("missing_in_salesforce", 2), ("inactive_in_salesforce", 3), ("profile_differs", 2), ("role_differs", 2),
        ("unassigned_in_okta", 4), ("sync_error", 1), ("out_of_sync", 1), ("not_provisioned", 2))}
    break_glass = planted["unassigned_in_okta"][0]
    simulator.clear_log()

    run = run_playbook([sync(include=ALL_CATEGORIES, ignore_usernames=OTHER_SF_USERS + [break_glass.upper()])],
                       extra_vars=extra(simulator))

    assert run.rc == 0, run.output
    result = run.result("sync")
    assert result["healthy"] is False and result["changed"] is False
    assert usernames(result, "missing_in_salesforce") == sorted(planted["missing_in_salesforce"])
    assert usernames(result, "inactive_in_salesforce") == sorted(planted["inactive_in_salesforce"])
    assert usernames(result, "profile_or_role_differs") == sorted(planted["profile_differs"] + planted["role_differs"])
    assert usernames(result, "unassigned_in_okta") == sorted(planted["unassigned_in_okta"][1:])
    assert usernames(result, "okta_sync_problems") == sorted(
        planted["sync_error"] + planted["out_of_sync"] + planted["not_provisioned"])
    disagreeing = {name for keys in planted.values() for name in keys}
    assert usernames(result, "in_sync") == sorted(f"user{n:04d}@acme.com" for n in range(1, 51)
                                                  if f"user{n:04d}@acme.com" not in disagreeing)
    assert result["counts"]["in_sync"] == 50 - 2 - 3 - 4 - 4
    assert result["counts"]["ignored"] == 5   # the API user, the three seeded users, the break-glass one

    by_name = {entry["username"]: entry for entry in result["users"]["profile_or_role_differs"]}
    profile_entry = by_name[planted["profile_differs"][0]]
    assert profile_entry["differs"] == ["profile"]
    assert profile_entry["okta"] == {"profile": "Standard User"}
    assert profile_entry["salesforce"] == {"profile": "Drifted Profile"}
    assert by_name[planted["role_differs"][0]]["salesforce"] == {"role": "Drifted Role"}
    problems = {entry["username"]: entry for entry in result["users"]["okta_sync_problems"]}
    assert problems[planted["sync_error"][0]]["sync_state"] == "ERROR"
    assert "failed to update the user in Salesforce" in problems[planted["sync_error"][0]]["reason"]
    assert problems[planted["not_provisioned"][0]]["status"] == "STAGED"
    assert "queued" in problems[planted["not_provisioned"][0]]["reason"]
    assert only_reads(simulator) == []


def test_lists_stop_at_max_listed_and_counts_stay_whole(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    simulator.assign_with_provisioning(SALESFORCE_APP, 30)
    planted = simulator.plant_drift(SALESFORCE_APP, "inactive_in_salesforce", 5)
    simulator.patch(["salesforce", "org", "query_batch_size"], 200)   # 33 users in one batch still

    run = run_playbook([sync(include=["inactive_in_salesforce"], max_listed=2)], extra_vars=extra(simulator))

    result = run.result("sync")
    assert result["counts"]["inactive_in_salesforce"] == 5
    assert usernames(result, "inactive_in_salesforce") == sorted(planted[:2])
    assert list(result["users"]) == ["inactive_in_salesforce"]
    assert result["truncated"] == ["inactive_in_salesforce"]


def test_match_on_federation_id_and_salesforce_batches(simulator, run_playbook):
    """Okta's app username against FederationIdentifier, over a Salesforce answer of several batches."""
    simulator.reset(users=450)
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    simulator.assign_with_provisioning(SALESFORCE_APP, 420)
    renamed = "user0007@acme.com"
    simulator.patch(["salesforce", "users", renamed, "federation_identifier"], "someone.else@acme.com")
    simulator.patch(["salesforce", "org", "query_batch_size"], 200)
    simulator.clear_log()

    run = run_playbook([sync(match_on="federation_id")], extra_vars=extra(simulator))

    result = run.result("sync")
    assert run.rc == 0, run.output
    assert usernames(result, "missing_in_salesforce") == [renamed]
    assert usernames(result, "unassigned_in_okta") == [renamed]   # its Federation ID matches no Okta app user
    assert result["counts"]["in_sync"] == 419
    log = simulator.request_log()
    okta_pages = [e for e in log if e["path"] == f"/api/v1/apps/{SALESFORCE_APP}/users"]
    query_batches = [e for e in log if e["path"].startswith("/services/data/v64.0/query")]
    assert len(okta_pages) == math.ceil(420 / 500)
    assert len(query_batches) == math.ceil((420 + 3) / 200)
    assert result["salesforce_calls"]["GET"] == 1 + len(query_batches)


def test_refused_login_fails_cleanly_once(simulator, run_playbook):
    enable_by_hand(simulator, user_provisioning=WANTED_USER_PROVISIONING)
    variables = dict(extra(simulator), sf_password="Wrong-password-1")

    run = run_playbook([sync(ignore_errors=True)], extra_vars=variables)

    result = run.result("sync")
    assert run.status("sync") == "failed"
    assert result["fault_code"] == "INVALID_LOGIN"
    assert "Nothing was compared" in result["msg"]
    assert len(simulator.salesforce_logins(API_USER, channel="soap_login")) == 1
    assert only_reads(simulator) == []
