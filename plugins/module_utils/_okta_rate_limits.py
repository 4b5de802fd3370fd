# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Okta rate limits for OktaClient: the server's clock, and when the next request of a family may go.

Internal to this collection; the interface may change without notice (see docs/development.md).

Okta counts requests per endpoint family in fixed windows, and every answer tells the budget left
(X-Rate-Limit-Remaining) and the epoch second the window ends (X-Rate-Limit-Reset), by Okta's clock.
The Date header gives that clock only to the second, but each answer bounds the offset between the
two clocks, and many answers together pin it down to about the network delay. Knowing it, the client
spends a window's budget at full speed and, once it is spent, sends again just after the reset:
spreading the last requests over an estimate up to a second off would waste most of a short window,
and sending before the reset earns a 429.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass

# Okta's rate-limit windows are about a minute: never sleep longer than this for one wait.
MAX_RATE_LIMIT_WAIT = 120.0
# Requests of each window left unspent: room for another client of the org (its use shows up in Remaining late).
PACE_RESERVE = 1
# Send again this long after the reset, by the earliest the server's clock can read.
RESET_MARGIN = 0.05
# Until an answer with a Date header arrives, assume the server's clock is at most this far behind ours.
UNKNOWN_CLOCK_SLACK = 1.0
# While a spent family still has requests in flight, ask again this often: once they are all answered the
# budget is known exactly and may be larger than the cautious count said.
DRAIN_POLL = 0.02


def header_int(headers, name):
    try:
        return int(headers.get(name))
    except (TypeError, ValueError):
        return None


def header_date(headers):
    """The Date header as epoch seconds, or None."""
    try:
        return email.utils.parsedate_to_datetime(headers.get("Date")).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


@dataclass
class RateLimitState:
    """What one answer said about its rate-limit family: X-Rate-Limit-* and the server's Date."""

    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None          # epoch seconds when the window resets
    server_time: float | None = None  # the answer's Date, epoch seconds
    observed_at: float = 0.0          # local clock when the answer arrived


class ServerClock:
    """The offset of the server's clock from ours (server time = local time + offset), as an interval.

    Date is the server's time rounded down to the second, stamped between our send and our receipt,
    so one answer says Date - received <= offset < Date + 1 - sent. Intersecting these intervals over
    many answers narrows the offset to about the round trip: some answers are stamped just after the
    server's second turns, others just before. An interval that does not overlap the estimate (the
    server's clock was stepped) starts it again. Not locked: RateLimitPacer holds its lock around it.
    """

    def __init__(self):
        self.low = None
        self.high = None

    def observe(self, date, sent, received):
        low, high = date - received, date + 1.0 - sent
        if self.low is None or low > self.high or high < self.low:
            self.low, self.high = low, high
        else:
            self.low, self.high = max(self.low, low), min(self.high, high)

    def local_time_when_passed(self, server_instant):
        """The local time by which the server's clock has surely reached `server_instant`."""
        low = -UNKNOWN_CLOCK_SLACK if self.low is None else self.low
        return server_instant - low


@dataclass
class _Window:
    limit: int
    remaining: int
    reset: int | None  # None: by our clock estimate a new window began, and no answer has announced its end yet
    lowest: int | None = None  # the lowest Remaining an answer of this window gave
    unknown: int = 0   # requests of this window that may have been counted but gave no Remaining (no answer)


