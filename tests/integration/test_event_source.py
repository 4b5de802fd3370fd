"""The event source plugin (extensions/eda/plugins/event_source/okta_system_log.py) against the simulator's System
Log, loaded as ansible-rulebook loads it (runpy, from the installed collection's path) and driven through an
asyncio queue of one event, as ansible-rulebook's. Figures come from the simulator's log and System Log."""
from __future__ import annotations

import asyncio
import json
import runpy
from urllib.parse import parse_qs

import pytest
import requests

from tests.ansible_env import COLLECTIONS
from tests.integration.conftest import find_leaks
from tests.integration.test_provisioning_helpers import SALESFORCE_APP, SANDBOX_APP

PLUGIN = COLLECTIONS / "ansible_collections/idm/okta_salesforce/extensions/eda/plugins/event_source/okta_system_log.py"
PUSH = "application.provision.user.push"
DPOP_CLIENT = "0oadpopservice01"


def source_main():
    return runpy.run_path(str(PLUGIN))["main"]


def args_for(sim, tmp_path, **org):
    return {"orgs": [{"name": "acme", "org_url": sim.url, "api_token": sim.api_token, **org}],
            "state_file": str(tmp_path / "position.json"), "ca_path": sim.ca_path, "interval": 0.2}


async def _collect(args, count, timeout=15.0, linger=0.0):
    """The first `count` events the source queues; then, after `linger` seconds, the source is cancelled, as
    ansible-rulebook stops it."""
    queue = asyncio.Queue(1)
    task = asyncio.create_task(source_main()(queue, args))
    got = []
    try:
        while len(got) < count:
            getter = asyncio.ensure_future(queue.get())
            done, _pending = await asyncio.wait({getter, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                got.append(getter.result())
                continue
            getter.cancel()
            if task in done:
                task.result()   # the source's own error
            raise AssertionError(f"only {len(got)} of {count} events within {timeout} s")
        await asyncio.sleep(linger)
        if task.done():
            task.result()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return got


def collect(args, count, timeout=15.0):
    return asyncio.run(_collect(args, count, timeout))


def log_requests(sim):
    return [e for e in sim.request_log() if e["path"] == "/api/v1/logs"]


def start_position(sim, args):
    """Run the source for its first polls (none has an event): from then on it reads every new event (it starts
    at now)."""
    assert asyncio.run(_collect(args, 0, linger=1.0)) == []
    assert log_requests(sim)


def test_every_event_once_in_order_over_pages_and_a_restart_in_the_middle_of_a_page(simulator, tmp_path):
    sim = simulator
    args = args_for(sim, tmp_path)
    start_position(sim, args)
    uuids = sim.inject_events(PUSH, SALESFORCE_APP, result="SUCCESS", count=250)

    first = collect(args, 130)            # stopped in the second page (100 events a page)
    rest = collect(args, 120)
    delivered = [e["okta_sf"]["uuid"] for e in first + rest]
    assert delivered == uuids
    position = json.loads((tmp_path / "position.json").read_text())["orgs"]["acme"]
    assert position["org_url"] == sim.url and position["seen"][-1] == uuids[-1]

    # The first request asks from `since`, every later one follows a `next` link as Okta gave it.
    queries = [parse_qs(e["query"]) for e in log_requests(sim)]
    assert "since" in queries[0] and "after" not in queries[0] and queries[0]["sortOrder"] == ["ASCENDING"]
    assert all("after" in q for q in queries[1:])
    assert not any("until" in q for q in queries)
    # Nothing more is delivered: a third run gets no event.
    with pytest.raises(AssertionError, match="only 0 of 1"):
        collect(args, 1, timeout=1.0)


def test_a_saved_link_okta_refuses_is_replaced_by_a_poll_from_the_last_event(simulator, tmp_path):
    sim = simulator
    args = args_for(sim, tmp_path)
    start_position(sim, args)
    sim.inject_events(PUSH, SALESFORCE_APP, result="SUCCESS", count=3)
    assert len(collect(args, 3)) == 3
    sim.reset()            # the log starts again: the saved cursor points past its end, and Okta answers 400
    assert sim.system_log() == []
    after_reset = sim.inject_events(PUSH, SALESFORCE_APP, result="SUCCESS", count=2)
    assert [e["okta_sf"]["uuid"] for e in collect(args, 2)] == after_reset
    statuses = [e["status"] for e in log_requests(sim)]
    assert 400 in statuses and statuses[-1] == 200


def test_events_are_shaped_for_rules_and_the_automations_own_changes_are_marked(simulator, tmp_path):
    sim = simulator
    args = args_for(sim, tmp_path)
    start_position(sim, args)
    sim.admin_console_change(SALESFORCE_APP, "USER_PROVISIONING",
                             {"update": {"lifecycleDeactivate": {"status": "DISABLED"}}})
    # A change through the API with the source's own token: the automation's.
    response = requests.post(f"{sim.url}/api/v1/apps/{SALESFORCE_APP}/lifecycle/deactivate",
                             headers={"Authorization": f"SSWS {sim.api_token}"}, verify=sim.ca_path, timeout=10)
    assert response.status_code == 200, response.text
    sim.inject_events(PUSH, SANDBOX_APP, result="FAILURE", count=2)       # another app: not watched below
    failures = sim.inject_events(PUSH, SALESFORCE_APP, result="FAILURE", reason="Salesforce refused", count=10)
    sim.inject_events("application.integration.authentication_failure", SALESFORCE_APP, result="FAILURE")
    args["orgs"][0]["apps"] = ["Salesforce.com"]

    events = [e["okta_sf"] for e in collect(args, 13)]
    console, own = events[0], events[1]
    assert (console["category"], console["by_automation"], console["actor"]["alternate_id"]) == (
        "settings_change", False, "jane.admin@acme.com")
    assert (own["event_type"], own["category"], own["by_automation"]) == (
        "application.lifecycle.deactivate", "settings_change", True)
    assert console["org"] == "acme" and console["app"] == {"id": SALESFORCE_APP, "label": "Salesforce.com"}
    pushes = events[2:12]
    assert [e["uuid"] for e in pushes] == failures
    assert [e["recent_failures"] for e in pushes] == list(range(1, 11))
    assert [e["failure_burst"] for e in pushes] == [False] * 9 + [True]
    assert pushes[0]["outcome"] == {"result": "FAILURE", "reason": "Salesforce refused"}
    assert pushes[0]["target_user"]["login"]
    assert events[12]["category"] == "credentials_failure"
    assert SANDBOX_APP not in {e["app"]["id"] for e in events}


def test_oauth_with_dpop_and_the_rate_limit(simulator, tmp_path):
    sim = simulator
    client = sim.oauth_clients[DPOP_CLIENT]
    args = args_for(sim, tmp_path)
    args["orgs"][0] = {"name": "acme", "org_url": sim.url, "client_id": DPOP_CLIENT,
                       "private_key": client["private_key_pem"], "key_id": client["key_id"]}
    start_position(sim, args)
    sim.configure(rate_limit={"limit": 3, "window": 1.0})
    uuids = sim.inject_events(PUSH, SALESFORCE_APP, result="SUCCESS", count=450)
    events = collect(args, 450, timeout=60)
    assert [e["okta_sf"]["uuid"] for e in events] == uuids
    reads = log_requests(sim)
    assert reads and all(r["dpop"] for r in reads)
    assert sum(1 for r in reads if r["status"] == 429) <= 1    # X-Rate-Limit-* paced it
    assert not find_leaks(json.dumps(events), sim.secrets)


def test_a_refused_credential_stops_the_source_with_a_clear_message_and_no_secret(simulator, tmp_path):
    sim = simulator
    wrong = "00WrongTokenOfTheSourceTest0000000000000000"
    args = args_for(sim, tmp_path, api_token=wrong)
    with pytest.raises(Exception) as refused:
        collect(args, 1, timeout=10)
    message = str(refused.value)
    assert "acme" in message and "401" in message
    assert not find_leaks(message, list(sim.secrets) + [wrong])
    assert len(log_requests(sim)) == 1      # not polled again


@pytest.mark.parametrize("args, message", [
    ({}, "orgs is required"),
    ({"orgs": [{"name": "acme"}]}, r"orgs\[0\] needs name \(the org's inventory host\) and org_url"),
    ({"orgs": [{"name": "acme", "org_url": "https://acme.okta.com"}]}, "has no Okta credential"),
    ({"orgs": [{"name": "acme", "org_url": "https://acme.okta.com", "api_token": "x" * 40, "token": "y"}]},
     "unknown keys: token"),
    ({"orgs": [{"name": "acme", "org_url": "https://acme-admin.okta.com", "api_token": "x" * 40}]},
     "address of the Admin Console"),
    ({"orgs": [], "state_fle": "/tmp/x"}, "Unknown arguments: state_fle"),
    ({"orgs": [], "interval": "often"}, r"interval must be a number of at least 0.1, not 'often'"),
    ({"orgs": [], "push_failure_threshold": 0}, "push_failure_threshold must be a number of at least 1"),
    ({"orgs": [], "since": "yesterday"}, "since must be an ISO 8601 time"),
])
def test_bad_arguments_are_refused_before_any_request(args, message, monkeypatch):
    monkeypatch.setenv("OKTA_ORG_URL", "https://other.okta.com")    # another org's credential is never used
    monkeypatch.setenv("OKTA_API_TOKEN", "z" * 40)
    with pytest.raises(Exception, match=message):
        asyncio.run(_collect(args, 1, timeout=5))
