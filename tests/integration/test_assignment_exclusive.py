"""okta_app_assignment: exclusive lists, group-scoped users, and profile drift."""
from __future__ import annotations

import re

from tests.integration.test_assignment_helpers import (
    SALESFORCE_APP,
    app_groups,
    app_users,
    assignment_task,
    logins,
    seed_with_users,
    user_id,
)


def _seeded(simulator):
    """Direct assignments 21-50, groups Sales (members 1-10) and Support (members 11-20)."""
    simulator.reset(seed=seed_with_users(100, assignments={
        "users": [{"login": login, "profile": {"role": "Old"}} for login in logins(21, 50)],
        "groups": [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}],
    }))


def test_exclusive_removes_extras_but_never_group_scoped_users(simulator, run_playbook):
    _seeded(simulator)
    # user0005 has the app only through Sales: listing it gives it a direct assignment
    wanted = ["user0005@acme.com"] + logins(21, 30) + logins(51, 60)
    task = assignment_task(users=[{"login": login} for login in wanted], groups=[{"name": "Sales"}], exclusive=True)

    run = run_playbook([task], diff=True)
    assert run.rc == 0, run.stdout
    result = run.result("assign")
    assert sorted(result["added"]) == ["user0005@acme.com"] + logins(51, 60)
    assert sorted(result["removed"]) == sorted(logins(31, 50) + ["Support"])
    assigned = app_users(simulator)
    assert sorted(login for login, record in assigned.items() if record["scope"] == "USER") == wanted
    # The other Sales members are not listed, but have the app through Sales: exclusive leaves them alone.
    group_scoped = sorted(set(logins(1, 10)) - {"user0005@acme.com"})
    assert sorted(login for login, record in assigned.items() if record["scope"] == "GROUP") == group_scoped
    assert list(app_groups(simulator)) == ["Sales"]
    group_scoped_ids = {user_id(simulator, login) for login in group_scoped}
    deleted = [w["path"].rsplit("/", 1)[1] for w in simulator.writes() if w["method"] == "DELETE"]
    assert not group_scoped_ids & set(deleted)
    assert "user0031@acme.com" in run.stdout  # the diff shows the removed logins

    simulator.clear_log()
    rerun = run_playbook([task])
    assert rerun.rc == 0 and rerun.status("assign") == "ok"
    assert simulator.writes() == []


def test_absent_never_removes_a_group_scoped_user_and_says_so(simulator, run_playbook):
    _seeded(simulator)
    run = run_playbook([assignment_task(state="absent", users=[{"login": "user0003@acme.com"}, {"login": "user0021@acme.com"}])])
    assert run.rc == 0, run.stdout
    result = run.result("assign")
    assert result["removed"] == ["user0021@acme.com"]
    assert [entry["user"] for entry in result["not_removed"]] == ["user0003@acme.com"]
    assert "user0003@acme.com was not removed" in run.output  # the task's warning
    assigned = app_users(simulator)
    assert "user0021@acme.com" not in assigned and assigned["user0003@acme.com"]["scope"] == "GROUP"


def test_profile_drift_is_fixed_and_only_the_drifted_users_are_written(simulator, run_playbook):
    _seeded(simulator)
    wanted = [{"login": login, "username": login.replace("@", ".sf@"), "profile": {"role": "Sales", "salesforceGroups": ["EMEA", "Sales"]}}
              for login in logins(21, 50)]
    first = run_playbook([assignment_task(users=wanted)])
    assert first.rc == 0, first.stdout
    assert sorted(first.result("assign")["updated"]) == logins(21, 50)

    uid = user_id(simulator, "user0033@acme.com")
    simulator.patch(["okta", "app_users", SALESFORCE_APP, uid, "profile", "role"], "Drifted")
    reordered = user_id(simulator, "user0034@acme.com")
    simulator.patch(["okta", "app_users", SALESFORCE_APP, reordered, "profile", "salesforceGroups"], ["Sales", "EMEA"])
    simulator.clear_log()
    run = run_playbook([assignment_task(users=wanted)], diff=True)
    assert run.rc == 0, run.stdout
    result = run.result("assign")
    assert result["updated"] == ["user0033@acme.com"] and result["unchanged"] == 29
    writes = simulator.writes()
    assert [(w["method"], w["path"]) for w in writes] == [("POST", f"/api/v1/apps/{SALESFORCE_APP}/users/{uid}")]
    record = app_users(simulator)["user0033@acme.com"]
    assert record["profile"]["role"] == "Sales"
    assert record["credentials"]["userName"] == "user0033.sf@acme.com"
    # the diff shows the drifted line and its fix
    assert re.search(r"-\s+\"user0033@acme.com userName=\S+ role=Drifted", run.stdout), run.stdout
    assert re.search(r"\+\s+\"user0033@acme.com userName=\S+ role=Sales", run.stdout), run.stdout

    simulator.clear_log()
    no_update = run_playbook([assignment_task(users=[{"login": "user0034@acme.com", "profile": {"role": "Other"}}],
                                              update_profiles=False)])
    assert no_update.rc == 0 and no_update.status("assign") == "ok"
    assert simulator.writes() == []
