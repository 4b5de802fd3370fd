"""Fault injection for client robustness tests: latency, dropped connections, 429 bursts, 5xx, and
answers lost after the handler applied a write.

Applies to the Okta API families unless `faults.families` names others (for example
"oauth2" or "salesforce"). `fail_users` is handled by the assignment handler itself.

Two moments:
- before the handler (`before`): `drop_rate` (reset), `burst_429`, `error_rate` (5xx): nothing is written.
- after the handler (`after`), for a write it applied (2xx): `drop_after` ({"[METHOD ]/path": n}, the first n
  times) and `after_rate` (that share of the writes, chosen by the seeded RNG), lost as one of `after_kinds`:
  "reset" (connection reset), "502" (a gateway page) or "timeout" (the answer held `timeout_seconds`, past the
  client's timeout). Writes are POST/PUT/DELETE/PATCH under /api and the token endpoint (family "oauth2").
  With `after_once`, each method and path loses at most one answer (with `after_rate: 1.0`: the first write
  to every endpoint loses its answer, and its resend is answered).

Every injected fault is counted here, by kind, from the moment it is decided (`counts()`); tests read the
counts through `GET /_sim/faults`, never from their own tally.
"""
from __future__ import annotations

import collections
import random
import threading
import time

from .wire import Response, okta_error

OKTA_FAMILIES = {"apps", "app", "app_users", "app_groups", "users", "groups", "schemas", "logs", "api"}
WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}
AFTER_KINDS = ("reset", "502", "timeout")
# The log's `fault` values, by category (a fault may be in several: an after-handler 502 is also a 5xx).
CATEGORIES = {
    "before_handler": ("drop", "error", "burst_429"),
    "after_handler": ("drop_after", "after_reset", "after_502", "after_timeout"),
    "429": ("burst_429",),
    "5xx": ("error", "after_502"),
    "reset": ("drop", "drop_after", "after_reset"),
    "timeout": ("after_timeout",),
}


def gateway_page(status: int) -> Response:
    """What a load balancer answers when the server behind it failed: an HTML page, not Okta's JSON."""
    return Response(status, b"<html><body><h1>Bad gateway</h1></body></html>", {"Content-Type": "text/html"})


class FaultInjector:
    def __init__(self, config, limiter):
        self.config = config
        self.limiter = limiter
        self.lock = threading.Lock()
        self.config_version = None
        self.random = random.Random()
        self.count = 0
        self.dropped_after = {}
        self.lost_once = set()
        self.injected = collections.Counter()   # log `fault` value -> times injected (kept across config changes)

    def _sync(self) -> None:
        if self.config_version != self.config.version:
            self.config_version = self.config.version
            self.random = random.Random(self.config.faults.get("seed"))
            self.count = 0
            self.dropped_after = {}
            self.lost_once = set()

    def _families(self) -> set:
        return set(self.config.faults.get("families") or OKTA_FAMILIES)

    def _mark(self, answer: Response, kind: str) -> Response:
        answer.fault = kind
        with self.lock:
            self.injected[kind] += 1
        return answer

    def before(self, family: str, request_id: str) -> Response | None:
        """An injected answer for this request, or None to handle it normally."""
        faults = self.config.faults
        if family not in self._families():
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
            return self._mark(Response(0, drop=True), "drop")
        burst = faults.get("burst_429")
        if burst:
            every, size = int(burst.get("every", 10)), int(burst.get("count", 1))
            if (count - 1) % (every + size) >= every:
                answer = okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.",
                                    request_id=request_id,
                                    headers=self.limiter.exhausted_headers(family, float(burst.get("reset_seconds", 1))))
                return self._mark(answer, "burst_429")
        if error:
            status = int(faults.get("error_status") or 500)
            if status in (502, 504):
                answer = gateway_page(status)
            else:
                answer = okta_error(status, "E0000009", "Internal Server Error", request_id=request_id)
            return self._mark(answer, "error")
        return None

    def after(self, method: str, path: str, family: str, answer: Response) -> Response | None:
        """A lost answer for a request that was handled, or None to send the handler's answer."""
        faults = self.config.faults
        rules = faults.get("drop_after") or {}
        path = path.rstrip("/") or "/"
        if rules:
            with self.lock:
                self._sync()
                for key in (f"{method} {path}", path):
                    if key in rules and self.dropped_after.get(key, 0) < int(rules[key]):
                        self.dropped_after[key] = self.dropped_after.get(key, 0) + 1
                        self.injected["drop_after"] += 1
                        return Response(0, drop=True, fault="drop_after")
        rate = float(faults.get("after_rate") or 0)
        is_write = method in WRITE_METHODS and (path.startswith("/api/") or family == "oauth2")
        if not rate or not is_write or family not in self._families() or not 200 <= answer.status < 300:
            return None
        kinds = [str(kind) for kind in (faults.get("after_kinds") or AFTER_KINDS)]
        with self.lock:
            self._sync()
            once_key = f"{method} {path}"
            if faults.get("after_once") and once_key in self.lost_once:
                return None
            if self.random.random() >= rate:
                return None
            kind = kinds[self.random.randrange(len(kinds))]
            self.lost_once.add(once_key)
        if kind == "reset":
            return self._mark(Response(0, drop=True), "after_reset")
        if kind == "502":
            return self._mark(gateway_page(502), "after_502")
        if kind == "timeout":
            late = Response(answer.status, answer.body, dict(answer.headers),
                            delay=float(faults.get("timeout_seconds") or 5))
            return self._mark(late, "after_timeout")
        raise ValueError(f"unknown after_kinds entry {kind!r}; known: {', '.join(AFTER_KINDS)}")

    def counts(self) -> dict:
        """{"injected": {kind: n}, "by_category": {category: n}} of every fault injected since the last clear."""
        with self.lock:
            injected = dict(self.injected)
        return {"injected": injected,
                "by_category": {name: sum(injected.get(kind, 0) for kind in kinds) for name, kinds in CATEGORIES.items()}}

    def clear(self) -> None:
        with self.lock:
            self.injected.clear()
