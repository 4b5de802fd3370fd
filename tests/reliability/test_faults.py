"""Faults, before and after the handler: with Okta losing the answers of writes it applied (connection
reset, 502, or an answer held past the client's timeout) on 10% of the writes, plus 429 bursts, 5xx and
dropped connections before the handler, the role and a 1,000-user assignment reach exactly the wanted
state in ONE run: no duplicate app, no assignment lost or extra, no Salesforce login by Okta repeated
beyond one read-back-then-resend, and no exception escaping a module.

Every figure is the simulator's: it counts the faults it injected, by kind, and the writes it applied
twice (`Simulator.fault_counts()`); the lost and extra assignments are counted from its state.
"""
from __future__ import annotations

from tests.integration.test_assignment_helpers import app_groups, app_users, assignment_task, logins, seed_with_users
from tests.integration.test_provisioning_helpers import (
    API_USER,
    SALESFORCE_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    connection,
    credentials,
    enable_by_hand,
    features,
    stored_secret_is,
    task,
)
from tests.integration.test_role_helpers import org_vars, role_tasks
from tests.reliability import figures
from tests.reliability.org_states import ROLE_TO_OKTA, WANTED_GROUPS, WANTED_USERS

OKTA_FAMILIES = ["apps", "app", "app_users", "app_groups", "users", "groups", "schemas", "api"]
NEW_LABEL = "Salesforce Faults"
# The client gives up on an answer after TIMEOUT s; the simulator holds a "timeout" answer longer.
TIMEOUT, HELD = 3, 4
# Enough retries that a request failing every attempt is negligible (0.2^7): these runs are about lost
# answers, not about giving up, which tests/integration/test_assignment_errors.py covers.
RETRIES = 6


def faults(seed, after_rate=0.10, every=40, error_status=503, **more):
    """Answers lost after the handler on `after_rate` of the writes (reset, 502, timeout), 5% 5xx and 2%
    resets before the handler, 429 bursts with a 1 s window."""
    return dict({"after_rate": after_rate, "after_kinds": ["reset", "502", "timeout"], "timeout_seconds": HELD,
                 "error_rate": 0.05, "error_status": error_status, "drop_rate": 0.02, "latency_ms": 5,
                 "burst_429": {"every": every, "count": 2, "reset_seconds": 1}, "seed": seed}, **more)


def faulted_writes(simulator):
    """{(method, path): after-handler fault kinds} of the writes whose answer was lost after the handler."""
    lost = {}
    for entry in simulator.request_log():
        if (entry.get("fault") or "").startswith("after_") or entry.get("fault") == "drop_after":
            lost.setdefault((entry["method"], entry["path"]), []).append(entry["fault"])
    return lost


def record(simulator, lost=0, extra=0):
    """Add the simulator's counts of this scenario to the suite's figures; returns them."""
    counts = simulator.fault_counts()
    by = counts["by_category"]
    figures.add(faults_before_handler=by["before_handler"], faults_after_handler=by["after_handler"],
                faults_429=by["429"], faults_5xx=by["5xx"], faults_reset=by["reset"],
                writes_applied_twice=counts["writes_applied_twice"], assignments_lost=lost, assignments_extra=extra)
    return counts


def assignment_drift(simulator, wanted_users, wanted_groups, app_id=SALESFORCE_APP, group_scoped=()):
    """(lost, extra) from the simulator's state: wanted direct assignments missing or not as wanted, and
    assignments nobody asked for. `wanted_users`: {login: (userName or None, profile)}; `wanted_groups`:
    {name: priority}; `group_scoped`: logins that may have the app through a listed group only."""
    users, groups = app_users(simulator, app_id), app_groups(simulator, app_id)
    lost = 0
    for login, (user_name, profile) in wanted_users.items():
        record_ = users.get(login)
        if record_ is None or record_["scope"] != "USER" or any(record_["profile"].get(k) != v for k, v in profile.items()) \
                or (user_name and record_["credentials"].get("userName") != user_name):
            lost += 1
    lost += sum(1 for name, priority in wanted_groups.items() if (groups.get(name) or {}).get("priority") != priority)
    extra = sum(1 for login, record_ in users.items()
                if login not in wanted_users and not (record_["scope"] == "GROUP" and login in group_scoped))
    extra += sum(1 for name in groups if name not in wanted_groups)
    return lost, extra


def app_ids_labelled(simulator, label):
    return [app_id for app_id, app in simulator.state()["okta"]["apps"].items() if app["label"] == label]


# ---------------------------------------------------------------- the role

ROLE_WANTED_USERS = {u["login"]: (u.get("username"), u.get("profile") or {}) for u in WANTED_USERS}
ROLE_WANTED_GROUPS = {g["name"]: g["priority"] for g in WANTED_GROUPS}
SALES_AND_SUPPORT = logins(1, 20)


