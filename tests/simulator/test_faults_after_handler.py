"""Answers lost after the handler applied a write (reset, 502, timeout), and the simulator's own counts:
faults injected by kind, writes applied twice (a duplicate app, a repeated Salesforce login by Okta)."""
from __future__ import annotations

import pytest
import requests

from tests.simulator.test_okta_provisioning import SF_APP, connect, secret

GROUP_PATH = "/api/v1/apps/0oabookmark00001/groups/00gsim00000000000001"
NEW_APP = {"name": "salesforce", "label": "Salesforce Twin", "signOnMode": "SAML_2_0",
           "settings": {"app": {"instanceType": "PRODUCTION", "integrationType": "STANDARD"}}}


def lose_every_write(sim, kind, **more):
    sim.configure(faults={"after_rate": 1.0, "after_kinds": [kind], "seed": 1, **more})


def test_a_502_after_the_handler_keeps_the_write_and_is_counted(okta, sim):
    lose_every_write(sim, "502")
    answer = okta.put(GROUP_PATH, json={"priority": 3})
    assert answer.status_code == 502 and answer.headers["Content-Type"] == "text/html"
    assert sim.state()["okta"]["app_groups"]["0oabookmark00001"]["00gsim00000000000001"]["priority"] == 3   # applied
    assert okta.get(GROUP_PATH).status_code == 200          # reads are never faulted after the handler
    entry = [e for e in sim.request_log() if e["method"] == "PUT"][-1]
    assert (entry["fault"], entry["status"], entry["details"]["dropped_status"]) == ("after_502", 502, 200)
    counts = sim.fault_counts()
    assert counts["injected"] == {"after_502": 1}
    assert counts["by_category"] == {"before_handler": 0, "after_handler": 1, "429": 0, "5xx": 1, "reset": 0, "timeout": 0}


def test_a_reset_and_a_timeout_after_the_handler(okta, sim):
    lose_every_write(sim, "reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        okta.put(GROUP_PATH, json={"priority": 4})
    lose_every_write(sim, "timeout", timeout_seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        okta.session.put(sim.url + GROUP_PATH, json={"priority": 5}, verify=sim.ca_path, timeout=0.5,
                         headers={"Authorization": okta.auth})
    assert sim.state()["okta"]["app_groups"]["0oabookmark00001"]["00gsim00000000000001"]["priority"] == 5
    assert sim.fault_counts()["by_category"]["after_handler"] == 2
    assert sim.fault_counts()["injected"] == {"after_reset": 1, "after_timeout": 1}


def test_only_applied_writes_lose_their_answer(okta, sim):
    lose_every_write(sim, "502")
    assert okta.put("/api/v1/apps/0oabookmark00001/groups/no-such-group", json={}).status_code == 404
    assert sim.fault_counts()["injected"] == {}


def test_the_rate_is_seeded(okta, sim):
    def pattern():
        sim.configure(faults={"after_rate": 0.5, "after_kinds": ["502"], "seed": 7})
        return [okta.put(GROUP_PATH, json={"priority": n}).status_code for n in range(12)]
    first = pattern()
    assert pattern() == first and {200, 502} == set(first)


def test_an_app_created_twice_with_one_label_is_a_write_applied_twice(okta, sim):
    assert okta.post("/api/v1/apps", json=NEW_APP).status_code == 200
    assert sim.fault_counts()["writes_applied_twice"] == 0
    assert okta.post("/api/v1/apps", json=NEW_APP).status_code == 200
    counts = sim.fault_counts()
    assert counts["writes_applied_twice"] == 1 and counts["applied_twice"][0]["write"] == "app_create"


def test_a_salesforce_login_by_okta_repeated_without_read_back_is_applied_twice(okta, sim):
    assert connect(okta, sim, secret(sim)).status_code == 200
    assert connect(okta, sim, secret(sim)).status_code == 200                   # resent blindly
    assert sim.fault_counts()["writes_applied_twice"] == 1
    sim.clear_fault_counts()
    okta.get("/api/v1/apps")                                       # another request: a new logical write
    assert connect(okta, sim, secret(sim)).status_code == 200
    assert okta.get(f"{SF_APP}/connections/default").status_code == 200   # read back
    assert connect(okta, sim, secret(sim)).status_code == 200                   # one read-back-then-resend: allowed
    assert sim.fault_counts()["writes_applied_twice"] == 0
    assert sim.fault_counts()["resent_after_read_back"] == 1
    assert okta.get(f"{SF_APP}/connections/default").status_code == 200
    assert connect(okta, sim, secret(sim)).status_code == 200                   # a second resend: one too many
    assert sim.fault_counts()["writes_applied_twice"] == 1


def test_after_once_loses_the_first_answer_of_each_endpoint_only(okta, sim):
    sim.configure(faults={"after_rate": 1.0, "after_kinds": ["502"], "after_once": True})
    assert [okta.put(GROUP_PATH, json={"priority": n}).status_code for n in range(3)] == [502, 200, 200]
    assert okta.delete(GROUP_PATH).status_code == 502       # another method: its own first answer
    assert sim.fault_counts()["injected"] == {"after_502": 2}
