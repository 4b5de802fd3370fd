"""Figure `scale`: the module on --scale-users (default 20,000) users + 3 groups from an empty app, unthrottled.

Wall time; calls against the minimum the work needs (within 1.02x); the idempotent rerun (within the list
pages + 3 calls, no write); and the module process's peak memory, within 2x the same figure for --users
(2,000). Peak memory is the module's own process: ansible_python_interpreter is a wrapper that runs the real
Python as its child and reads the child's peak resident set size (getrusage RUSAGE_CHILDREN ru_maxrss) when
it exits; Ansible's AnsiballZ runs the module inside that child. ansible-playbook's own memory is left out.
"""
from __future__ import annotations

from tests.bench.contenders import run_module
from tests.bench.unthrottled import emit_rerun
from tests.bench.workload import GROUPS, at_most, check_assigned, emit, minimum_calls, prepare, ratio

CALLS_MAX = 1.02
MEMORY_MAX = 2.0


def run(bench):
    args, sim = bench.args, bench.sim
    prepare(sim, args.users, args.latency_ms)
    small = run_module(bench, args.users, measure_memory=True)

    prepare(sim, args.scale_users, args.latency_ms)
    large = run_module(bench, args.scale_users, measure_memory=True)
    large_ok = check_assigned(sim, args.scale_users)
    rerun = run_module(bench, args.scale_users)

    minimum, parts = minimum_calls(0, args.scale_users, len(GROUPS), args.scale_users + len(GROUPS))
    calls_ratio = ratio(large.calls, minimum, 4)
    memory_ratio = ratio(large.peak_rss_mib, small.peak_rss_mib)
    rerun_parts = minimum_calls(args.scale_users, 0, 0, 0)[1]
    rerun_ok = rerun.calls <= rerun_parts["list_pages"] + 3 and rerun.writes == 0 and not rerun.changed
    met = {"calls": at_most(calls_ratio, CALLS_MAX), "rerun": rerun_ok, "memory": at_most(memory_ratio, MEMORY_MAX)}
    emit("scale", users=args.scale_users, groups=len(GROUPS), latency_ms=args.latency_ms, module=large.summary(),
         result_ok=large_ok, minimum_calls=minimum, minimum_breakdown=parts, calls_vs_minimum=calls_ratio,
         rerun={**rerun.summary(), "list_pages": rerun_parts["list_pages"]},
         peak_rss_mib={str(args.users): small.peak_rss_mib, str(args.scale_users): large.peak_rss_mib},
         memory_vs_small=memory_ratio,
         memory_basis="peak RSS of the module's own process (getrusage of the interpreter Ansible starts for it)",
         target={"calls_vs_minimum_max": CALLS_MAX, "rerun_calls_max": rerun_parts["list_pages"] + 3,
                 "memory_vs_small_max": MEMORY_MAX},
         met={**met, "all": bool(large_ok and all(met.values()))})
    emit_rerun("idempotent_rerun_scale", args, rerun, args.scale_users)