def _role_converges(simulator, play, tmp_path, fault_config):
    figures.add(scenarios_run=1)
    variables = org_vars(simulator, tmp_path / "reports", okta_sf_users=WANTED_USERS, okta_sf_groups=WANTED_GROUPS,
                         okta_sf_app_label=NEW_LABEL, okta_sf_create_app=True, okta_sf_timeout=TIMEOUT,
                         okta_sf_max_retries=RETRIES, **ROLE_TO_OKTA)
    simulator.configure(faults=fault_config)
    simulator.clear_log()
    simulator.clear_fault_counts()

    run = play(role_tasks(), extra_vars=variables, diff=True)

    lost_writes = faulted_writes(simulator)
    simulator.configure(faults={})
    [app_id] = app_ids_labelled(simulator, NEW_LABEL) or [None]
    lost, extra = assignment_drift(simulator, ROLE_WANTED_USERS, ROLE_WANTED_GROUPS, app_id or SALESFORCE_APP,
                                   group_scoped=SALES_AND_SUPPORT)
    counts = record(simulator, lost, extra)
    assert run.rc == 0, run.stdout[-4000:]
    assert len(app_ids_labelled(simulator, NEW_LABEL)) == 1          # no duplicate app
    secrets = credentials(simulator)
    assert connection(simulator, app_id)["status"] == "ENABLED"
    assert connection(simulator, app_id)["profile"]["username"] == API_USER
    assert stored_secret_is(simulator, secrets["sf_password"], secrets["sf_security_token"], app_id)
    assert features(simulator, app_id)["USER_PROVISIONING"] == WANTED_USER_PROVISIONING
    assert features(simulator, app_id)["INBOUND_PROVISIONING"] == WANTED_INBOUND_PROVISIONING
    assert (lost, extra) == (0, 0)
    assert sorted(app_users(simulator, app_id)) == SALES_AND_SUPPORT
    # One save, and at most one read-back-then-resend: never a second Salesforce login beyond it.
    assert counts["writes_applied_twice"] == 0, counts["applied_twice"]
    assert len(simulator.salesforce_logins(API_USER, channel="okta_api_integration")) <= 2
    return counts, lost_writes


def test_role_converges_in_one_run_with_ten_percent_of_answers_lost(simulator, play, tmp_path):
    counts, lost_writes = _role_converges(simulator, play, tmp_path, faults(seed=1, every=15))
    assert counts["by_category"]["after_handler"] >= 1 and counts["by_category"]["before_handler"] >= 1, counts
    figures.add(scenarios_passed=1)


def test_role_converges_when_every_write_endpoint_loses_its_first_answer(simulator, play, tmp_path):
    counts, lost_writes = _role_converges(simulator, play, tmp_path, faults(seed=8, after_rate=1.0, after_once=True))
    [app_id] = app_ids_labelled(simulator, NEW_LABEL)
    app = f"/api/v1/apps/{app_id}"
    endpoints = {("POST", "/api/v1/apps"), ("POST", f"{app}/connections/default"),
                 ("PUT", f"{app}/features/USER_PROVISIONING"), ("PUT", f"{app}/features/INBOUND_PROVISIONING"),
                 ("POST", f"{app}/users")} | {("PUT", f"{app}/groups/{gid}") for gid in app_groups_ids(simulator, app_id)}
    assert endpoints <= set(lost_writes), sorted(set(lost_writes))
    assert {kind for kinds in lost_writes.values() for kind in kinds} == {"after_reset", "after_502", "after_timeout"}
    figures.add(scenarios_passed=1)


def app_groups_ids(simulator, app_id):
    return list(simulator.state()["okta"]["app_groups"][app_id])


# ---------------------------------------------------------------- the connection's lifecycle, user updates
# and removals, group updates and removals, the token endpoint: each loses its first answer

