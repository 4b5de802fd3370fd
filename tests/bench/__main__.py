"""`make bench`: okta_app_assignment against the simulator, with latency and rate limits. One JSON line per figure.

Each line names its figure, the numbers, the targets and whether they are met. Every ratio compares runs of
the same invocation, on the same simulator, at the same latency, doing the same work. The figures (one
module each in tests/bench/; --only picks some):

  unthrottled  unthrottled_vs_sdk, idempotent_rerun: the module vs a script on Okta's Python SDK
               (okta_sdk_script.py), no rate limit
  rate-100     rate_limited_100_per_1s (+ its rerun figure): 100 requests per 1 s window per family
  rate-50      rate_limited_50_per_1s: 50 requests per 1 s window per family
  rate-okta    rate_limited_okta_like_60s: 60 s windows, Okta's per-minute limits scaled, concurrency 75
  rate         the three rate-limited figures
  scale        scale (+ idempotent_rerun_scale): 20,000 users, calls, rerun, the module process's peak memory
  fleet        fleet: 10 orgs (10 simulators) in one playbook with 10 forks vs one org
  uri          speedup_vs_uri_loop: the module vs a loop of ansible.builtin.uri tasks
  sync         sync_health_*: okta_sf_sync_info on 2,000 and 20,000 users with 2% disagreement of each kind
               (requests against the minimum on each side, the module process's peak memory)

To add a figure: a module in tests/bench/ with `run(bench)` (bench: .sim, .workdir, .args), printing its
lines with workload.emit(), and one entry in FIGURES below.

Usage: python -m tests.bench [--only unthrottled,rate,...] [--users 2000] [--latency-ms 30] [--scale-users 20000]
                             [--fleet-orgs 10 --fleet-users 500] [--uri-users 100|all] [--okta-scale 10]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.ansible_env import ensure_collection_link
from tests.bench import fleet, rate_limited, scale, sync_health, unthrottled, uri_loop
from tests.bench.workload import Bench, seed
from tests.simulator import Simulator

# name -> run(bench); in the order `make bench` runs them
FIGURES = {
    "unthrottled": unthrottled.run,
    "rate-100": rate_limited.runner("100_per_1s"),
    "rate-50": rate_limited.runner("50_per_1s"),
    "rate-okta": rate_limited.runner("okta_like_60s"),
    "scale": scale.run,
    "fleet": fleet.run,
    "uri": uri_loop.run,
    "sync": lambda bench: sync_health.run_figures(),   # its own simulator and sizes (2,000 and 20,000 users)
}
ALIASES = {"rate": ["rate-100", "rate-50", "rate-okta"]}


def selected(only):
    """The figure names --only names (comma-separated, aliases expanded), in FIGURES order; all without --only."""
    if not only:
        return list(FIGURES)
    names = set()
    for name in only.split(","):
        name = name.strip()
        if name not in FIGURES and name not in ALIASES:
            raise SystemExit(f"--only: unknown figure {name!r}; known: {', '.join([*FIGURES, *ALIASES])}")
        names.update(ALIASES.get(name, [name]))
    return [name for name in FIGURES if name in names]


def parser():
    parse = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0],
                                    formatter_class=argparse.RawDescriptionHelpFormatter,
                                    epilog="\n".join(__doc__.splitlines()[2:]))
    parse.add_argument("--only", help="comma-separated figures: " + ", ".join([*FIGURES, *ALIASES]))
    parse.add_argument("--users", type=int, default=2000)
    parse.add_argument("--latency-ms", type=int, default=30)
    parse.add_argument("--scale-users", type=int, default=20000)
    parse.add_argument("--fleet-orgs", type=int, default=10)
    parse.add_argument("--fleet-users", type=int, default=500, help="users per org in the fleet figure")
    parse.add_argument("--uri-users", default="100", help="users in the measured uri loop run (then extended), or 'all'")
    parse.add_argument("--okta-scale", type=int, default=10,
                       help="okta-like limits: Okta's per-minute limits times this, per 60 s window")
    return parse


def main(argv=None):
    args = parser().parse_args(argv)
    names = selected(args.only)
    ensure_collection_link()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="okta-bench-") as workdir:
        with Simulator(seed=seed(args.users), workdir=Path(workdir) / "sim", subprocess=True) as sim:
            bench = Bench(sim=sim, workdir=Path(workdir), args=args)
            for name in names:
                figure_started = time.monotonic()
                FIGURES[name](bench)
                print(f"{name}: {time.monotonic() - figure_started:.0f} s", file=sys.stderr, flush=True)
    print(f"bench finished in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
