"""okta_app_assignment at scale: 1,000 users and groups, check mode first, then the run, then the rerun."""
from __future__ import annotations

import pytest

from tests.integration.test_assignment_helpers import (
    APPS_USERS_PATH,
    app_groups,
    app_users,
    assignment_task,
    gets,
    logins,
    seed_with_users,
)

WANTED_LOGINS = logins(1, 1000)
WANTED_USERS = [{"login": login, "profile": {"role": "Sales" if n % 2 else "Support"}}
                for n, login in enumerate(WANTED_LOGINS, start=1)]
WANTED_GROUPS = [{"name": "Sales", "priority": 0, "profile": {"profile": "Standard User"}}, {"name": "Salesforce Admins", "priority": 1}]


@pytest.mark.slow
def test_thousand_users_and_groups_check_mode_then_run_then_idempotent_rerun(simulator, run_playbook):
    simulator.reset(seed=seed_with_users(1100))
    task = assignment_task(users=WANTED_USERS, groups=WANTED_GROUPS)

    simulator.clear_log()
    check = run_playbook([task], check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert check.status("assign") == "changed"
    planned = check.result("assign")
    assert sorted(planned["added"]) == sorted(WANTED_LOGINS + ["Sales", "Salesforce Admins"])
    assert simulator.writes() == [], "check mode must not write"
    after = planned["diff"]["after"]
    assert "user0001@acme.com role=Sales" in after["users"] and len(after["users"]) == 1000
    assert after["groups"] == ["Sales priority=0 profile='Standard User'", "Salesforce Admins priority=1"]
    assert planned["diff"]["before"] == {"users": [], "groups": []}

    simulator.clear_log()
    run = run_playbook([task])
    assert run.rc == 0, run.stdout
    assert run.status("assign") == "changed"
    result = run.result("assign")
    assert sorted(result["added"]) == sorted(WANTED_LOGINS + ["Sales", "Salesforce Admins"])
    assert result["failures"] == [] and result["unchanged"] == 0
    assigned = app_users(simulator)
    assert sorted(assigned) == WANTED_LOGINS
    assert all(record["scope"] == "USER" for record in assigned.values())
    assert assigned["user0001@acme.com"]["profile"]["role"] == "Sales"
    assert assigned["user0002@acme.com"]["profile"]["role"] == "Support"
    groups = app_groups(simulator)
    assert {name: record["priority"] for name, record in groups.items()} == {"Sales": 0, "Salesforce Admins": 1}
    assert groups["Sales"]["profile"] == {"profile": "Standard User"}
    # One write per change, and no per-user read: list pages, lookup batches, app, schema.
    writes = simulator.writes()
    assert len(writes) == 1002
    assert sum(1 for w in writes if w["method"] == "POST" and w["path"] == APPS_USERS_PATH) == 1000
    assert len(gets(simulator)) <= 30
    assert result["api_calls"]["total"] == len(simulator.request_log())

    simulator.clear_log()
    rerun = run_playbook([task])
    assert rerun.rc == 0, rerun.stdout
    assert rerun.status("assign") == "ok"
    again = rerun.result("assign")
    assert again["changed"] is False and again["unchanged"] == 1002
    assert again["added"] == again["updated"] == again["removed"] == []
    assert simulator.writes() == []
    # 2 pages of users, 1 of groups, the app and the schema: every login is known from the list.
    user_searches = [g for g in gets(simulator) if g["path"] == "/api/v1/users"]
    assert user_searches == []
    assert len(gets(simulator)) <= 6


def test_state_absent_removes_listed_assignments(simulator, run_playbook):
    simulator.reset(seed=seed_with_users(100, assignments={
        "users": [{"login": login} for login in logins(21, 40)],
        "groups": [{"name": "Support", "priority": 0}, {"name": "Sales", "priority": 1}],
    }))
    task = assignment_task(state="absent", users=[{"login": login} for login in logins(21, 30)] + [{"login": "nobody@acme.com"}],
                           groups=[{"name": "Support"}])
    check = run_playbook([task], check=True)
    assert check.rc == 0 and check.status("assign") == "changed"
    assert simulator.writes() == []

    run = run_playbook([task])
    assert run.rc == 0, run.stdout
    result = run.result("assign")
    assert sorted(result["removed"]) == sorted(logins(21, 30) + ["Support"])
    assigned = app_users(simulator)
    assert sorted(login for login, record in assigned.items() if record["scope"] == "USER") == logins(31, 40)
    # Support's members (11-20) went with the group; Sales' members (1-10) stay through Sales
    assert sorted(login for login, record in assigned.items() if record["scope"] == "GROUP") == logins(1, 10)
    assert list(app_groups(simulator)) == ["Sales"]

    simulator.clear_log()
    rerun = run_playbook([task])
    assert rerun.rc == 0 and rerun.status("assign") == "ok"
    assert simulator.writes() == []
