"""Link paging (every item exactly once, no rel="next" on the last page), rate-limit headers and
429s, the concurrency limit, and injected faults."""
from __future__ import annotations

import re
import time

import pytest
import requests

from tests.simulator.seed import load_seed

SF_APP = "/api/v1/apps/0oasalesforce0001"


def walk(okta, path, params):
    """Follow rel="next" exactly as given; return (items, number of pages)."""
    items, pages, url = [], 0, path
    while url:
        resp = okta.get(url, params=params if pages == 0 else None)
        assert resp.status_code == 200, resp.text
        items += resp.json()
        pages += 1
        links = dict((rel, href) for href, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', resp.headers["Link"]))
        assert "self" in links
        url = links.get("next")
    return items, pages


def test_every_list_endpoint_pages_through_each_item_once(okta, sim):
    seed = load_seed(None)
    seed["okta"]["generate_groups"] = {"count": 45}
    sim.reset(seed)
    group_ids = [g["id"] for g in okta.get("/api/v1/groups").json()]
    user_ids = [u["id"] for u in okta.get("/api/v1/users", params={"limit": 200}).json()][30:37]
    for n in range(5):
        created = okta.post("/api/v1/apps", json={"name": "bookmark", "label": f"Link {n}", "signOnMode": "BOOKMARK",
                                                  "settings": {"app": {"url": f"https://l{n}.example", "requestIntegration": False}}})
        assert created.status_code == 200, created.text
    for uid in user_ids:
        assert okta.post(f"{SF_APP}/users", json={"id": uid}).status_code == 200
    for gid in group_ids:
        assert okta.put(f"{SF_APP}/groups/{gid}", json={}).status_code == 200
    cases = [("/api/v1/apps", {"limit": 2}, 8), ("/api/v1/users", {"limit": 25}, 61),
             ("/api/v1/groups", {"limit": 20}, 48), (f"{SF_APP}/groups", {"limit": 20}, 48),
             (f"{SF_APP}/users", {"limit": 10, "expand": "user"}, 7 + 20)]
    for path, params, expected in cases:
        items, pages = walk(okta, path, params)
        ids = [i["id"] for i in items]
        assert len(ids) == expected == len(set(ids)), path
        assert pages >= 3, path
    search = " or ".join(f'profile.login eq "user{n:04d}@acme.com"' for n in range(1, 8))
    items, pages = walk(okta, "/api/v1/users", {"search": search, "limit": 3})
    assert sorted(i["profile"]["login"] for i in items) == [f"user{n:04d}@acme.com" for n in range(1, 8)]
    assert pages == 3


def test_rate_limit_headers_and_429(okta, sim):
    sim.configure(rate_limit={"limit": 3, "window": 2})
    time.sleep(2 - time.time() % 2 + 0.05)   # start just after a window begins, so all four fall in one window
    answers = [okta.get("/api/v1/apps") for _attempt in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-Rate-Limit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["X-Rate-Limit-Limit"] for a in answers} == {"3"}
    assert answers[3].json()["errorCode"] == "E0000047"
    reset = int(answers[3].headers["X-Rate-Limit-Reset"])
    assert reset >= int(time.time())
    assert okta.get("/api/v1/users", params={"limit": 1}).status_code == 200   # another family has its own window
    time.sleep(max(0, reset - time.time()) + 0.1)
    assert okta.get("/api/v1/apps").status_code == 200


def test_windows_are_aligned_on_the_epoch_clock_and_reset_is_exact(okta, sim):
    sim.configure(rate_limit={"limit": 2, "window": 1})
    time.sleep(1 - time.time() % 1 + 0.05)
    answers = [okta.get("/api/v1/apps") for _attempt in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    reset = int(answers[2].headers["X-Rate-Limit-Reset"])
    assert reset == int(time.time()) + 1   # the end of the current epoch second, not a second after it
    time.sleep(max(0, reset - time.time()) + 0.02)   # just past the announced reset: a fresh budget
    assert okta.get("/api/v1/apps").status_code == 200
    sim.configure(rate_limit={"limit": 2, "window": 10})
    assert int(okta.get("/api/v1/apps").headers["X-Rate-Limit-Reset"]) % 10 == 0
    with pytest.raises(ValueError, match="window must be a positive number"):
        sim.configure(rate_limit={"limit": 2, "window": 0})


def test_concurrency_limit_reports_zero_limit_and_remaining(okta, sim):
    sim.configure(rate_limit={"concurrency": 1}, faults={"latency_ms": 400})
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: okta.get("/api/v1/users", params={"limit": 1}), range(4)))
    refused = [a for a in answers if a.status_code == 429]
    assert refused and any(a.status_code == 200 for a in answers)
    assert all(a.headers["X-Rate-Limit-Limit"] == "0" and a.headers["X-Rate-Limit-Remaining"] == "0" for a in refused)


def test_burst_429_error_rate_and_drop(okta, sim):
    sim.configure(faults={"burst_429": {"every": 2, "count": 1, "reset_seconds": 5}})
    codes = [okta.get("/api/v1/apps").status_code for _attempt in range(6)]
    assert codes == [200, 200, 429, 200, 200, 429]
    sim.configure(faults={"error_rate": 1.0, "error_status": 503})
    failed = okta.get("/api/v1/apps")
    assert failed.status_code == 503 and failed.json()["errorCode"] == "E0000009"
    sim.configure(faults={"drop_rate": 1.0})
    with pytest.raises(requests.exceptions.ConnectionError):
        okta.get("/api/v1/apps")
    sim.configure(faults={})
    assert okta.get("/api/v1/apps").status_code == 200
    faults = [e["fault"] for e in sim.request_log() if e["fault"]]
    assert faults == ["burst_429", "burst_429", "error", "drop"]
