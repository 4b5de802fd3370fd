"""Figures `rate_limited_<name>`: the module against the SDK script under Okta-style rate limits.

Each limit set: the module from an empty app, then its idempotent rerun; the SDK script from the same empty
app, then its rerun; the two reruns' costs side by side. The simulator, like Okta, counts each endpoint family
in its own fixed window (aligned on the epoch clock), so the busiest family sets the floor: its calls / its
limit x the window. Targets: module API time within 1.05x that floor, no HTTP 429, and at least 1.3x faster
than the SDK script (API time, first to last API answer: start-up left out of both; with 60 s windows, where
each contender starts just after a window begins, the wall time from that start).

Limit sets:
- `100_per_1s`, `50_per_1s`: that many requests per 1 s window in every family.
- `okta_like_60s`: 60 s windows with Okta's documented per-minute limits for an Enterprise org, scaled by
  --okta-scale (default 10) so that 2,000 users need a couple of windows, not 20 minutes, and Okta's
  concurrency limit of 75 requests in flight (not scaled: it is not a rate).
  Source, "Management rate limits" (https://developer.okta.com/docs/reference/rl-global-mgmt/), Enterprise
  column, per minute: /api/v1/apps and /api/v1/apps/* including /api/v1/apps/{id}/* 100; /api/v1/apps/{id}
  600; /api/v1/groups (list, search) 600; /api/v1/users (GET, POST) 600; most other /api/v1 600. Concurrency:
  "Additional rate limits" (https://developer.okta.com/docs/reference/rl-additional-limits/): 75 for an
  Enterprise org. The simulator keeps app users and app groups in two families where Okta counts them in one
  (/api/v1/apps/*); with 3 group calls here the difference is 3 requests.
  A long window makes the start time matter (a run that starts late in a window gets a partial first window),
  so each contender is started just after a window begins.
"""
from __future__ import annotations

import time

from tests.bench.contenders import run_module, run_sdk
from tests.bench.unthrottled import emit_rerun
from tests.bench.workload import GROUPS, at_least, at_most, check_assigned, emit, minimum_calls, prepare, ratio

FLOOR_MAX = 1.05
SPEEDUP_MIN = 1.3
OKTA_ENTERPRISE_PER_MINUTE = {"apps": 100, "app": 600, "app_users": 100, "app_groups": 100, "users": 600,
                              "groups": 600, "schemas": 600, "api": 600}
OKTA_CONCURRENCY = 75
ALIGN_WINDOWS_FROM = 10.0   # seconds: windows this long or longer are waited for before each contender starts


def okta_like(scale):
    families = {family: {"limit": limit * scale, "window": 60.0} for family, limit in OKTA_ENTERPRISE_PER_MINUTE.items()}
    return {"limit": 600 * scale, "window": 60.0, "concurrency": OKTA_CONCURRENCY, "families": families}


def limit_sets(args):
    return {
        "100_per_1s": {"limit": 100, "window": 1.0},
        "50_per_1s": {"limit": 50, "window": 1.0},
        "okta_like_60s": okta_like(args.okta_scale),
    }


def family_limit(rate_limit, family):
    override = (rate_limit.get("families") or {}).get(family) or {}
    return override.get("limit", rate_limit["limit"]), override.get("window", rate_limit["window"])


def busiest_family_floor(rate_limit, calls_by_family):
    """(seconds, family): the family whose calls need the most windows, and how long those windows last."""
    floors = {family: calls / family_limit(rate_limit, family)[0] * family_limit(rate_limit, family)[1]
              for family, calls in calls_by_family.items()}
    family = max(floors, key=floors.get)
    return floors[family], family


def start_of_window(window):
    """Sleep until just after the next window of `window` seconds begins (long windows only)."""
    if window >= ALIGN_WINDOWS_FROM:
        time.sleep(window - time.time() % window + 0.05)


def run_limit_set(bench, name):
    args, sim = bench.args, bench.sim
    rate_limit = limit_sets(args)[name]
    window = rate_limit["window"]

    prepare(sim, args.users, args.latency_ms, rate_limit)
    start_of_window(window)
    module = run_module(bench, args.users)
    module_ok = check_assigned(sim, args.users)
    module_rerun = run_module(bench, args.users)

    prepare(sim, args.users, args.latency_ms, rate_limit)
    start_of_window(window)
    sdk = run_sdk(bench, args.users)
    sdk_ok = check_assigned(sim, args.users)
    sdk_rerun = run_sdk(bench, args.users)

    floor, family = busiest_family_floor(rate_limit, module.calls_by_family)
    minimum, parts = minimum_calls(0, args.users, len(GROUPS), args.users + len(GROUPS))
    floor_ratio = ratio(module.api_seconds, floor)
    aligned = window >= ALIGN_WINDOWS_FROM
    # Started at a window's start, the run ends when the busiest family's last window opens, whenever its first
    # call went: the process time from that start is what compares. With 1 s windows, the API time does.
    speedup = ratio(sdk.wall_seconds, module.wall_seconds) if aligned else ratio(sdk.api_seconds, module.api_seconds)
    met = {"floor": at_most(floor_ratio, FLOOR_MAX), "no_429": module.http_429 == 0, "vs_sdk": at_least(speedup, SPEEDUP_MIN)}
    emit(f"rate_limited_{name}", users=args.users, groups=len(GROUPS), latency_ms=args.latency_ms, rate_limit=rate_limit,
         module=module.summary(), sdk_script=sdk.summary(), results_ok={"module": module_ok, "sdk_script": sdk_ok},
         busiest_family=family, busiest_family_floor_seconds=round(floor, 2),
         module_api_vs_floor=floor_ratio, sdk_vs_module=speedup,
         module_after_reads_vs_floor=ratio(module.api_seconds - (module.reads_before_writes_seconds or 0), floor),
         sdk_vs_module_basis="wall time, each started just after a window begins" if aligned else "API time",
         sdk_api_vs_module_api=ratio(sdk.api_seconds, module.api_seconds),
         sdk_wall_vs_module_wall=ratio(sdk.wall_seconds, module.wall_seconds),
         module_calls_vs_minimum=ratio(module.calls, minimum, 4), minimum_calls=minimum, minimum_breakdown=parts,
         reruns={"module": module_rerun.summary(), "sdk_script": sdk_rerun.summary()},
         basis="API time: first to last Okta API answer in the simulator log; floor: the busiest family's calls / "
               "its limit x its window",
         target={"module_api_vs_floor_max": FLOOR_MAX, "module_http_429": 0, "sdk_vs_module_min": SPEEDUP_MIN},
         met={**met, "all": bool(module_ok and sdk_ok and all(met.values()))})
    emit_rerun(f"idempotent_rerun_rate_limited_{name}", args, module_rerun, args.users)


def runner(name):
    def run(bench):
        run_limit_set(bench, name)
    run.__doc__ = f"the module vs the SDK script under the {name} limits"
    return run
