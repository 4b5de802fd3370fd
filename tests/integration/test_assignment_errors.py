"""okta_app_assignment: bad input fails before any write; failing users do not stop the others."""
from __future__ import annotations

from tests.integration.test_assignment_helpers import (
    APPS_USERS_PATH,
    app_users,
    assignment_task,
    logins,
    seed_with_users,
    user_id,
)


def test_unknown_logins_groups_and_attributes_fail_together_before_any_write(simulator, run_playbook):
    simulator.reset(seed=seed_with_users(200))
    users = [{"login": login} for login in logins(1, 150)]
    users += [{"login": "ghost.one@acme.com"}, {"login": "ghost.two@acme.com"}, {"id": "00unosuchuser000001"},
              {"login": "former.employee@acme.com"}]
    users[0]["profile"] = {"rolle": "Sales"}
    simulator.clear_log()
    run = run_playbook([assignment_task(users=users, groups=[{"name": "Sales"}, {"name": "No Such Group"}])])
    assert run.rc != 0
    assert run.status("assign") == "failed"
    message = run.result("assign")["msg"]
    for expected in ("ghost.one@acme.com", "ghost.two@acme.com", "00unosuchuser000001", "No Such Group", "'rolle'",
                     "deactivated in Okta (status DEPROVISIONED) cannot be assigned: former.employee@acme.com",
                     "Nothing was changed"):
        assert expected in message
    assert "user0001@acme.com," not in message  # known logins are not listed as unknown
    assert simulator.writes() == []
    assert app_users(simulator) == {}


def test_failing_users_leave_the_rest_assigned_and_a_rerun_completes_the_set(simulator, run_playbook):
    simulator.reset(seed=seed_with_users(1100))
    wanted = logins(1, 1000)
    simulator.configure(faults={"fail_users": [
        "user0005@acme.com",
        {"user": "user0777@acme.com", "status": 500, "errorCode": "E0000009", "errorSummary": "Internal Server Error"},
    ]})
    task = assignment_task(users=[{"login": login} for login in wanted], groups=[{"name": "Support", "priority": 2}])
    simulator.clear_log()
    run = run_playbook([task])
    assert run.rc != 0
    assert run.status("assign") == "failed"
    result = run.result("assign")
    failures = {failure["user"]: failure for failure in result["failures"]}
    assert sorted(failures) == ["user0005@acme.com", "user0777@acme.com"]
    assert failures["user0005@acme.com"]["error_code"] == "E0000001"
    assert failures["user0777@acme.com"]["error_code"] == "E0000009"
    failed_posts = [entry for entry in simulator.request_log()
                    if entry["method"] == "POST" and entry["path"] == APPS_USERS_PATH and entry["status"] >= 400]
    assert {failure["request_id"] for failure in failures.values()} <= {entry["request_id"] for entry in failed_posts}
    for failure in failures.values():
        assert failure["request_id"] in result["msg"] and failure["error_code"] in result["msg"]
    assert "user0005@acme.com" in result["msg"] and "user0777@acme.com" in result["msg"]
    # everything else went through, and is reported
    assert len(result["added"]) == 999 and "Support" in result["added"]
    assigned = app_users(simulator)
    assert sorted(login for login, record in assigned.items() if record["scope"] == "USER") == sorted(set(wanted) - {"user0005@acme.com", "user0777@acme.com"})
    # the ambiguous 5xx assign is never resent blindly: each resend (max_retries, 4) follows a read-back finding no assignment
    posts_500 = [entry["seq"] for entry in failed_posts if entry["status"] == 500]
    read_backs = [entry for entry in simulator.request_log()
                  if entry["method"] == "GET" and entry["path"] == f"{APPS_USERS_PATH}/{user_id(simulator, 'user0777@acme.com')}"]
    assert len(posts_500) == 5 and [entry["status"] for entry in read_backs] == [404] * 4
    assert all(before < read.get("seq") < after for before, read, after in zip(posts_500, read_backs, posts_500[1:]))

    simulator.configure(faults={})
    simulator.clear_log()
    rerun = run_playbook([task])
    assert rerun.rc == 0, rerun.stdout
    again = rerun.result("assign")
    assert sorted(again["added"]) == ["user0005@acme.com", "user0777@acme.com"]
    assert [(w["method"], w["path"]) for w in simulator.writes()] == [("POST", APPS_USERS_PATH)] * 2
    assigned = app_users(simulator)
    assert sorted(assigned) == wanted  # nothing missing, nothing extra
    assert all(record["scope"] == "USER" for record in assigned.values())