class RateLimitPacer:
    """Budgets per rate-limit family from X-Rate-Limit-* and Date, shared by every thread of one client.

    A request is counted when it is sent, not when its answer comes: workers racing for the last
    requests of a window cannot all take them, although several answers in flight may each say
    Remaining 1. An answer's Remaining is lowered by the family's other requests still in flight
    (the server may count them after it; answered ones are in its Remaining or in their own), and
    only ever lowers the budget, unless it announces a later window. Answers about a window already
    over are ignored.

    That count is cautious: a request sent before another but answered after it is subtracted from
    the other's Remaining although the server counted it already, which left about 5% of each window
    unspent with 8 requests in flight. So once no request of the family is in flight, the budget is
    set to what the server said exactly: the lowest Remaining of the window (the last request it
    counted), less the requests that gave no Remaining. Until then a spent family asks again every
    DRAIN_POLL seconds instead of sleeping to the reset.
    """

    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self._server_clock = ServerClock()
        self._windows = {}
        self._in_flight = {}  # family -> requests sent and not answered yet
        self._last = RateLimitState()

    @property
    def last(self):
        """X-Rate-Limit-* and Date of the last answer that had them (any family), a copy."""
        with self._lock:
            return RateLimitState(**vars(self._last))

    @property
    def clock_offset(self):
        """(low, high) bounds of the server's clock minus ours, in seconds; (None, None) before any Date."""
        with self._lock:
            return self._server_clock.low, self._server_clock.high

    def wait_for_turn(self, family, sleep):
        """Wait (with `sleep`) until one request of `family` may be sent; then it counts as sent.

        Every turn must be followed by one observe() of its answer, or of None if none came.
        """
        while (delay := self.delay(family)) > 0:
            sleep(delay)  # then ask again: other threads may have taken the new window's budget meanwhile

    def delay(self, family):
        """Seconds to wait before one request of `family` may be sent; 0.0 means now, and it counts as sent."""
        with self._lock:
            now = self._clock()
            window = self._windows.get(family)
            if window is not None and window.reset is not None and now >= self._refill_time(window.reset):
                window.remaining, window.reset = window.limit, None  # Okta refills the whole budget at the reset
            if window is None or window.remaining > PACE_RESERVE or window.reset is None:
                if window is not None:
                    window.remaining -= 1
                self._in_flight[family] = self._in_flight.get(family, 0) + 1
                return 0.0
            until_reset = min(self._refill_time(window.reset) - now, MAX_RATE_LIMIT_WAIT)
            return min(until_reset, DRAIN_POLL) if self._in_flight.get(family) else until_reset

    def observe(self, family, headers, sent, received):
        """Take in the answer to a request of `family` (headers None: no answer came); `sent` and `received`
        are the local clock around the request."""
        headers = headers or {}
        date = header_date(headers)
        limit, remaining, reset = (header_int(headers, "X-Rate-Limit-" + name) for name in ("Limit", "Remaining", "Reset"))
        with self._lock:
            others_in_flight = self._in_flight[family] = max(0, self._in_flight.get(family, 0) - 1)
            if date is not None:
                self._server_clock.observe(date, sent, received)
            window = self._windows.get(family)
            if limit is None and remaining is None and reset is None:
                if window is not None:
                    window.unknown += 1   # no answer, or one without the headers: it may have been counted
                return
            self._last = RateLimitState(limit, remaining, reset, date, received)
            if not limit or remaining is None or reset is None or received >= self._refill_time(reset):
                return  # Limit 0 is Okta's concurrency limit (its 429 is waited out), or the window is over
            if window is None or (window.reset is not None and reset > window.reset):
                window = self._windows[family] = _Window(limit, remaining - others_in_flight, reset, remaining)
            elif window.reset is None or reset == window.reset:
                if window.reset is None:   # the first answer of a window our clock began
                    window.lowest, window.unknown = None, 0
                window.limit, window.reset = limit, reset
                window.remaining = min(window.remaining, remaining - others_in_flight)
                window.lowest = remaining if window.lowest is None else min(window.lowest, remaining)
            else:
                return
            if not others_in_flight:   # every request of the window answered: the server's own count
                window.remaining = window.lowest - window.unknown

    def wait_after_429(self, headers):
        """Seconds to wait after a 429 (bounded), or None when it gave no X-Rate-Limit-Reset.

        The contract's Reset - Date + 1 s is always enough, as Date is rounded down; with the clock
        offset known, the reset instant plus a small margin is enough too, and up to a second sooner.
        """
        reset = header_int(headers, "X-Rate-Limit-Reset")
        if reset is None:
            return None
        date = header_date(headers)
        with self._lock:
            now = self._clock()
            until_reset = self._refill_time(reset) - now
        by_contract = reset - (now if date is None else date) + 1.0
        return min(max(min(until_reset, by_contract), RESET_MARGIN), MAX_RATE_LIMIT_WAIT)

    def _refill_time(self, reset):
        # The local time to send again after a window ending at `reset`, by the server's clock.
        return self._server_clock.local_time_when_passed(reset) + RESET_MARGIN
