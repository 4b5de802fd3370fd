"""`make bench`: okta_app_assignment against the simulator, with latency and rate limits. One JSON line per figure.

Figures (each line names its figure, the numbers, the targets and whether they are met):
  speedup_vs_uri_loop                  2,000 users + 3 groups from empty: the module vs an ansible.builtin.uri
                                       loop (both real ansible-playbook processes, same simulator)
  idempotent_rerun                     then a rerun with nothing to change: its calls and wall time
  rate_limited_efficiency              the same assignments under 100 requests per 1 s window: API time against
                                       the floor the limit allows, and calls made against the minimum the work needs
  rate_limited_efficiency_long_window  the same under 500 requests per 10 s window (Okta's windows are ~60 s: here
                                       the margin after each reset and the client's own speed weigh less)
  idempotent_rerun_<figure>            the rerun after each rate-limited run

Usage: python -m tests.bench [--users 2000] [--latency-ms 30] [--uri-users 200|all] [--rate-limit 100 --rate-window 1]
                             [--only speedup|rate|rate-short|rate-long|sync]
(sync: okta_sf_sync_info, see tests/bench/sync_health.py)
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tests.ansible_env import ensure_collection_link
from tests.bench import sync_health
from tests.bench.playbooks import module_play, run_playbook, uri_play
from tests.simulator import Simulator

APP_ID = "0oasalesforce0001"
DEFAULT_SEED = Path(__file__).resolve().parents[1] / "simulator" / "seeds" / "default.yaml"
GROUPS = ["Sales", "Support", "Salesforce Admins"]
USERS_PAGE = 500
GROUPS_PAGE = 200
LOOKUP_BATCH = 50


def emit(figure, **numbers):
    print(json.dumps({"figure": figure, **numbers}), flush=True)


def wanted_users(count):
    return [{"login": f"user{n:04d}@acme.com", "profile": {"profile": "Standard User"}} for n in range(1, count + 1)]


def wanted_groups():
    return [{"name": name} for name in GROUPS]


def seed(count):
    data = copy.deepcopy(yaml.safe_load(DEFAULT_SEED.read_text()))
    data["okta"]["generate_users"]["count"] = count + 100
    return data


def minimum_calls(assigned_before, to_look_up, groups_to_look_up, writes):
    """What the work cannot do with less: list pages, lookup batches, one write per change."""
    pages = max(1, math.ceil(assigned_before / USERS_PAGE)) + 1
    batches = math.ceil(to_look_up / LOOKUP_BATCH) + math.ceil(groups_to_look_up / LOOKUP_BATCH)
    return pages, batches, writes


def api_span(log):
    """Seconds from the first to the last Okta API answer in the simulator's log."""
    times = [entry["time"] for entry in log if entry["path"].startswith("/api/")]
    return (max(times) - min(times)) if times else 0.0


def family_counts(log):
    counts = {}
    for entry in log:
        if entry["path"].startswith("/api/"):
            counts[entry.get("family") or "?"] = counts.get(entry.get("family") or "?", 0) + 1
    return counts


def check_assigned(sim, count):
    """The wanted users have direct assignments (nobody else has one) and the three groups are assigned."""
    state = sim.state()["okta"]
    users = state["users"]
    direct = sorted(users[uid]["profile"]["login"] for uid, record in state["app_users"][APP_ID].items()
                    if record["scope"] == "USER")
    groups = sorted(state["groups"][gid]["profile"]["name"] for gid in state["app_groups"][APP_ID])
    return direct == [u["login"] for u in wanted_users(count)] and groups == sorted(GROUPS)


def reset(sim, count, latency_ms, rate_limit=None):
    sim.reset(seed=seed(count))
    sim.configure(faults={"latency_ms": latency_ms}, rate_limit=rate_limit or {})
    sim.clear_log()


def run_module(sim, workdir, count):
    run = run_playbook(module_play(sim, APP_ID, wanted_users(count), wanted_groups()), workdir)
    result = run.result("assign")
    if run.rc != 0:
        raise SystemExit(f"okta_app_assignment failed (rc {run.rc}): {result.get('msg') or run.stdout[-2000:]}")
    return run, result


def run_uri_loop(sim, workdir, count, latency_ms, rate_limit=None):
    """Wall seconds of the uri playbook for `count` users, and its pace in seconds per user."""
    reset(sim, count, latency_ms, rate_limit)
    run = run_playbook(uri_play(sim, APP_ID, wanted_users(count), wanted_groups()), workdir)
    if run.rc != 0 or not check_assigned(sim, count):
        raise SystemExit(f"uri loop failed (rc {run.rc}): {run.stdout[-2000:]}")
    user_calls = [entry["time"] for entry in sim.request_log()
                  if entry["path"].startswith("/api/v1/users/") or entry["path"] == f"/api/v1/apps/{APP_ID}/users"]
    per_user = (max(user_calls) - min(user_calls)) / count if len(user_calls) > 1 else 0.0
    return run.seconds, per_user


