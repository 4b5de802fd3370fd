"""What every benchmark figure shares: the work (N users + 3 groups to assign to the Salesforce app), the
simulator set-up, the figures read from the simulator's log, the floors, and the JSON line each figure prints."""
from __future__ import annotations

import argparse
import copy
import json
import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.simulator import Simulator

APP_ID = "0oasalesforce0001"
DEFAULT_SEED = Path(__file__).resolve().parents[1] / "simulator" / "seeds" / "default.yaml"
GROUPS = ["Sales", "Support", "Salesforce Admins"]
USERS_PAGE = 500      # app-user list page (expand=user)
LOOKUP_BATCH = 50     # terms per search expression
WORKERS = 8           # the module's default max_workers, and the SDK script's concurrency


@dataclass
class Bench:
    """One benchmark run: the simulator every figure shares, a scratch directory and the options."""
    sim: Simulator
    workdir: Path
    args: argparse.Namespace


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


def prepare(sim, count, latency_ms, rate_limit=None):
    """A fresh org with `count` + 100 users and nothing assigned, the latency and limits set, the log empty."""
    sim.reset(seed=seed(count))
    sim.configure(faults={"latency_ms": latency_ms}, rate_limit=rate_limit or {})
    sim.clear_log()


def api_entries(log):
    return [entry for entry in log if entry["path"].startswith("/api/")]


def api_span(log):
    """Seconds from the first to the last Okta API answer in the simulator's log."""
    times = [entry["time"] for entry in api_entries(log)]
    return (max(times) - min(times)) if times else 0.0


def reads_before_writes(log):
    """Seconds from the first Okta API answer to the first write's: the reads the writes wait for."""
    entries = api_entries(log)
    first_write = [entry["time"] for entry in entries if entry["method"] != "GET"]
    return (min(first_write) - min(entry["time"] for entry in entries)) if first_write else None


def family_counts(log):
    counts = {}
    for entry in api_entries(log):
        family = entry.get("family") or "?"
        counts[family] = counts.get(family, 0) + 1
    return counts


def throttled(log):
    return sum(1 for entry in api_entries(log) if entry["status"] == 429)


def writes(log):
    return sum(1 for entry in api_entries(log) if entry["method"] != "GET")


def check_assigned(sim, count):
    """The wanted users have direct assignments (nobody else has one) and the three groups are assigned."""
    state = sim.state()["okta"]
    users = state["users"]
    direct = sorted(users[uid]["profile"]["login"] for uid, record in state["app_users"][APP_ID].items()
                    if record["scope"] == "USER")
    groups = sorted(state["groups"][gid]["profile"]["name"] for gid in state["app_groups"][APP_ID])
    return direct == sorted(u["login"] for u in wanted_users(count)) and groups == sorted(GROUPS)


def minimum_calls(assigned_before, to_look_up, groups_to_look_up, changes):
    """What the work cannot do with less, by part: reading the app and its app-user schema (profiles are given,
    so the attributes are checked), one page per 500 assigned users and one of groups, one search per 50
    logins or names, one write per change."""
    parts = {"app_and_schema": 2,
             "list_pages": max(1, math.ceil(assigned_before / USERS_PAGE)) + 1,
             "lookup_batches": math.ceil(to_look_up / LOOKUP_BATCH) + math.ceil(groups_to_look_up / LOOKUP_BATCH),
             "writes": changes}
    return sum(parts.values()), parts


def ratio(numerator, denominator, digits=3):
    return round(numerator / denominator, digits) if denominator else None


def at_most(value, limit):
    """`value` is known and within `limit` (a ratio of 0 / 0 is not known)."""
    return value is not None and value <= limit


def at_least(value, limit):
    return value is not None and value >= limit
