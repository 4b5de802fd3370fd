"""Fault injection for client robustness tests: latency, dropped connections, 429 bursts, 5xx.

Applies to the Okta API families unless `faults.families` names others (for example
"oauth2" or "salesforce"). `fail_users` is handled by the assignment handler itself.
`drop_after` ({"[METHOD ]/path": n}) is the one fault decided after the handler ran: the request
is handled (the state changes, a token is issued) and its answer is lost, the first n times.
"""
from __future__ import annotations

import random
import threading
import time

from .wire import Response, okta_error

OKTA_FAMILIES = {"apps", "app", "app_users", "app_groups", "users", "groups", "schemas", "api"}


class FaultInjector:
    def __init__(self, config, limiter):
        self.config = config
        self.limiter = limiter
        self.lock = threading.Lock()
        self.config_version = None
        self.random = random.Random()
        self.count = 0
        self.dropped_after = {}

    def _sync(self) -> None:
        if self.config_version != self.config.version:
            self.config_version = self.config.version
            self.random = random.Random(self.config.faults.get("seed"))
            self.count = 0
            self.dropped_after = {}

    def before(self, family: str, request_id: str) -> Response | None:
        """An injected answer for this request, or None to handle it normally."""
        faults = self.config.faults
        families = set(faults.get("families") or OKTA_FAMILIES)
        if family not in families:
            return None
        latency = float(faults.get("latency_ms") or 0)
        if latency:
            time.sleep(latency / 1000.0)
        with self.lock:
            self._sync()
            self.count += 1
            count = self.count
            drop = self.random.random() < float(faults.get("drop_rate") or 0)
            error = self.random.random() < float(faults.get("error_rate") or 0)
        if drop:
            return Response(0, drop=True, fault="drop")
        burst = faults.get("burst_429")
        if burst:
            every, size = int(burst.get("every", 10)), int(burst.get("count", 1))
            if (count - 1) % (every + size) >= every:
                answer = okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.",
                                    request_id=request_id,
                                    headers=self.limiter.exhausted_headers(family, float(burst.get("reset_seconds", 1))))
                answer.fault = "burst_429"
                return answer
        if error:
            status = int(faults.get("error_status") or 500)
            if status in (502, 504):
                answer = Response(status, b"<html><body><h1>Bad gateway</h1></body></html>", {"Content-Type": "text/html"})
            else:
                answer = okta_error(status, "E0000009", "Internal Server Error", request_id=request_id)
            answer.fault = "error"
            return answer
        return None

    def after(self, method: str, path: str) -> Response | None:
        """A lost answer for a request that was handled (`drop_after`), or None to send the handler's answer."""
        rules = self.config.faults.get("drop_after") or {}
        if not rules:
            return None
        path = path.rstrip("/") or "/"
        with self.lock:
            self._sync()
            for key in (f"{method} {path}", path):
                if key in rules and self.dropped_after.get(key, 0) < int(rules[key]):
                    self.dropped_after[key] = self.dropped_after.get(key, 0) + 1
                    return Response(0, drop=True, fault="drop_after")
        return None
