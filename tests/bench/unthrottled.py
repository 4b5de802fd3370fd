"""Figure `unthrottled_vs_sdk`: the module against the SDK script without rate limits, and `idempotent_rerun`.

Same simulator, same latency, same work (N users + 3 groups from an empty app). Targets: the module's API
time within 1.15x the concurrency floor (its calls x latency / workers: what 8 requests in flight at that
latency cannot beat), and its wall time within 1.05x the SDK script's (both are whole processes: Python,
Ansible or the SDK start-up included).
"""
from __future__ import annotations

from tests.bench.contenders import run_module, run_sdk
from tests.bench.workload import GROUPS, WORKERS, at_most, check_assigned, emit, minimum_calls, prepare, ratio

FLOOR_MAX = 1.15
WALL_VS_SDK_MAX = 1.05


def run(bench):
    args, sim = bench.args, bench.sim
    prepare(sim, args.users, args.latency_ms)
    module = run_module(bench, args.users)
    module_ok = check_assigned(sim, args.users)
    rerun = run_module(bench, args.users)
    prepare(sim, args.users, args.latency_ms)
    sdk = run_sdk(bench, args.users)
    sdk_ok = check_assigned(sim, args.users)

    floor = module.calls * args.latency_ms / 1000 / WORKERS
    floor_ratio = ratio(module.api_seconds, floor)
    wall_ratio = ratio(module.wall_seconds, sdk.wall_seconds)
    emit("unthrottled_vs_sdk", users=args.users, groups=len(GROUPS), latency_ms=args.latency_ms, workers=WORKERS,
         module=module.summary(), sdk_script=sdk.summary(), results_ok={"module": module_ok, "sdk_script": sdk_ok},
         concurrency_floor_seconds=round(floor, 2),
         floor_basis="module calls x latency / workers",
         module_api_vs_floor=floor_ratio, module_wall_vs_sdk_wall=wall_ratio,
         module_api_vs_sdk_api=ratio(module.api_seconds, sdk.api_seconds),
         target={"module_api_vs_floor_max": FLOOR_MAX, "module_wall_vs_sdk_wall_max": WALL_VS_SDK_MAX},
         met={"floor": at_most(floor_ratio, FLOOR_MAX), "wall_vs_sdk": at_most(wall_ratio, WALL_VS_SDK_MAX),
              "all": bool(module_ok and sdk_ok and at_most(floor_ratio, FLOOR_MAX) and at_most(wall_ratio, WALL_VS_SDK_MAX))})
    emit_rerun("idempotent_rerun", args, rerun, assigned_before=args.users)


def emit_rerun(name, args, rerun, assigned_before, **extra):
    """A run with nothing to change: its calls against the list pages + 3 (app, schema, one to spare), no write."""
    parts = minimum_calls(assigned_before, 0, 0, 0)[1]
    limit = parts["list_pages"] + 3
    emit(name, contender=rerun.contender, users=assigned_before, latency_ms=args.latency_ms, **extra, **rerun.summary(),
         list_pages=parts["list_pages"], target={"calls_max": limit, "writes": 0, "changed": False},
         met=bool(rerun.calls <= limit and rerun.writes == 0 and not rerun.changed))
