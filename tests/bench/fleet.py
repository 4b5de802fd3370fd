"""Figure `fleet`: one playbook over --fleet-orgs orgs (default 10 simulators, one process each) with as many
forks, against the same playbook on one of them. Each org: --fleet-users users + 3 groups from an empty app,
at the same latency. Target: the fleet's wall time within 2.5x a single org's.
"""
from __future__ import annotations

import os
from pathlib import Path

from tests.bench.playbooks import fleet_play, run_playbook
from tests.bench.workload import APP_ID, WORKERS, at_most, check_assigned, emit, prepare, ratio, seed, wanted_groups, wanted_users
from tests.simulator import Simulator

FLEET_MAX = 2.5


def inventory(sims):
    hosts = {f"org{n:02d}": {"okta_org_url": sim.url, "okta_api_token": sim.api_token, "okta_ca_path": sim.ca_path}
             for n, sim in enumerate(sims)}
    return {"orgs": {"hosts": hosts}}


def run_fleet(bench, sims, count):
    for sim in sims:
        prepare(sim, count, bench.args.latency_ms)
    play = fleet_play(APP_ID, wanted_users(count), wanted_groups(), max_workers=WORKERS)
    run = run_playbook(play, bench.workdir, inventory=inventory(sims), forks=len(sims))
    if run.rc != 0:
        raise SystemExit(f"the fleet playbook failed (rc {run.rc}): {run.stdout[-3000:]}")
    return run, all(check_assigned(sim, count) for sim in sims)


def run(bench):
    args = bench.args
    count = args.fleet_users
    sims = [bench.sim]
    try:
        for n in range(1, args.fleet_orgs):
            sims.append(Simulator(seed=seed(count), workdir=Path(bench.workdir) / f"sim-org{n:02d}", subprocess=True))
        single, single_ok = run_fleet(bench, sims[:1], count)
        fleet, fleet_ok = run_fleet(bench, sims, count)
    finally:
        for sim in sims[1:]:
            sim.close()
    fleet_ratio = ratio(fleet.seconds, single.seconds)
    emit("fleet", orgs=len(sims), forks=len(sims), users_per_org=count, groups_per_org=3, latency_ms=args.latency_ms,
         single_org_wall_seconds=round(single.seconds, 2), fleet_wall_seconds=round(fleet.seconds, 2),
         playbook_cpu_seconds={"single": round(single.cpu_seconds, 1), "fleet": round(fleet.cpu_seconds, 1)},
         cpu_basis="user + system CPU of ansible-playbook and its modules (the simulators' own not included); "
                   f"this machine has {os.cpu_count()} CPUs",
         fleet_vs_single=fleet_ratio, results_ok={"single": single_ok, "fleet": fleet_ok},
         target={"fleet_vs_single_max": FLEET_MAX},
         met=bool(single_ok and fleet_ok and at_most(fleet_ratio, FLEET_MAX)))