def test_lifecycle_assignment_and_token_writes_converge_when_each_loses_its_first_answer(simulator, play):
    figures.add(scenarios_run=1)
    simulator.reset(seed=seed_with_users(60, assignments={
        "users": [{"login": login, "profile": {"role": "Old"}} for login in logins(21, 30)],
        "groups": [{"name": "Support", "priority": 5}, {"name": "Salesforce Admins", "priority": 2}],
    }))
    enable_by_hand(simulator)
    oauth = {"api_token": "{{ omit }}", "client_id": simulator.oauth_client_id, "private_key": "{{ oauth_private_key }}",
             "timeout": TIMEOUT, "max_retries": RETRIES}
    users = [{"login": login, "profile": {"role": "Sales EMEA"}} for login in logins(21, 25) + logins(41, 45)]
    groups = [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}]
    tasks = [task("deactivate", app_id=SALESFORCE_APP, state="disabled", **oauth),
             task("activate", app_id=SALESFORCE_APP, state="enabled", sf_username=API_USER, **oauth),
             assignment_task(users=users, groups=groups, exclusive=True, **oauth)]
    simulator.configure(faults=faults(seed=5, after_rate=1.0, after_once=True, families=OKTA_FAMILIES + ["oauth2"]))
    simulator.clear_log()
    simulator.clear_fault_counts()

    run = play(tasks, extra_vars={"oauth_private_key": simulator.oauth_private_key_pem})

    lost_writes = faulted_writes(simulator)
    simulator.configure(faults={})
    wanted_users = {u["login"]: (None, u["profile"]) for u in users}
    lost, extra = assignment_drift(simulator, wanted_users, {"Sales": 0, "Support": 1},
                                   group_scoped=SALES_AND_SUPPORT)
    counts = record(simulator, lost, extra)
    assert run.rc == 0, run.stdout[-4000:]
    assert (lost, extra) == (0, 0)
    assert connection(simulator)["status"] == "ENABLED"
    assert counts["writes_applied_twice"] == 0, counts["applied_twice"]
    assert len(simulator.salesforce_logins(API_USER, channel="okta_api_integration")) <= 2
    paths = {f"{method} {path.replace(SALESFORCE_APP, '{app}')}" for method, path in lost_writes}
    lost_kinds = {"POST /oauth2/v1/token", "POST /api/v1/apps/{app}/connections/default/lifecycle/deactivate",
                  "POST /api/v1/apps/{app}/connections/default/lifecycle/activate", "POST /api/v1/apps/{app}/users"}
    assert lost_kinds <= paths, sorted(paths)
    for method, shape in (("POST", "/users/"), ("DELETE", "/users/"), ("PUT", "/groups/"), ("DELETE", "/groups/")):
        assert any(p.startswith(f"{method} /api/v1/apps/{{app}}{shape}") for p in paths), (method, shape, sorted(paths))
    figures.add(scenarios_passed=1)


# ---------------------------------------------------------------- 1,000 users
# Every tenth with a Salesforce role; users 1-100 were assigned before with another role (updates),
# 1001-1050 were assigned and are not wanted (exclusive removes them).
WANTED_LOGINS = logins(1, 1000)
BULK_USERS = [{"login": login, **({"profile": {"role": "Sales EMEA"}} if n % 10 == 0 or n <= 100 else {})}
              for n, login in enumerate(WANTED_LOGINS, start=1)]
BULK_GROUPS = [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}]
BEFORE = {
    "users": [{"login": login, "profile": {"role": "Old"}} for login in logins(1, 100) + logins(1001, 1050)],
    "groups": [{"name": "Support", "priority": 5}, {"name": "Salesforce Admins", "priority": 2}],
}


def test_thousand_user_assignment_converges_in_one_run_with_ten_percent_of_answers_lost(simulator, play):
    figures.add(scenarios_run=1)
    simulator.reset(seed=seed_with_users(1100, assignments=BEFORE))
    # OAuth: the token endpoint loses answers too.
    oauth = {"api_token": "{{ omit }}", "client_id": simulator.oauth_client_id, "private_key": "{{ oauth_private_key }}",
             "timeout": TIMEOUT, "max_retries": RETRIES}
    assign = assignment_task(users=BULK_USERS, groups=BULK_GROUPS, exclusive=True, **oauth)
    simulator.configure(faults=faults(seed=5, error_status=502, every=150, families=OKTA_FAMILIES + ["oauth2"]))
    simulator.clear_log()
    simulator.clear_fault_counts()

    run = play([assign], extra_vars={"oauth_private_key": simulator.oauth_private_key_pem})

    lost_writes = faulted_writes(simulator)
    simulator.configure(faults={})
    wanted_users = {user["login"]: (None, user.get("profile") or {}) for user in BULK_USERS}
    lost, extra = assignment_drift(simulator, wanted_users, {"Sales": 0, "Support": 1})
    counts = record(simulator, lost, extra)
    assert run.rc == 0, run.stdout[-4000:]
    assert (lost, extra) == (0, 0)
    assert counts["writes_applied_twice"] == 0, counts["applied_twice"]
    by = counts["by_category"]
    assert by["after_handler"] >= 60 and by["before_handler"] >= 60 and by["429"] and by["5xx"] and by["reset"], counts
    methods = {method for method, _path in lost_writes}
    assert {"POST", "DELETE"} <= methods, methods   # assigns, updates and removals lost answers
    result = run.result("assign")
    assert len(result["removed"]) == 51 and len(result["failures"]) == 0   # 1001-1050 and Salesforce Admins
    # A clean rerun finds nothing left to do.
    simulator.clear_log()
    again = play([assign], extra_vars={"oauth_private_key": simulator.oauth_private_key_pem})
    assert again.rc == 0 and again.status("assign") == "ok", again.stdout[-3000:]
    assert simulator.writes() == []
    figures.add(scenarios_passed=1)
