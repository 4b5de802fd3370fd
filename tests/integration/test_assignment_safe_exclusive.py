"""okta_app_assignment with exclusive=true never risks people's access: groups first, then user adds and
updates, then removals; no removal after a failed add; a user moving to a listed group keeps the app; and
max_removals refuses a run that would remove too many, before any write. Counted from the simulator's log."""
from __future__ import annotations

from tests.integration.test_assignment_helpers import (
    app_groups,
    app_users,
    assignment_task,
    logins,
    seed_with_users,
    user_id,
)


def _seeded(simulator):
    """Direct assignments 21-40 (user0005 among them: a Sales member), group Support (members 11-20)."""
    simulator.reset(seed=seed_with_users(60, assignments={
        "users": [{"login": login, "profile": {"role": "Old"}} for login in ["user0005@acme.com"] + logins(21, 40)],
        "groups": [{"name": "Support", "priority": 1}],
    }))


WANTED_USERS = [{"login": login, "profile": {"role": "New"}} for login in logins(21, 30) + logins(41, 45)]


def _kind(entry):
    """add (group PUT, user POST) or remove (DELETE) of a logged write."""
    return "remove" if entry["method"] == "DELETE" else "add"


def test_every_removal_comes_after_every_add_and_update(simulator, run_playbook):
    _seeded(simulator)
    simulator.clear_log()
    run = run_playbook([assignment_task(users=WANTED_USERS, groups=[{"name": "Sales", "priority": 0}], exclusive=True,
                                        max_workers=8)])
    assert run.rc == 0, run.stdout
    writes = simulator.writes()
    kinds = [_kind(entry) for entry in writes]
    assert kinds.count("remove") == 12 and kinds.count("add") == 16            # 11 users and Support; Sales + 15 users
    assert kinds == sorted(kinds)                                              # "add" < "remove": no removal before an add
    last_group = max(i for i, entry in enumerate(writes) if entry["method"] == "PUT")
    first_user = min(i for i, entry in enumerate(writes) if entry["method"] == "POST")
    assert last_group < first_user                                             # groups before users
    first_removal = min(entry["seq"] for entry in writes if entry["method"] == "DELETE")
    assert first_removal > max(entry["seq"] for entry in writes if entry["method"] != "DELETE")


def test_no_removal_when_an_add_failed_and_each_is_in_not_removed(simulator, run_playbook):
    _seeded(simulator)
    simulator.configure(faults={"fail_users": ["user0043@acme.com"]})
    simulator.clear_log()
    run = run_playbook([assignment_task(users=WANTED_USERS, groups=[{"name": "Sales"}], exclusive=True)])
    assert run.rc != 0
    result = run.result("assign")
    assert [entry["method"] for entry in simulator.writes() if entry["method"] == "DELETE"] == []
    not_removed = sorted(entry.get("user") or entry.get("group") for entry in result["not_removed"])
    assert not_removed == sorted(["user0005@acme.com"] + logins(31, 40) + ["Support"])
    assert all("add(s) or update(s) of this run failed" in entry["reason"] for entry in result["not_removed"])
    assert [failure["user"] for failure in result["failures"]] == ["user0043@acme.com"]
    assert result["removed"] == []
    assert "1 assignment write(s) failed" in result["msg"] and "12 removal(s) were not sent" in result["msg"]
    assert len([login for login, record in app_users(simulator).items() if record["scope"] == "USER"]) == 10 + 11 + 4


def test_a_user_moving_to_a_listed_group_keeps_the_app_through_it(simulator, run_playbook):
    _seeded(simulator)
    simulator.clear_log()
    # user0005 is a direct assignment and a member of Sales, which this run assigns: it moves to the group.
    run = run_playbook([assignment_task(users=WANTED_USERS, groups=[{"name": "Sales"}], exclusive=True)])
    assert run.rc == 0, run.stdout
    assert "user0005@acme.com" in run.result("assign")["removed"]
    assert app_users(simulator)["user0005@acme.com"]["scope"] == "GROUP"       # still has the app, through Sales
    log = [(entry["method"], entry["path"].rsplit("/", 2)[-2:], entry["seq"]) for entry in simulator.request_log()]
    sales = next(gid for gid, group in simulator.state()["okta"]["groups"].items() if group["profile"]["name"] == "Sales")
    uid = user_id(simulator, "user0005@acme.com")
    put = next(seq for method, tail, seq in log if method == "PUT" and tail == ["groups", sales])
    confirmed = next(seq for method, tail, seq in log if method == "GET" and tail == ["groups", sales])
    removed = next(seq for method, tail, seq in log if method == "DELETE" and tail == ["users", uid])
    assert put < confirmed < removed


def test_max_removals_refuses_a_count_or_a_percent_with_nothing_written(simulator, run_playbook):
    _seeded(simulator)                          # 21 direct assignments + 1 group = 22 removable; this run removes 12
    simulator.clear_log()
    base = {"users": WANTED_USERS, "groups": [{"name": "Sales"}], "exclusive": True}
    tasks = [dict(assignment_task("by count", max_removals=10, **base), ignore_errors=True),
             dict(assignment_task("by percent", max_removals="40%", **base), ignore_errors=True),
             dict(assignment_task("in check mode", max_removals=5, **base), ignore_errors=True, check_mode=True)]
    run = run_playbook(tasks)
    assert simulator.writes() == []
    for name, allowed in (("by count", "(10)"), ("by percent", "(8, 40% of the 22 current"), ("in check mode", "(5)")):
        result = run.result(name)
        assert run.status(name) == "failed", name
        assert "would remove 12 assignment(s) (11 user(s), 1 group(s)" in result["msg"], result["msg"]
        assert f"max_removals allows {allowed}" in result["msg"], result["msg"]
        assert "set max_removals to 12 or more" in result["msg"] and "Nothing was changed" in result["msg"]
    assert sorted(app_users(simulator)) == sorted(["user0005@acme.com"] + logins(11, 40))
    assert list(app_groups(simulator)) == ["Support"]
    ok = run_playbook([assignment_task(max_removals="60%", **base)])
    assert ok.rc == 0 and len(ok.result("assign")["removed"]) == 12, ok.stdout


def test_check_mode_and_diff_report_the_plan_the_real_run_applies(simulator, run_playbook):
    _seeded(simulator)
    task = assignment_task(users=WANTED_USERS, groups=[{"name": "Sales"}], exclusive=True)
    simulator.clear_log()
    checked = run_playbook([task], check=True, diff=True)
    assert checked.rc == 0 and simulator.writes() == []
    real = run_playbook([task], diff=True)
    assert real.rc == 0
    for key in ("added", "updated", "removed", "not_removed"):
        assert sorted(map(str, checked.result("assign")[key])) == sorted(map(str, real.result("assign")[key])), key
    assert checked.result("assign")["diff"] == real.result("assign")["diff"]
