"""Faults: with Okta answering 10% 5xx, bursts of 429 with short reset windows, added latency and
dropped connections, the role and a 1,000-user assignment end in exactly the wanted state, in one
run or after one rerun (under the same faults), and in no run does an exception escape a module.

The simulator decides each fault before its handler runs, so a faulted request changes nothing:
what counts is that the collection retries, verifies and completes, and never duplicates or loses.
"""
from __future__ import annotations

from tests.integration.test_assignment_helpers import app_groups, app_users, assignment_task, logins, seed_with_users
from tests.integration.test_provisioning_helpers import (
    API_USER,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    connection,
    credentials,
    features,
    stored_secret_is,
)
from tests.integration.test_role_helpers import org_vars, role_tasks
from tests.reliability import figures
from tests.reliability.org_states import ROLE_TO_OKTA, WANTED_GROUPS, WANTED_USERS

OKTA_FAMILIES = ["apps", "app", "app_users", "app_groups", "users", "groups", "schemas", "api"]


def faults(error_status, seed, every=25, **more):
    """10% server errors, 429 bursts with a 1 s window, latency and dropped connections."""
    return dict({"error_rate": 0.10, "error_status": error_status, "latency_ms": 20, "drop_rate": 0.03,
                 "burst_429": {"every": every, "count": 2, "reset_seconds": 1}, "seed": seed}, **more)


def run_with_one_rerun(play, tasks, **options):
    """The first run, and a rerun only if the first failed; returns every run made."""
    runs = [play(tasks, **options)]
    if runs[0].rc != 0:
        runs.append(play(tasks, **options))
    return runs


def injected(simulator):
    """{fault kind: count} of every request the simulator faulted so far."""
    kinds = {}
    for entry in simulator.request_log():
        if entry.get("fault"):
            kinds[entry["fault"]] = kinds.get(entry["fault"], 0) + 1
    return kinds


def test_role_reaches_the_wanted_state_under_faults(simulator, play, tmp_path):
    variables = org_vars(simulator, tmp_path / "reports", okta_sf_users=WANTED_USERS, okta_sf_groups=WANTED_GROUPS, **ROLE_TO_OKTA)
    simulator.configure(faults=faults(503, seed=11, every=12))
    simulator.clear_log()

    runs = run_with_one_rerun(play, role_tasks(), extra_vars=variables, diff=True)

    kinds = injected(simulator)
    figures.add(faults_injected=sum(kinds.values()))
    assert runs[-1].rc == 0, runs[-1].stdout[-3000:]
    assert set(kinds) == {"error", "drop", "burst_429"}, kinds
    simulator.configure(faults={})
    secrets = credentials(simulator)
    assert connection(simulator)["status"] == "ENABLED"
    assert connection(simulator)["profile"]["username"] == API_USER
    assert stored_secret_is(simulator, secrets["sf_password"], secrets["sf_security_token"])
    assert features(simulator)["USER_PROVISIONING"] == WANTED_USER_PROVISIONING
    assert features(simulator)["INBOUND_PROVISIONING"] == WANTED_INBOUND_PROVISIONING
    users = app_users(simulator)
    assert sorted(users) == logins(1, 20)   # 1-3 listed; Sales (1-10) and Support (11-20) members through their group
    assert {login: users[login]["scope"] for login in logins(1, 3)} == dict.fromkeys(logins(1, 3), "USER")
    assert users["user0001@acme.com"]["profile"]["role"] == "Sales EMEA"
    assert users["user0003@acme.com"]["credentials"]["userName"] == "user0003@acme.com.sf"
    assert {name: group["priority"] for name, group in app_groups(simulator).items()} == {"Sales": 0, "Support": 1}
    figures.add(faults_survived=sum(kinds.values()))


# 1,000 users: every tenth with a Salesforce role; users 1-100 were assigned before with another
# role (updates), 1001-1050 were assigned and are not wanted (exclusive removes them).
WANTED_LOGINS = logins(1, 1000)
BULK_USERS = [{"login": login, **({"profile": {"role": "Sales EMEA"}} if n % 10 == 0 or n <= 100 else {})}
              for n, login in enumerate(WANTED_LOGINS, start=1)]
BULK_GROUPS = [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}]
BEFORE = {
    "users": [{"login": login, "profile": {"role": "Old"}} for login in logins(1, 100) + logins(1001, 1050)],
    "groups": [{"name": "Support", "priority": 5}, {"name": "Salesforce Admins", "priority": 2}],
}


def test_thousand_user_assignment_reaches_the_wanted_state_under_faults(simulator, play):
    simulator.reset(seed=seed_with_users(1100, assignments=BEFORE))
    # OAuth this time: the token endpoint is faulted too.
    oauth = {"api_token": "{{ omit }}", "client_id": simulator.oauth_client_id, "private_key": "{{ oauth_private_key }}"}
    task = assignment_task(users=BULK_USERS, groups=BULK_GROUPS, exclusive=True, **oauth)
    simulator.configure(faults=faults(502, seed=5, every=150, families=OKTA_FAMILIES + ["oauth2"]))
    simulator.clear_log()

    runs = run_with_one_rerun(play, [task], extra_vars={"oauth_private_key": simulator.oauth_private_key_pem})

    kinds = injected(simulator)
    figures.add(faults_injected=sum(kinds.values()))
    assert runs[-1].rc == 0, runs[-1].stdout[-3000:]
    assert set(kinds) == {"error", "drop", "burst_429"}, kinds
    assert sum(kinds.values()) >= 100, kinds
    simulator.configure(faults={})
    users = app_users(simulator)
    assert sorted(users) == WANTED_LOGINS                      # none lost, none left over
    assert {record["scope"] for record in users.values()} == {"USER"}
    roles = {login: users[login]["profile"].get("role") for login in WANTED_LOGINS}
    assert roles == {user["login"]: user.get("profile", {}).get("role") for user in BULK_USERS}
    assert {name: group["priority"] for name, group in app_groups(simulator).items()} == {"Sales": 0, "Support": 1}
    # A clean rerun finds nothing left to do.
    simulator.clear_log()
    again = play([task], extra_vars={"oauth_private_key": simulator.oauth_private_key_pem})
    assert again.rc == 0 and again.status("assign") == "ok", again.stdout[-3000:]
    assert simulator.writes() == []
    figures.add(faults_survived=sum(kinds.values()))
