"""The server-clock estimate and the pacing decisions of RateLimitPacer, with an injected clock."""
from __future__ import annotations

import math
import threading
from email.utils import formatdate

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_rate_limits import (
    DRAIN_POLL,
    MAX_RATE_LIMIT_WAIT,
    PACE_RESERVE,
    RESET_MARGIN,
    RateLimitPacer,
    ServerClock,
)

NOW = 1_750_000_000.25
FAMILY = "/apps/{id}"


class Clock:
    def __init__(self, start=NOW):
        self.now = start

    def __call__(self):
        return self.now


def answer(reset, remaining, limit=100, date=None):
    headers = {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(remaining), "X-Rate-Limit-Reset": str(reset)}
    if date is not None:
        headers["Date"] = formatdate(date, usegmt=True)
    return headers


def test_many_date_headers_pin_the_server_clock_offset_down():
    server_offset, latency = 0.37, 0.02  # the server's clock runs 0.37 s ahead; each request takes 20 ms
    clock = ServerClock()
    sent = NOW
    for _request in range(60):
        stamped = sent + latency / 2 + server_offset          # the server's time when it wrote Date
        clock.observe(math.floor(stamped), sent, sent + latency)
        sent += 0.113                                          # answers land all over the server's seconds
        assert clock.low <= server_offset < clock.high         # never wrong, only narrower
    assert clock.high - clock.low < 0.05
    assert clock.local_time_when_passed(NOW + 10) == pytest.approx(NOW + 10 - clock.low)
    assert clock.local_time_when_passed(NOW + 10) >= NOW + 10 - server_offset  # never before the server's reset


def test_one_date_header_bounds_the_offset_to_a_second_and_a_stepped_clock_starts_again():
    clock = ServerClock()
    assert clock.local_time_when_passed(NOW) == NOW + 1.0      # no Date yet: assume at most 1 s behind
    clock.observe(1_000.0, 500.2, 500.3)
    assert (clock.low, clock.high) == (pytest.approx(499.7), pytest.approx(500.8))
    clock.observe(2_000.0, 500.4, 500.5)                       # disjoint: the server's clock was stepped
    assert (clock.low, clock.high) == (pytest.approx(1499.5), pytest.approx(1500.6))


def sends(pacer, count):
    """Ask `count` times whether a request may go now; how many may (a request refused is not retried)."""
    return sum(pacer.delay(FAMILY) == 0.0 for _request in range(count))


def test_budget_is_spent_at_full_speed_then_requests_wait_until_just_after_the_reset():
    clock = Clock()
    pacer = RateLimitPacer(clock=clock)
    reset = int(NOW) + 1
    pacer.wait_for_turn(FAMILY, sleep=pytest.fail)                 # nothing known yet: no wait
    pacer.observe(FAMILY, answer(reset, 5, date=int(NOW)), sent=NOW, received=NOW + 0.01)
    assert sends(pacer, 5 - PACE_RESERVE) == 5 - PACE_RESERVE
    assert pacer.delay(FAMILY) == DRAIN_POLL                       # spent, but answers are still to come
    for remaining in range(4, 0, -1):
        pacer.observe(FAMILY, answer(reset, remaining), sent=NOW, received=NOW + 0.01)
    low = pacer.clock_offset[0]
    wait = pacer.delay(FAMILY)
    assert wait == pytest.approx(reset - low + RESET_MARGIN - clock.now)
    slept = []
    pacer.wait_for_turn(FAMILY, sleep=lambda seconds: (slept.append(seconds), setattr(clock, "now", clock.now + seconds)))
    assert slept == [wait]                                         # then a new window: the whole budget again
    assert sends(pacer, 100 - 1) == 100 - 1
    assert pacer.delay(FAMILY) == 0.0                              # no answer has announced its end: send, not guess
    pacer.observe(FAMILY, answer(reset + 1, 3), sent=clock.now, received=clock.now)
    assert sends(pacer, 5) == 0                                    # what was sent counts
    assert pacer.delay(FAMILY) == DRAIN_POLL                       # ask again soon: 99 answers are still to come


def test_an_answer_counts_the_other_requests_in_flight_and_only_lowers_the_budget():
    clock = Clock()
    pacer = RateLimitPacer(clock=clock)
    reset = int(NOW) + 1
    assert sends(pacer, 8) == 8                                    # eight in flight before any answer
    pacer.observe(FAMILY, answer(reset, 20, date=int(NOW)), sent=NOW, received=NOW)
    # Remaining 20 when the first was counted; the seven in flight may be counted after it: 13 left, one in reserve.
    assert sends(pacer, 30) == 13 - PACE_RESERVE
    for _answer in range(7):                                       # the seven answers, the last ones in reverse order
        pacer.observe(FAMILY, answer(reset, 19), sent=NOW, received=NOW)
    assert sends(pacer, 1) == 0                                    # none of them says more is left
    pacer.observe(FAMILY, None, sent=NOW, received=NOW)            # one that got no answer is no longer in flight
    pacer.observe(FAMILY, answer(reset, 5), sent=NOW, received=NOW)
    assert sends(pacer, 10) == 0                                   # Remaining 5 with ten others in flight: none left


