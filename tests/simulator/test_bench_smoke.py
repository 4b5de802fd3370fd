"""`make bench` does not run in `make test`: this runs its figure code and the SDK script on a tiny case so that
they keep working (the figures' timings are not judged here, only that each figure ran and did the work)."""
from __future__ import annotations

import json

from tests.bench import __main__ as bench
from tests.bench.rate_limited import busiest_family_floor, okta_like


def test_every_figure_runs_on_a_tiny_case(capsys):
    bench.main(["--only", "unthrottled,rate-50,scale,fleet,uri", "--users", "12", "--latency-ms", "2",
                "--scale-users", "30", "--fleet-orgs", "2", "--fleet-users", "6", "--uri-users", "3"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    figures = {line["figure"]: line for line in lines}
    assert set(figures) == {"unthrottled_vs_sdk", "idempotent_rerun", "rate_limited_50_per_1s",
                            "idempotent_rerun_rate_limited_50_per_1s", "scale", "idempotent_rerun_scale", "fleet",
                            "speedup_vs_uri_loop"}
    assert all("met" in line and "target" in line for line in lines)
    unthrottled = figures["unthrottled_vs_sdk"]
    assert unthrottled["results_ok"] == {"module": True, "sdk_script": True}
    # the same work: the same calls, family by family
    assert unthrottled["module"]["calls_by_family"] == unthrottled["sdk_script"]["calls_by_family"]
    assert unthrottled["sdk_script"]["writes"] == 12 + 3
    limited = figures["rate_limited_50_per_1s"]
    assert limited["results_ok"] == {"module": True, "sdk_script": True}
    assert limited["reruns"]["sdk_script"]["writes"] == limited["reruns"]["module"]["writes"] == 0
    assert figures["scale"]["result_ok"] and figures["scale"]["peak_rss_mib"]["30"] > 10
    assert figures["fleet"]["results_ok"] == {"single": True, "fleet": True}
    assert figures["speedup_vs_uri_loop"]["module_result_ok"]


def test_okta_like_limits_follow_okta_per_minute_limits_scaled():
    limits = okta_like(10)
    assert limits["window"] == 60.0 and limits["concurrency"] == 75
    assert limits["families"]["app_users"] == {"limit": 1000, "window": 60.0}
    assert limits["families"]["users"] == {"limit": 6000, "window": 60.0}
    floor, family = busiest_family_floor(limits, {"app_users": 2004, "users": 41, "app": 1})
    assert family == "app_users" and round(floor, 2) == 120.24
