"""Run-time knobs set through `Simulator.configure()` / `POST /_sim/config`."""
from __future__ import annotations

import copy
import threading

DEFAULT_RATE_LIMIT = {"limit": 10000, "window": 60.0, "concurrency": 0, "families": {}}
DEFAULT_FAULTS = {"error_rate": 0.0, "error_status": 500, "latency_ms": 0, "drop_rate": 0.0,
                  "burst_429": None, "fail_users": [], "families": None, "seed": None, "drop_after": None,
                  "after_rate": 0.0, "after_kinds": None, "after_once": False,
                  "timeout_seconds": 5}
KNOWN = {"rate_limit", "faults", "published_api_only", "token_lifetime"}


class SimConfig:
    """Rate limits, faults, the published-API-only mode and the OAuth token lifetime."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.rate_limit = copy.deepcopy(DEFAULT_RATE_LIMIT)
        self.faults = copy.deepcopy(DEFAULT_FAULTS)
        self.published_api_only = False
        self.token_lifetime = None
        self.version = getattr(self, "version", 0) + 1

    def update(self, changes: dict) -> None:
        unknown = set(changes) - KNOWN
        if unknown:
            raise ValueError(f"unknown config keys: {sorted(unknown)}; known: {sorted(KNOWN)}")
        with self.lock:
            if "rate_limit" in changes:
                rate = changes["rate_limit"] or {}
                bad = set(rate) - set(DEFAULT_RATE_LIMIT)
                if bad:
                    raise ValueError(f"unknown rate_limit keys: {sorted(bad)}")
                windows = [rate.get("window", 1)] + [(f or {}).get("window", 1) for f in (rate.get("families") or {}).values()]
                if any(float(w) <= 0 for w in windows):
                    raise ValueError("rate_limit window must be a positive number of seconds")
                self.rate_limit = {**copy.deepcopy(DEFAULT_RATE_LIMIT), **rate}
            if "faults" in changes:
                faults = changes["faults"] or {}
                bad = set(faults) - set(DEFAULT_FAULTS)
                if bad:
                    raise ValueError(f"unknown faults keys: {sorted(bad)}")
                self.faults = {**copy.deepcopy(DEFAULT_FAULTS), **faults}
            if "published_api_only" in changes:
                self.published_api_only = bool(changes["published_api_only"])
            if "token_lifetime" in changes:
                self.token_lifetime = changes["token_lifetime"]
            self.version += 1

    def as_dict(self) -> dict:
        return {"rate_limit": copy.deepcopy(self.rate_limit), "faults": copy.deepcopy(self.faults),
                "published_api_only": self.published_api_only, "token_lifetime": self.token_lifetime}
