"""Concurrency: two ansible-playbook processes started together, assigning on the same app (a job
launched twice, or two teams' lists), both succeed and the app ends in the wanted state.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.integration.test_assignment_helpers import app_groups, app_users, assignment_task, logins, seed_with_users
from tests.reliability import figures

# The harness names each run's directory from a counter: start the second run once the first has its own.
START_GAP = 0.3


def run_together(play, first_tasks, second_tasks):
    """Both playbooks at once; returns their runs and whether the two processes overlapped in time."""
    def timed(tasks):
        started = time.monotonic()
        run = play(tasks)
        return run, started, time.monotonic()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(timed, first_tasks)
        time.sleep(START_GAP)
        second = pool.submit(timed, second_tasks)
        (run_a, start_a, end_a), (run_b, start_b, end_b) = first.result(), second.result()
    return run_a, run_b, start_b < end_a and start_a < end_b


def users_of(first, last):
    return [{"login": login, "profile": {"role": f"Team {n % 3}"}} for n, login in enumerate(logins(first, last), start=first)]


def test_two_overlapping_runs_end_in_the_union_of_their_lists(simulator, play):
    simulator.reset(seed=seed_with_users(700))
    team_a = assignment_task(users=users_of(1, 400), groups=[{"name": "Sales", "priority": 0}])
    team_b = assignment_task(users=users_of(201, 600), groups=[{"name": "Sales", "priority": 0}])

    run_a, run_b, overlapped = run_together(play, [team_a], [team_b])

    figures.add(concurrent_runs=2)
    assert overlapped
    assert (run_a.rc, run_b.rc) == (0, 0), run_a.stdout[-2000:] + run_b.stdout[-2000:]
    users = app_users(simulator)
    assert sorted(users) == logins(1, 600)
    assert {login: users[login]["profile"].get("role") for login in users} == {
        user["login"]: user["profile"]["role"] for user in users_of(1, 600)}
    assert {record["scope"] for record in users.values()} == {"USER"}
    assert {name: group["priority"] for name, group in app_groups(simulator).items()} == {"Sales": 0}
    # Each user was assigned by one run; the other found it assigned (409) and did not count it twice.
    added = run_a.result("assign")["added"] + run_b.result("assign")["added"]
    assert sorted(login for login in added if login != "Sales") == logins(1, 600)
    figures.add(concurrent_right=2)


def test_the_same_exclusive_job_launched_twice_ends_in_its_list(simulator, play):
    simulator.reset(seed=seed_with_users(700, assignments={
        "users": [{"login": login} for login in logins(501, 560)], "groups": [{"name": "Support", "priority": 3}]}))
    job = assignment_task(users=users_of(1, 300), groups=[{"name": "Sales", "priority": 1}], exclusive=True)

    run_a, run_b, overlapped = run_together(play, [job], [job])

    figures.add(concurrent_runs=2)
    assert overlapped
    assert (run_a.rc, run_b.rc) == (0, 0), run_a.stdout[-2000:] + run_b.stdout[-2000:]
    users = app_users(simulator)
    assert sorted(users) == logins(1, 300)
    assert {record["scope"] for record in users.values()} == {"USER"}
    assert {name: group["priority"] for name, group in app_groups(simulator).items()} == {"Sales": 1}
    figures.add(concurrent_right=2)
