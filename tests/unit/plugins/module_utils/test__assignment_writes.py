"""_assignment_writes: an assign whose answer was lost is read back before it is ever sent again.

A fake client plays Okta: it can act on a request and then lose the answer (what a dropped
connection or a gateway 5xx does to a real Okta), which a simulator that faults before acting cannot.
"""
from __future__ import annotations

import threading

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import (
    Change,
    WantedUser,
    user_add_body,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_writes import (
    WriteStatus,
    apply_changes,
    map_concurrently,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError

APP_ID = "0oa1"
USERS = f"/api/v1/apps/{APP_ID}/users"


class LossyOkta:
    """App users of one app. `script` lists, per assign POST, what happens: "ok", "lost after acting"
    (acts, answers 502), "lost" (502 without acting), or an (status, code) refusal."""

    def __init__(self, script, max_retries=4):
        self.script = list(script)
        self.max_retries = max_retries
        self.app_users = {}
        self.log = []
        self.pauses = []

    def pause_before_retry(self, attempt):
        self.pauses.append(attempt)

    def _error(self, status, code, method, path):
        return OktaApiError(status=status, error_code=code, summary="simulated", request_id=f"req{len(self.log)}",
                            method=method, path=path)

    def post(self, path, json=None, params=None, idempotent=False):  # pylint: disable=unused-argument
        self.log.append(("POST", path))
        if path != USERS:
            self.app_users[path.rsplit("/", 1)[1]].update(json)
            return self.app_users[path.rsplit("/", 1)[1]]
        outcome = self.script.pop(0)
        existing = self.app_users.get(json["id"])
        if existing and existing["scope"] == "USER":
            raise self._error(409, "E0000062", "POST", path)
        if outcome in ("ok", "lost after acting"):
            self.app_users[json["id"]] = {"id": json["id"], "scope": "USER", "credentials": json.get("credentials", {}),
                                          "profile": dict(json.get("profile") or {})}
        if outcome == "ok":
            return self.app_users[json["id"]]
        if outcome in ("lost", "lost after acting"):
            raise self._error(502, None, "POST", path)
        raise self._error(outcome[0], outcome[1], "POST", path)

    def get(self, path, params=None):  # pylint: disable=unused-argument
        self.log.append(("GET", path))
        user_id = path.rsplit("/", 1)[1]
        if user_id not in self.app_users:
            raise self._error(404, "E0000007", "GET", path)
        return dict(self.app_users[user_id])


def add(user_id="00u1", profile=None):
    wanted = WantedUser(login="a@acme.com", profile=profile, resolved_id=user_id, resolved_key="a@acme.com")
    return Change("user", "add", "a@acme.com", user_id, user_add_body(wanted), wanted)


def test_an_assign_that_happened_but_lost_its_answer_is_not_sent_again():
    okta = LossyOkta(["lost after acting"])
    [outcome] = apply_changes(okta, APP_ID, [add(profile={"role": "Sales"})], max_workers=1)
    assert outcome.status is WriteStatus.DONE
    assert okta.log == [("POST", USERS), ("GET", f"{USERS}/00u1")]
    assert okta.app_users["00u1"]["profile"] == {"role": "Sales"}


def test_an_assign_that_did_not_happen_is_sent_again_after_the_read_back():
    okta = LossyOkta(["lost", "lost", "ok"])
    [outcome] = apply_changes(okta, APP_ID, [add()], max_workers=1)
    assert outcome.status is WriteStatus.DONE
    assert okta.log == [("POST", USERS), ("GET", f"{USERS}/00u1"), ("POST", USERS), ("GET", f"{USERS}/00u1"), ("POST", USERS)]
    assert okta.pauses == [1, 2]


def test_a_group_scoped_user_found_on_read_back_still_gets_its_direct_assignment():
    okta = LossyOkta(["lost", "ok"])
    okta.app_users["00u1"] = {"id": "00u1", "scope": "GROUP", "credentials": {}, "profile": {}}
    [outcome] = apply_changes(okta, APP_ID, [add()], max_workers=1)
    assert outcome.status is WriteStatus.DONE and okta.app_users["00u1"]["scope"] == "USER"
    assert [entry[0] for entry in okta.log] == ["POST", "GET", "POST"]


def test_resends_stop_at_max_retries_and_report_the_last_error():
    okta = LossyOkta(["lost"] * 3, max_retries=2)
    [outcome] = apply_changes(okta, APP_ID, [add()], max_workers=1)
    assert outcome.status is WriteStatus.FAILED and outcome.error["status"] == 502
    assert [entry[0] for entry in okta.log] == ["POST", "GET", "POST", "GET", "POST"]
    assert outcome.error["request_id"] == "req5"


def test_a_refusal_is_not_an_unknown_outcome_and_is_never_resent():
    okta = LossyOkta([(400, "E0000001")])
    [outcome] = apply_changes(okta, APP_ID, [add()], max_workers=1)
    assert outcome.status is WriteStatus.FAILED and outcome.error["error_code"] == "E0000001"
    assert okta.log == [("POST", USERS)]


def test_map_concurrently_keeps_the_order_tries_every_item_and_raises_the_first_error():
    tried = []
    lock = threading.Lock()

    def square(number):
        with lock:
            tried.append(number)
        if number in (7, 3):
            raise ValueError(f"bad {number}")
        return number * number

    assert map_concurrently(square, [1, 2, 4, 5], 3) == [1, 4, 16, 25]
    tried.clear()
    with pytest.raises(ValueError, match="bad 7"):
        map_concurrently(square, list(range(10, 0, -1)), 4)   # 7 comes before 3 in the items
    assert sorted(tried) == list(range(1, 11))