def figure_speedup(sim, workdir, args):
    reset(sim, args.users, args.latency_ms)
    module_run, result = run_module(sim, workdir, args.users)
    module_api_seconds = api_span(sim.request_log())
    assigned = check_assigned(sim, args.users)
    rerun = figure_rerun(sim, workdir, args, "idempotent_rerun")

    if args.uri_users == "all":
        uri_seconds = run_uri_loop(sim, workdir, args.users, args.latency_ms)[0]
        uri = {"uri_seconds": round(uri_seconds, 2), "uri_users_run": args.users, "uri_extrapolated": False}
    else:
        # Measured on a subset, then extended linearly: the loop's per-user pace (from the simulator log)
        # times the users the subset left out, added to the subset's measured wall time.
        subset = min(int(args.uri_users), args.users)
        subset_seconds, per_user = run_uri_loop(sim, workdir, subset, args.latency_ms)
        uri_seconds = subset_seconds + per_user * (args.users - subset)
        uri = {"uri_seconds": round(uri_seconds, 2), "uri_extrapolated": True, "uri_users_run": subset,
               "uri_subset_seconds": round(subset_seconds, 2), "uri_seconds_per_user": round(per_user, 3),
               "uri_method": f"measured on {subset} users ({subset_seconds:.1f} s wall), extrapolated linearly to "
                             f"{args.users} users at the loop's measured pace of {per_user:.3f} s per user "
                             "(lookup + assign, from the simulator log)"}
    ratio = uri_seconds / module_run.seconds
    emit("speedup_vs_uri_loop", users=args.users, groups=len(GROUPS), latency_ms=args.latency_ms,
         module_seconds=round(module_run.seconds, 2), module_api_seconds=round(module_api_seconds, 2),
         module_api_calls=result["api_calls"], module_result_ok=assigned,
         **uri, speedup=round(ratio, 1), target={"speedup_min": 20}, met=bool(assigned and ratio >= 20))
    return rerun


def figure_rerun(sim, workdir, args, name):
    sim.clear_log()
    run, result = run_module(sim, workdir, args.users)
    log = sim.request_log()
    writes = sum(1 for entry in log if entry["method"] != "GET" and entry["path"].startswith("/api/"))
    calls = result["api_calls"]["total"]
    pages, batches = minimum_calls(args.users, 0, 0, 0)[:2]
    # +2: finding the app, and reading the app-user schema because profiles are given
    limit = pages + batches + 2
    emit(name, users=args.users, latency_ms=args.latency_ms, changed=result["changed"], api_calls=result["api_calls"],
         writes=writes, list_pages=pages, lookup_batches=batches, wall_seconds=round(run.seconds, 2),
         api_seconds=round(api_span(log), 2), target={"calls_max": limit, "writes": 0},
         met=bool(calls <= limit and writes == 0 and not result["changed"]))
    return result


def figure_rate_limited(sim, workdir, args, name, limit, window):
    reset(sim, args.users, args.latency_ms, rate_limit={"limit": limit, "window": window})
    run, result = run_module(sim, workdir, args.users)
    log = sim.request_log()
    assigned = check_assigned(sim, args.users)
    calls = result["api_calls"]["total"]
    throttled = sum(1 for entry in log if entry["status"] == 429)
    span = api_span(log)
    floor = calls / limit * window
    # The simulator, like Okta, counts each endpoint family in its own window: the busiest one sets the floor.
    families = family_counts(log)
    family_floor = max(families.values()) / limit * window
    pages, batches, writes = minimum_calls(0, args.users, len(GROUPS), args.users + len(GROUPS))
    minimum = pages + batches + writes
    time_ratio = span / floor
    calls_ratio = calls / minimum
    emit(name, users=args.users, groups=len(GROUPS), latency_ms=args.latency_ms,
         rate_limit={"limit": limit, "window_seconds": window}, api_calls=result["api_calls"], http_429=throttled,
         calls_by_family=families, module_result_ok=assigned,
         wall_seconds=round(run.seconds, 2), api_seconds=round(span, 2),
         floor_seconds=round(floor, 2), busiest_family_floor_seconds=round(family_floor, 2),
         time_ratio=round(time_ratio, 3), time_ratio_wall=round(run.seconds / floor, 3),
         time_ratio_busiest_family=round(span / family_floor, 3),
         time_ratio_basis="api_seconds (first to last API answer in the simulator log) / (calls / limit x window); "
                          "time_ratio_wall adds ansible-playbook start-up",
         minimum_calls=minimum, minimum_breakdown={"list_pages": pages, "lookup_batches": batches, "writes": writes},
         calls_ratio=round(calls_ratio, 4), target={"time_ratio_max": 1.2, "calls_ratio_max": 1.1},
         met=bool(assigned and time_ratio <= 1.2 and calls_ratio <= 1.1))
    figure_rerun(sim, workdir, args, f"idempotent_rerun_{name}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=30)
    parser.add_argument("--uri-users", default="200", help="users in the measured uri loop run (then extrapolated), or 'all'")
    parser.add_argument("--rate-limit", type=int, default=100, help="requests per window per endpoint family")
    parser.add_argument("--rate-window", type=float, default=1.0, help="window length in seconds")
    parser.add_argument("--long-window-limit", type=int, default=500,
                        help="second rate-limit run: requests per long window (Okta's windows are about 60 s)")
    parser.add_argument("--long-window", type=float, default=10.0, help="second rate-limit run: window length")
    parser.add_argument("--only", choices=["speedup", "rate", "rate-short", "rate-long", "sync"],
                        help="run one part only (rate: both rate-limited figures; rate-short / rate-long: one of them)")
    args = parser.parse_args(argv)
    ensure_collection_link()
    started = time.monotonic()
    if args.only in (None, "sync"):   # okta_sf_sync_info: tests/bench/sync_health.py, its own simulator and sizes
        sync_health.run_figures()
        if args.only == "sync":
            return
    with tempfile.TemporaryDirectory(prefix="okta-bench-") as workdir:
        with Simulator(seed=seed(args.users), workdir=Path(workdir) / "sim", subprocess=True) as sim:
            if args.only in (None, "speedup"):
                figure_speedup(sim, workdir, args)
            if args.only in (None, "rate", "rate-short"):
                figure_rate_limited(sim, workdir, args, "rate_limited_efficiency", args.rate_limit, args.rate_window)
            if args.only in (None, "rate", "rate-long"):
                figure_rate_limited(sim, workdir, args, "rate_limited_efficiency_long_window",
                                    args.long_window_limit, args.long_window)
    print(f"bench finished in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
