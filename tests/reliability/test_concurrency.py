"""Concurrency: two ansible-playbook processes started together, assigning on the same app (a job
launched twice, or two teams' lists), both succeed and the app ends in the wanted state.

"Together" is proven from the simulator's request log, not from process lifetimes: each run uses its
own API token (two admins, or two AWX credentials), the log records which credential sent each write,
and the two runs' writes must interleave (each run wrote while the other was between its first and
last write).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.integration.test_assignment_helpers import app_groups, app_users, assignment_task, logins, seed_with_users
from tests.reliability import figures
from tests.simulator.server import credential_fingerprint

# The harness names each run's directory from a counter: start the second run once the first has its own.
START_GAP = 0.3
# Okta-like latency on every answer: the write phases then last seconds, as on a real org, longer than the spread of
# two ansible-playbook start-ups (with a loopback answer in ~1 ms, one run's writes could end before the other's begin).
LATENCY = {"latency_ms": 60}
SECOND_TOKEN = "00canary-ssws-second-admin&<>%\"'+/7b3e"


def with_second_admin(simulator):
    """A second API token on the org (another admin's, or another AWX credential's)."""
    tokens = simulator.state()["okta"]["api_tokens"]
    simulator.patch(["okta", "api_tokens"], [*tokens, SECOND_TOKEN])
    return SECOND_TOKEN


def run_together(play, first_tasks, second_tasks):
    """Both playbooks at once (the second with the second admin's token)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(play, first_tasks)
        time.sleep(START_GAP)
        second = pool.submit(play, second_tasks, extra_play={"module_defaults": {}})
        return first.result(), second.result()


def interleaved(simulator, first_token, second_token):
    """Whether the two runs' write phases interleave in the server's log: each run's writes begin
    before the other's end (by the log's sequence, which follows arrival time)."""
    phases = []
    for token in (first_token, second_token):
        mark = credential_fingerprint(f"SSWS {token}")
        seqs = [entry["seq"] for entry in simulator.writes() if entry["credential"] == mark]
        if not seqs:
            return False
        phases.append((min(seqs), max(seqs)))
    (start_a, end_a), (start_b, end_b) = phases
    return start_a < end_b and start_b < end_a


def second_admin_task(task, simulator, token):
    options = dict(task["idm.okta_salesforce.okta_app_assignment"], org_url=simulator.url, api_token=token, ca_path=simulator.ca_path)
    return dict(task, **{"idm.okta_salesforce.okta_app_assignment": options})


def users_of(first, last):
    return [{"login": login, "profile": {"role": f"Team {n % 3}"}} for n, login in enumerate(logins(first, last), start=first)]


def test_two_overlapping_runs_end_in_the_union_of_their_lists(simulator, play):
    simulator.reset(seed=seed_with_users(700))
    second = with_second_admin(simulator)
    simulator.configure(faults=LATENCY)
    simulator.clear_log()
    team_a = assignment_task(users=users_of(1, 400), groups=[{"name": "Sales", "priority": 0}])
    team_b = second_admin_task(assignment_task(users=users_of(201, 600), groups=[{"name": "Sales", "priority": 0}]),
                               simulator, second)

    run_a, run_b = run_together(play, [team_a], [team_b])

    together = interleaved(simulator, simulator.api_token, second)
    figures.add(concurrent_runs=2, concurrent_interleaved=2 if together else 0)
    assert together, "the two runs' writes did not interleave: the test did not test concurrency"
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


def test_the_same_exclusive_job_launched_twice_ends_in_its_list(simulator, play):
    simulator.reset(seed=seed_with_users(700, assignments={
        "users": [{"login": login} for login in logins(501, 560)], "groups": [{"name": "Support", "priority": 3}]}))
    second = with_second_admin(simulator)
    simulator.configure(faults=LATENCY)
    simulator.clear_log()
    job = assignment_task(users=users_of(1, 300), groups=[{"name": "Sales", "priority": 1}], exclusive=True)

    run_a, run_b = run_together(play, [job], [second_admin_task(job, simulator, second)])

    together = interleaved(simulator, simulator.api_token, second)
    figures.add(concurrent_runs=2, concurrent_interleaved=2 if together else 0)
    assert together, "the two runs' writes did not interleave: the test did not test concurrency"
    assert (run_a.rc, run_b.rc) == (0, 0), run_a.stdout[-2000:] + run_b.stdout[-2000:]
    users = app_users(simulator)
    assert sorted(users) == logins(1, 300)
    assert {record["scope"] for record in users.values()} == {"USER"}
    assert {name: group["priority"] for name, group in app_groups(simulator).items()} == {"Sales": 1}