def test_late_answers_of_a_window_already_over_are_ignored():
    clock = Clock()
    pacer = RateLimitPacer(clock=clock)
    reset = int(NOW) + 1
    pacer.delay(FAMILY)
    pacer.observe(FAMILY, answer(reset, 10, date=int(NOW)), sent=NOW, received=NOW)
    assert sends(pacer, 5) == 5
    clock.now = reset + 0.5                                        # past the reset: a fresh budget by our clock
    assert sends(pacer, 50) == 50
    for _answer in range(5):                                       # late, about the old window
        pacer.observe(FAMILY, answer(reset, 0), sent=NOW, received=clock.now)
    for remaining in range(99, 49, -1):                            # the new window's, in order
        pacer.observe(FAMILY, answer(reset + 1, remaining), sent=clock.now, received=clock.now)
    assert sends(pacer, 100) == 50 - PACE_RESERVE                  # the rest of the new budget, nothing counted twice
    assert pacer.last.remaining == 50 and pacer.last.reset == reset + 1           # as the last answer said


def test_threads_racing_for_the_last_requests_take_only_the_budget():
    clock = Clock()
    pacer = RateLimitPacer(clock=clock)
    pacer.delay(FAMILY)
    pacer.observe(FAMILY, answer(int(NOW) + 30, 6, date=int(NOW)), sent=NOW, received=NOW)
    start = threading.Barrier(16)
    delays = []

    def worker():
        start.wait()
        delays.append(pacer.delay(FAMILY))

    threads = [threading.Thread(target=worker) for _thread in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert delays.count(0.0) == 6 - PACE_RESERVE
    assert all(delay == DRAIN_POLL for delay in delays if delay)   # their answers may free a request or two
    for remaining in range(5, 0, -1):
        pacer.observe(FAMILY, answer(int(NOW) + 30, remaining), sent=NOW, received=NOW)
    assert pacer.delay(FAMILY) > 29                                # all answered: spent until the reset


def test_429_waits_until_the_reset_by_the_precise_clock_never_longer_than_the_contract():
    clock = Clock(NOW)
    pacer = RateLimitPacer(clock=clock)
    reset = int(NOW) + 1
    assert pacer.wait_after_429({"Date": formatdate(int(NOW), usegmt=True)}) is None
    refused = answer(reset, 0, date=int(NOW))
    pacer.delay(FAMILY)
    pacer.observe(FAMILY, refused, sent=NOW, received=NOW)
    # This one Date says the server's clock read at least int(NOW) at local NOW: 1 s to the reset from there,
    # where the contract's Reset - Date + 1 s would say 2 s.
    assert pacer.wait_after_429(refused) == pytest.approx(reset - int(NOW) + RESET_MARGIN)
    assert pacer.delay(FAMILY) == pytest.approx(reset - int(NOW) + RESET_MARGIN)  # the other threads wait too
    for step in range(150):                     # answers spread over the seconds pin the offset (here 0) down
        sent = NOW + step * 0.0137
        pacer.observe("/users", answer(reset + 60, 50, date=math.floor(sent + 0.005)), sent=sent, received=sent + 0.01)
    clock.now = NOW + 0.5
    wait = pacer.wait_after_429(answer(reset, 0, date=int(NOW)))
    assert reset - clock.now <= wait <= reset - clock.now + RESET_MARGIN + 0.02
    assert pacer.wait_after_429(answer(reset + 10_000, 0, date=int(NOW))) == MAX_RATE_LIMIT_WAIT


def test_once_nothing_is_in_flight_the_budget_is_what_the_server_counted():
    clock = Clock()
    pacer = RateLimitPacer(clock=clock)
    reset = int(NOW) + 1
    pacer.delay(FAMILY)
    pacer.observe(FAMILY, answer(reset, 20, date=int(NOW)), sent=NOW, received=NOW)
    assert sends(pacer, 8) == 8
    # Answered out of order: the server counted them 19..12, the answers arrive 12 first, then 19..13.
    pacer.observe(FAMILY, answer(reset, 12), sent=NOW, received=NOW)          # 12 - 7 in flight: 5
    for remaining in range(19, 13, -1):
        pacer.observe(FAMILY, answer(reset, remaining), sent=NOW, received=NOW)
    assert sends(pacer, 30) == 5 - PACE_RESERVE                               # the cautious count: 12 - 7 in flight
    pacer.observe(FAMILY, None, sent=NOW, received=NOW)                       # no answer: maybe counted (11)
    for remaining in (10, 9, 8, 13):                                          # the last answer is the 8th sent
        pacer.observe(FAMILY, answer(reset, remaining), sent=NOW, received=NOW)
    # Nothing in flight: the server has 8 left by its lowest Remaining, less the one whose answer was lost.
    assert sends(pacer, 30) == 8 - 1 - PACE_RESERVE
