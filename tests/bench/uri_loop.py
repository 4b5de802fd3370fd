"""Figure `speedup_vs_uri_loop`: the module against a loop of `ansible.builtin.uri` tasks, unthrottled.

What it is: the playbook an author writes without the collection (look each user up, then assign it; the
same for the groups), one task run per request, each opening a new connection. It is not the best
alternative (that is the SDK script, see unthrottled_vs_sdk and rate_limited_*): it says how much the
module saves over plain Ansible. The loop is measured on --uri-users users (or all with --uri-users all) and
extended linearly at its measured pace (from the simulator log) to --users.
"""
from __future__ import annotations

from tests.bench.contenders import run_module
from tests.bench.playbooks import run_playbook, uri_play
from tests.bench.workload import APP_ID, GROUPS, check_assigned, emit, prepare, wanted_groups, wanted_users

SPEEDUP_MIN = 20


def run_uri_loop(bench, count):
    """Wall seconds of the uri playbook for `count` users, and its pace in seconds per user."""
    sim = bench.sim
    prepare(sim, count, bench.args.latency_ms)
    run = run_playbook(uri_play(sim, APP_ID, wanted_users(count), wanted_groups()), bench.workdir)
    if run.rc != 0 or not check_assigned(sim, count):
        # uri echoes its headers: the simulator's (canary) token is masked before the output is shown
        raise SystemExit(f"uri loop failed (rc {run.rc}): {run.stdout[-2000:].replace(sim.api_token, '********')}")
    user_calls = [entry["time"] for entry in sim.request_log()
                  if entry["path"].startswith("/api/v1/users/") or entry["path"] == f"/api/v1/apps/{APP_ID}/users"]
    per_user = (max(user_calls) - min(user_calls)) / count if len(user_calls) > 1 else 0.0
    return run.seconds, per_user


def run(bench):
    args, sim = bench.args, bench.sim
    prepare(sim, args.users, args.latency_ms)
    module = run_module(bench, args.users)
    assigned = check_assigned(sim, args.users)
    if args.uri_users == "all":
        uri_seconds = run_uri_loop(bench, args.users)[0]
        uri = {"uri_seconds": round(uri_seconds, 2), "uri_users_run": args.users, "uri_extrapolated": False}
    else:
        subset = min(int(args.uri_users), args.users)
        subset_seconds, per_user = run_uri_loop(bench, subset)
        uri_seconds = subset_seconds + per_user * (args.users - subset)
        uri = {"uri_seconds": round(uri_seconds, 2), "uri_extrapolated": True, "uri_users_run": subset,
               "uri_subset_seconds": round(subset_seconds, 2), "uri_seconds_per_user": round(per_user, 4),
               "uri_method": f"measured on {subset} users ({subset_seconds:.1f} s wall), extended linearly to "
                             f"{args.users} users at the loop's measured pace of {per_user:.4f} s per user "
                             "(lookup + assign, from the simulator log)"}
    speedup = uri_seconds / module.wall_seconds
    emit("speedup_vs_uri_loop", what="okta_app_assignment vs a loop of ansible.builtin.uri tasks (one request and "
         "one new connection per task run): plain Ansible, not the best alternative", users=args.users,
         groups=len(GROUPS), latency_ms=args.latency_ms, module_seconds=round(module.wall_seconds, 2),
         module_api_seconds=round(module.api_seconds, 2), module_calls=module.calls, module_result_ok=assigned,
         **uri, speedup=round(speedup, 1), target={"speedup_min": SPEEDUP_MIN},
         met=bool(assigned and speedup >= SPEEDUP_MIN))
