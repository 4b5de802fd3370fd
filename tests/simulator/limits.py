"""Okta-style rate limits: a fixed window per endpoint family, plus an org-wide concurrency limit.

Every Okta answer carries X-Rate-Limit-Limit / -Remaining / -Reset (epoch seconds when the
window ends). When a family's window is spent the answer is 429 E0000047; when too many requests
are in flight it is 429 with Limit and Remaining both 0, as Okta reports its concurrency limit.

Windows are fixed and aligned on the epoch clock, as Okta's are: a window of W seconds runs from
a multiple of W to the next one, so for whole-second windows X-Rate-Limit-Reset is the exact
instant the budget refills (a window started at the first request would end up to a second
before the whole second it announces).
"""
from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self, config, clock=time.time):
        self.config = config
        self.clock = clock
        self.lock = threading.Lock()
        self.windows = {}        # family -> [start, count]
        self.in_flight = 0
        self.config_version = None

    def _limits(self, family: str) -> tuple[int, float]:
        rate = self.config.rate_limit
        override = (rate.get("families") or {}).get(family) or {}
        return int(override.get("limit", rate["limit"])), float(override.get("window", rate["window"]))

    def acquire(self, family: str) -> tuple[bool, dict]:
        """(allowed, headers). An allowed request must be `release()`d when answered."""
        now = self.clock()
        with self.lock:
            if self.config_version != self.config.version:
                self.windows, self.config_version = {}, self.config.version
            concurrency = int(self.config.rate_limit.get("concurrency") or 0)
            if concurrency and self.in_flight >= concurrency:
                return False, {"X-Rate-Limit-Limit": "0", "X-Rate-Limit-Remaining": "0",
                               "X-Rate-Limit-Reset": str(math.ceil(now + 1))}
            limit, window = self._limits(family)
            start = math.floor(now / window) * window
            slot = self.windows.get(family)
            if slot is None or slot[0] != start:
                slot = self.windows[family] = [start, 0]
            reset = str(math.ceil(start + window))
            if slot[1] >= limit:
                return False, {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset}
            slot[1] += 1
            self.in_flight += 1
            return True, {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(max(0, limit - slot[1])),
                          "X-Rate-Limit-Reset": reset}

    def release(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def exhausted_headers(self, family: str, reset_seconds: float) -> dict:
        limit = self._limits(family)[0]
        return {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": "0",
                "X-Rate-Limit-Reset": str(math.ceil(self.clock() + reset_seconds))}
