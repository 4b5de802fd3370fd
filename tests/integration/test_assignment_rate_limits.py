"""okta_app_assignment under a tight Okta rate limit: the work gets done without Okta having to refuse a request."""
from __future__ import annotations

from tests.integration.test_assignment_helpers import APPS_USERS_PATH, app_users, assignment_task, logins, seed_with_users

WANTED_LOGINS = logins(1, 150)


def test_eight_workers_stay_within_a_small_rate_limit_window_after_window(simulator, run_playbook):
    simulator.reset(seed=seed_with_users(200))
    # 25 requests per family and second: the 150 writes need at least six windows, with eight workers racing for each.
    simulator.configure(rate_limit={"limit": 25, "window": 1}, faults={"latency_ms": 10})
    simulator.clear_log()

    run = run_playbook([assignment_task(users=[{"login": login} for login in WANTED_LOGINS], max_workers=8)])

    assert run.rc == 0, run.stdout
    result = run.result("assign")
    assert sorted(result["added"]) == WANTED_LOGINS and result["failures"] == []
    assert sorted(app_users(simulator)) == WANTED_LOGINS
    log = [entry for entry in simulator.request_log() if entry["path"].startswith("/api/")]
    assert [entry for entry in log if entry["status"] == 429] == [], "the client overran a rate-limit window"
    assert sum(1 for entry in log if entry["method"] == "POST" and entry["path"] == APPS_USERS_PATH) == 150
    assert result["api_calls"]["total"] == len(log)  # nothing was retried
