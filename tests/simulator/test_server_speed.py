"""The simulator must not cap its clients: an answer on a kept-alive connection leaves at once.

Written headers and body as two small unbuffered writes without TCP_NODELAY met Nagle's algorithm and
the client's delayed ACK: every answer on a kept-alive connection waited about 43 ms, so any client was
capped near 100 requests/s and the benchmark compared the simulator's stall, not the clients.
"""
from __future__ import annotations

import statistics
import time

import pytest

APP = "/api/v1/apps/0oasalesforce0001"
REQUESTS = 50


def connections_opened(okta):
    """TCP connections the session's urllib3 pools have opened so far."""
    pools = okta.session.get_adapter(okta.sim.url).poolmanager.pools
    return sum(pools[key].num_connections for key in pools.keys())


def timings_ms(okta, path):
    """Milliseconds of each of REQUESTS GETs on one kept-alive requests.Session (the first call opens it), sorted."""
    assert okta.get(path).status_code == 200
    opened = connections_opened(okta)
    durations = []
    for _request in range(REQUESTS):
        started = time.perf_counter()
        resp = okta.get(path)
        durations.append(time.perf_counter() - started)
        assert resp.status_code == 200, resp.text
    assert connections_opened(okta) == opened == 1, "every request must reuse the one kept-alive connection"
    return sorted(duration * 1000 for duration in durations)


@pytest.mark.parametrize("latency_ms", [0, 20])
def test_a_kept_alive_connection_answers_within_the_configured_latency_plus_5_ms(okta, sim, latency_ms):
    sim.configure(faults={"latency_ms": latency_ms})
    timings = timings_ms(okta, APP)
    fastest, median = timings[0], statistics.median(timings)
    # The stall added ~40 ms to every answer, however idle the machine. On a loaded machine (CI, other jobs)
    # the median also holds waits for a CPU: the fastest answers show what the server itself adds, and the
    # median must stay far from the stall.
    assert fastest < latency_ms + 5, f"fastest {fastest:.1f} ms (median {median:.1f} ms) per request"
    assert median < latency_ms + 20, f"median {median:.1f} ms per request on a kept-alive connection"
