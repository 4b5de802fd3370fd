"""Unit tests of the okta_app_assignment reconcile logic against an in-memory Okta.

`FakeOkta` answers the same calls as OktaClient (get/post/put/delete/paginate, calls, api_calls)
from a small in-memory org, so the tests check what a user would check in Okta afterwards: who is
assigned with which attributes, which calls were sent, and that bad input writes nothing.
"""
from __future__ import annotations

import collections
import re
import threading
import time
from urllib.parse import quote

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import USERS
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignments import (
    MAX_TERMS,
    AssignmentInputError,
    AssignmentWritesFailed,
    AssignmentRequest,
    failure_message,
    find_in_directory,
    reconcile_assignments,
    search_expressions,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError

APP = {"id": "0oaapp", "label": "Salesforce.com", "name": "salesforce"}
SCHEMA = {"definitions": {"base": {"properties": {"profile": {}, "role": {}, "email": {}}},
                          "custom": {"properties": {"salesforceGroups": {}}}}}
TERM = re.compile(r'([\w.]+) eq "((?:[^"\\]|\\.)*)"')


class FakeOkta:
    """An in-memory Okta org answering OktaClient's interface; thread-safe like the real client."""

    def __init__(self, users=100, page_limit_cap=500):
        self.lock = threading.Lock()
        self.users = {f"00u{n:05d}": {"id": f"00u{n:05d}", "status": "ACTIVE", "profile": {"login": f"user{n:04d}@acme.com"}}
                      for n in range(1, users + 1)}
        self.users["00uformer"] = {"id": "00uformer", "status": "DEPROVISIONED", "profile": {"login": "former@acme.com"}}
        self.groups = {"00gsales": {"id": "00gsales", "profile": {"name": "Sales"}},
                       "00gsupport": {"id": "00gsupport", "profile": {"name": "Support"}},
                       "00gtwin1": {"id": "00gtwin1", "profile": {"name": "Twin"}},
                       "00gtwin2": {"id": "00gtwin2", "profile": {"name": "Twin"}}}
        self.app_users = {}     # user id -> app user (scope, credentials, profile)
        self.app_groups = {}    # group id -> {priority, profile}
        self.members = {}       # group id -> [user ids]
        self.lost_groups = set()   # group ids whose assignment does not read back (GET .../groups/{id} is 404)
        self.log = []           # (method, path, params)
        self.fail_users = {}    # user id -> (status, code) for POST assign
        self.conflict_users = set()
        self.delete_gone = set()
        self.write_delay = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self.page_limit_cap = page_limit_cap
        self.request_ids = 0

    # -- seeding helpers
    def login(self, user_id):
        return self.users[user_id]["profile"]["login"]

    def uid(self, n):
        return f"00u{n:05d}"

    def assign(self, n, scope="USER", profile=None, user_name=None):
        user_id = self.uid(n)
        self.app_users[user_id] = {"id": user_id, "scope": scope, "credentials": {"userName": user_name or self.login(user_id)},
                                   "profile": dict(profile or {})}

    # -- what tests read
    def writes(self):
        return [entry for entry in self.log if entry[0] != "GET"]

    def paths(self):
        return [entry[1] for entry in self.log]

    def searches(self, path):
        return [entry[2]["search"] for entry in self.log if entry[1] == path]

    def assigned_logins(self):
        return sorted(self.login(user_id) for user_id in self.app_users)

    @property
    def calls(self):
        return collections.Counter(entry[0] for entry in self.log)

    @property
    def api_calls(self):
        return len(self.log)

    # -- the client interface
    def _record(self, method, path, params=None):
        with self.lock:
            self.log.append((method, path, dict(params or {})))
            self.request_ids += 1
            return f"req{self.request_ids}"

    def _error(self, status, code, summary, request_id, method, path):
        return OktaApiError(status=status, error_code=code, summary=summary, request_id=request_id, method=method, path=path)

    def paginate(self, path, params=None):
        params = dict(params or {})
        limit = min(int(params.get("limit", 200)), self.page_limit_cap)
        if path == f"/api/v1/apps/{APP['id']}/users":
            items = [dict(item, _embedded={"user": self.users[item["id"]]}) for item in self.app_users.values()]
        elif path == f"/api/v1/apps/{APP['id']}/groups":
            items = [dict(item, id=group_id, _embedded={"group": self.groups[group_id]}) for group_id, item in self.app_groups.items()]
        elif path in ("/api/v1/users", "/api/v1/groups"):
            source = self.users if path == "/api/v1/users" else self.groups
            terms = TERM.findall(params["search"])
            assert len(terms) <= MAX_TERMS, "search expression longer than the cap"
            items = [obj for obj in source.values() if any(self._matches(obj, field, value) for field, value in terms)]
        elif path.startswith("/api/v1/groups/") and path.endswith("/users"):
            items = [self.users[user_id] for user_id in self.members.get(path.split("/")[4], [])]
        else:
            raise AssertionError(f"unexpected list {path}")
        pages = [items[i:i + limit] for i in range(0, len(items), limit)] or [[]]
        for page in pages:
            self._record("GET", path, params)
            yield from page

    @staticmethod
    def _matches(obj, field, value):
        value = value.replace('\\"', '"').replace("\\\\", "\\")
        actual = obj["id"] if field == "id" else obj["profile"].get(field.split(".", 1)[1])
        return actual is not None and actual.lower() == value.lower()

    def get(self, path, params=None):
        request_id = self._record("GET", path, params)
        if path == f"/api/v1/meta/schemas/apps/{APP['id']}/default":
            return SCHEMA
        prefix = f"/api/v1/apps/{APP['id']}/users/"
        if path.startswith(prefix):
            return dict(self.app_users[path[len(prefix):]])
        group_id = path.rsplit("/", 1)[1]
        if path == f"/api/v1/apps/{APP['id']}/groups/{group_id}" and group_id in self.app_groups \
                and group_id not in self.lost_groups:
            return dict(self.app_groups[group_id], id=group_id)
        raise self._error(404, "E0000007", "Not found", request_id, "GET", path)

    def _write(self, method, path, params):
        request_id = self._record(method, path, params)
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.write_delay:
            time.sleep(self.write_delay)
        with self.lock:
            self.in_flight -= 1
        return request_id

    def post(self, path, json=None, params=None, idempotent=False):
        request_id = self._write("POST", path, params)
        users_path = f"/api/v1/apps/{APP['id']}/users"
        if path == users_path:
            user_id = json["id"]
            if user_id in self.fail_users:
                status, code = self.fail_users[user_id]
                raise self._error(status, code, f"simulated failure for {user_id}", request_id, "POST", path)
            existing = self.app_users.get(user_id)
            if (existing and existing["scope"] == "USER") or user_id in self.conflict_users:
                raise self._error(409, "E0000062", "Resource already assigned", request_id, "POST", path)
            with self.lock:
                self.app_users[user_id] = {"id": user_id, "scope": json.get("scope", "USER"),
                                           "credentials": json.get("credentials") or {"userName": self.login(user_id)},
                                           "profile": dict(json.get("profile") or {})}
            return self.app_users[user_id]
        user_id = path[len(users_path) + 1:]
        with self.lock:
            item = self.app_users[user_id]
            if "profile" in json:
                item["profile"] = dict(json["profile"])
            if "credentials" in json:
                item["credentials"] = dict(json["credentials"])
        return item

    def put(self, path, json=None, params=None):
        self._write("PUT", path, params)
        group_id = path.rsplit("/", 1)[1]
        with self.lock:
            self.app_groups[group_id] = {"priority": (json or {}).get("priority", 0), "profile": dict((json or {}).get("profile") or {})}
        return self.app_groups[group_id]

    def delete(self, path, params=None):
        request_id = self._write("DELETE", path, params)
        kind, target = path.split("/")[-2:]
        store = self.app_users if kind == "users" else self.app_groups
        with self.lock:
            if target in self.delete_gone or target not in store:
                raise self._error(404, "E0000007", "Not found", request_id, "DELETE", path)
            del store[target]


def logins(first, last):
    return [f"user{n:04d}@acme.com" for n in range(first, last + 1)]


def run(okta, check_mode=False, **options):
    return reconcile_assignments(okta, APP, AssignmentRequest(**options), check_mode=check_mode)


# ---------------------------------------------------------------- batching of lookups

def test_search_expressions_cap_terms_and_query_size():
    values = logins(1, 120)
    expressions = search_expressions("profile.login", values)
    assert [len(e.split(" or ")) for e in expressions] == [50, 50, 20]
    assert all(len(quote(e, safe="")) <= 6000 for e in expressions)
    long_values = [f"{'x' * 200}{n}@acme.com" for n in range(40)]
    long_expressions = search_expressions("profile.login", long_values)
    assert len(long_expressions) > 1
    assert all(len(quote(e, safe="")) <= 6000 for e in long_expressions)
    assert sum(len(e.split(" or ")) for e in long_expressions) == 40


def test_search_term_escapes_quotes():
    (expression,) = search_expressions("profile.name", ['Sales "EMEA"'])
    assert expression == 'profile.name eq "Sales \\"EMEA\\""'


def test_find_users_batches_and_ignores_case():
    okta = FakeOkta(users=150)
    wanted = [login.upper() for login in logins(1, 120)] + logins(1, 5)
    found_by_id = find_in_directory(okta, USERS, keys=wanted, ids=["00u00140"], max_workers=4)
    assert sorted(user["profile"]["login"] for user in found_by_id.values()) == logins(1, 120) + ["user0140@acme.com"]
    assert "00u00140" in found_by_id
    assert okta.calls["GET"] == 4  # 120 logins in 3 batches of at most 50, one batch of ids


# ---------------------------------------------------------------- present

def test_assigns_from_empty_with_one_write_per_user_and_no_per_user_reads():
    okta = FakeOkta(users=300)
    result = run(okta, users=[{"login": login} for login in logins(1, 250)], groups=[{"name": "Sales", "priority": 1}])
    assert result["changed"] is True
    assert sorted(result["added"]) == sorted(logins(1, 250) + ["Sales"])
    assert result["failures"] == [] and result["unchanged"] == 0
    assert okta.assigned_logins() == logins(1, 250)
    assert okta.app_groups == {"00gsales": {"priority": 1, "profile": {}}}
    # 1 page of users + 1 page of groups + 5 user batches + 1 group batch + 251 writes; no schema read
    assert okta.calls == {"GET": 8, "POST": 250, "PUT": 1} and okta.api_calls == 259
    assert not any("/meta/schemas/" in path for path in okta.paths())


def test_rerun_writes_nothing_and_resolves_nothing():
    okta = FakeOkta(users=1200)
    users = [{"login": login, "profile": {"role": "Sales"}} for login in logins(1, 1100)]
    run(okta, users=users, groups=[{"name": "Sales"}])
    okta.log.clear()
    result = run(okta, users=users, groups=[{"name": "Sales"}])
    assert result["changed"] is False and result["unchanged"] == 1101
    assert okta.writes() == []
    # 3 pages of 500 users, 1 page of groups, the schema (a profile is given): no search at all
    assert okta.api_calls == 5
    assert not any(path in ("/api/v1/users", "/api/v1/groups") for path in okta.paths())


def test_profile_and_username_drift_is_fixed_keeping_other_attributes():
    okta = FakeOkta()
    okta.assign(1, profile={"role": "Old", "email": "keep@acme.com"})
    okta.assign(2, profile={"role": "Sales"}, user_name="user0002@acme.com")
    result = run(okta, users=[{"login": "user0001@acme.com", "profile": {"role": "Sales"}},
                              {"login": "user0002@acme.com", "username": "u2.sf", "profile": {"role": "Sales"}}])
    assert sorted(result["updated"]) == ["user0001@acme.com", "user0002@acme.com"]
    assert okta.app_users["00u00001"]["profile"] == {"role": "Sales", "email": "keep@acme.com"}
    assert okta.app_users["00u00002"]["credentials"] == {"userName": "u2.sf"}


def test_update_profiles_false_leaves_existing_attributes():
    okta = FakeOkta()
    okta.assign(1, profile={"role": "Old"})
    result = run(okta, users=[{"login": "user0001@acme.com", "profile": {"role": "Sales"}},
                              {"login": "user0002@acme.com", "profile": {"role": "Sales"}}], update_profiles=False)
    assert result["added"] == ["user0002@acme.com"] and result["updated"] == []
    assert okta.app_users["00u00001"]["profile"] == {"role": "Old"}
    assert okta.app_users["00u00002"]["profile"] == {"role": "Sales"}


def test_lists_compare_regardless_of_order():
    okta = FakeOkta()
    okta.assign(1, profile={"salesforceGroups": ["B", "A"]})
    result = run(okta, users=[{"login": "user0001@acme.com", "profile": {"salesforceGroups": ["A", "B"]}}])
    assert result["changed"] is False and okta.writes() == []


def test_group_priority_and_profile_are_updated():
    okta = FakeOkta()
    okta.app_groups["00gsales"] = {"priority": 5, "profile": {"role": "Old"}}
    result = run(okta, groups=[{"name": "sales", "priority": 0, "profile": {"role": "Sales"}}])
    assert result["updated"] == ["Sales"]
    assert okta.app_groups["00gsales"] == {"priority": 0, "profile": {"role": "Sales"}}


def test_user_given_by_id_is_looked_up_in_a_batch():
    okta = FakeOkta()
    result = run(okta, users=[{"id": "00u00007"}, {"id": "00u00008"}])
    assert sorted(result["added"]) == ["user0007@acme.com", "user0008@acme.com"]
    assert okta.searches("/api/v1/users") == ['id eq "00u00007" or id eq "00u00008"']


# ---------------------------------------------------------------- bad input writes nothing

def test_unknown_users_groups_and_ids_fail_together_before_any_write():
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError) as raised:
        run(okta, users=[{"login": "user0001@acme.com"}, {"login": "nobody@acme.com"}, {"login": "ghost@acme.com"},
                         {"id": "00unothere"}],
            groups=[{"name": "Sales"}, {"name": "Nope"}])
    message = str(raised.value)
    for expected in ("nobody@acme.com", "ghost@acme.com", "00unothere", "Nope", "Nothing was changed"):
        assert expected in message
    assert okta.writes() == []


def test_deactivated_user_is_refused_before_any_write():
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError, match=r"deactivated in Okta \(status DEPROVISIONED\) cannot be assigned: former@acme.com"):
        run(okta, users=[{"login": "user0001@acme.com"}, {"login": "former@acme.com"}])
    assert okta.writes() == []


@pytest.mark.parametrize("workers", [0, 33])
def test_max_workers_out_of_range_is_refused(workers):
    with pytest.raises(AssignmentInputError, match="max_workers must be between 1 and 32"):
        run(FakeOkta(), users=[{"login": "user0001@acme.com"}], max_workers=workers)


def test_unknown_profile_attribute_fails_before_any_write():
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError) as raised:
        run(okta, users=[{"login": "user0001@acme.com", "profile": {"rolle": "x"}}], groups=[{"name": "Sales", "profile": {"bad": 1}}])
    message = str(raised.value)
    assert "'rolle'" in message and "'bad'" in message and "salesforceGroups" in message
    assert okta.writes() == []


def test_ambiguous_group_name_asks_for_the_id():
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError, match="00gtwin1.*00gtwin2"):
        run(okta, groups=[{"name": "Twin"}])
    assert okta.writes() == []


def test_same_user_twice_is_refused():
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError, match="more than once"):
        run(okta, users=[{"login": "user0001@acme.com"}, {"login": "USER0001@acme.com"}])
    with pytest.raises(AssignmentInputError, match="more than once"):
        run(okta, users=[{"login": "user0001@acme.com"}, {"id": "00u00001"}])
    assert okta.writes() == []


def test_exclusive_with_absent_is_refused():
    with pytest.raises(AssignmentInputError, match="exclusive"):
        run(FakeOkta(), users=[], state="absent", exclusive=True)


def test_bad_input_is_an_input_error_of_the_collection():
    """The module shell fails every InputError cleanly, so the assignment checks raise one."""
    okta = FakeOkta()
    with pytest.raises(InputError, match="nobody@acme.com"):
        run(okta, users=[{"login": "nobody@acme.com"}])
    assert okta.writes() == []


# ---------------------------------------------------------------- exclusive and absent

def test_exclusive_removes_direct_extras_but_never_group_scoped_users():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(2)
    okta.assign(3, scope="GROUP")
    okta.app_groups["00gsupport"] = {"priority": 0, "profile": {}}
    result = run(okta, users=[{"login": "user0001@acme.com"}], groups=[{"name": "Sales"}], exclusive=True)
    assert sorted(result["removed"]) == ["Support", "user0002@acme.com"]
    assert okta.assigned_logins() == ["user0001@acme.com", "user0003@acme.com"]
    assert list(okta.app_groups) == ["00gsales"]
    deletes = [(path, params) for method, path, params in okta.log if method == "DELETE"]
    assert ("/api/v1/apps/0oaapp/users/00u00002", {"sendEmail": "false"}) in deletes


def test_exclusive_leaves_unlisted_kinds_alone():
    okta = FakeOkta()
    okta.assign(1)
    okta.app_groups["00gsupport"] = {"priority": 0, "profile": {}}
    result = run(okta, groups=[{"name": "Support"}], exclusive=True)
    assert result["changed"] is False
    assert okta.assigned_logins() == ["user0001@acme.com"]


def test_absent_removes_direct_assignments_and_reports_group_scoped_ones():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(2, scope="GROUP")
    okta.app_groups["00gsales"] = {"priority": 0, "profile": {}}
    result = run(okta, state="absent", users=[{"login": "user0001@acme.com"}, {"login": "user0002@acme.com"},
                                              {"login": "user0009@acme.com"}, {"login": "never.existed@acme.com"}],
                 groups=[{"name": "Sales"}, {"name": "Support"}])
    assert sorted(result["removed"]) == ["Sales", "user0001@acme.com"]
    assert result["not_removed"] == [{"user": "user0002@acme.com", "reason": "assigned through a group (scope GROUP); remove it from the group"}]
    assert result["unchanged"] == 3
    assert okta.assigned_logins() == ["user0002@acme.com"]
    assert not any(path in ("/api/v1/users", "/api/v1/groups") for path in okta.paths())


def test_delete_of_an_already_gone_assignment_is_done_not_a_failure():
    # A DELETE answering 404 after its first answer was lost: the removal happened, as wanted.
    okta = FakeOkta()
    okta.assign(1)
    okta.delete_gone.add("00u00001")
    result = run(okta, state="absent", users=[{"login": "user0001@acme.com"}])
    assert result["failures"] == [] and result["removed"] == ["user0001@acme.com"] and result["unchanged"] == 0


# ---------------------------------------------------------------- failures and conflicts

def test_one_failing_user_does_not_stop_the_others():
    okta = FakeOkta(users=60)
    okta.fail_users = {"00u00005": (403, "E0000117"), "00u00042": (500, "E0000009")}
    with pytest.raises(AssignmentWritesFailed) as failed:
        run(okta, users=[{"login": login} for login in logins(1, 50)], max_workers=4)
    result = failed.value.fields
    assert str(failed.value) == failure_message(result)
    assert okta.assigned_logins() == sorted(set(logins(1, 50)) - {"user0005@acme.com", "user0042@acme.com"})
    assert len(result["added"]) == 48 and result["changed"] is True
    by_user = {failure["user"]: failure for failure in result["failures"]}
    assert set(by_user) == {"user0005@acme.com", "user0042@acme.com"}
    assert by_user["user0005@acme.com"]["error_code"] == "E0000117"
    assert by_user["user0042@acme.com"]["request_id"].startswith("req")
    message = failure_message(result)
    assert "2 assignment write(s) failed" in message and "48 added" in message
    assert "user0005@acme.com [add]: E0000117" in message and by_user["user0042@acme.com"]["request_id"] in message
    # the 5xx assign was sent once: no blind retry of an ambiguous POST
    posts = [path for method, path, params in okta.log if method == "POST"]
    assert len(posts) == 50
    okta.fail_users = {}
    rerun = run(okta, users=[{"login": login} for login in logins(1, 50)])
    assert sorted(rerun["added"]) == ["user0005@acme.com", "user0042@acme.com"] and rerun["unchanged"] == 48
    assert okta.assigned_logins() == logins(1, 50)


def test_already_assigned_conflict_counts_as_unchanged_or_is_completed():
    okta = FakeOkta()
    okta.conflict_users = {"00u00001", "00u00002"}
    okta.app_users["00u00002"] = {"id": "00u00002", "scope": "GROUP", "credentials": {"userName": "x"}, "profile": {"role": "Old"}}
    # 00u00002 becomes visible only after the list was read: the add then meets a 409
    okta_list = okta.app_users.pop("00u00002")
    original_paginate = okta.paginate

    def paginate_then_show(path, params=None):
        yield from original_paginate(path, params)
        okta.app_users["00u00002"] = okta_list

    okta.paginate = paginate_then_show
    result = run(okta, users=[{"login": "user0001@acme.com"}, {"login": "user0002@acme.com", "profile": {"role": "Sales"}}])
    assert result["failures"] == []
    assert result["updated"] == ["user0002@acme.com"] and result["unchanged"] == 1
    assert okta.app_users["00u00002"]["profile"] == {"role": "Sales"}


def test_listed_user_with_the_app_through_a_group_gets_a_direct_assignment():
    okta = FakeOkta()
    okta.assign(1, scope="GROUP")
    okta.assign(2)
    result = run(okta, users=[{"login": "user0001@acme.com"}, {"login": "user0002@acme.com"}])
    assert result["added"] == ["user0001@acme.com"] and result["unchanged"] == 1
    assert okta.app_users["00u00001"]["scope"] == "USER"
    assert result["diff"]["before"]["users"] == ["user0001@acme.com (via group)", "user0002@acme.com"]
    assert result["diff"]["after"]["users"] == ["user0001@acme.com", "user0002@acme.com"]
    okta.log.clear()
    assert run(okta, users=[{"login": "user0001@acme.com"}, {"login": "user0002@acme.com"}])["changed"] is False
    assert okta.writes() == []


def test_writes_run_concurrently_up_to_max_workers():
    okta = FakeOkta(users=40)
    okta.write_delay = 0.02
    run(okta, users=[{"login": login} for login in logins(1, 40)], max_workers=4)
    assert 1 < okta.max_in_flight <= 4


# ---------------------------------------------------------------- check mode and diff

def test_check_mode_writes_nothing_and_reports_the_changes():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(2, profile={"role": "Old"})
    result = run(okta, check_mode=True, users=[{"login": "user0002@acme.com", "profile": {"role": "New"}},
                                               {"login": "user0003@acme.com"}], exclusive=True)
    assert okta.writes() == []
    assert result["changed"] is True
    assert (result["added"], result["updated"], result["removed"]) == (["user0003@acme.com"], ["user0002@acme.com"], ["user0001@acme.com"])
    assert result["diff"]["before"]["users"] == ["user0001@acme.com", "user0002@acme.com role=Old"]
    assert result["diff"]["after"]["users"] == ["user0002@acme.com role=New", "user0003@acme.com"]


def test_diff_of_thousands_shows_changes_and_a_count():
    okta = FakeOkta(users=1000)
    for n in range(1, 1000):
        okta.assign(n)
    result = run(okta, check_mode=True, users=[{"login": login} for login in logins(1, 1000)])
    assert result["diff"]["before"]["users"] == ["(999 unchanged assignments not shown)"]
    assert result["diff"]["after"]["users"] == ["user1000@acme.com", "(999 unchanged assignments not shown)"]


# ---------------------------------------------------------------- safe exclusive: order, failures, groups, max_removals

def _kind_of(entry):
    method, path, _params = entry
    if method == "DELETE":
        return "remove"
    return "group" if "/groups/" in path else "user"


def test_writes_go_groups_then_user_adds_and_updates_then_removals():
    okta = FakeOkta()
    for n in (1, 2, 3, 4):
        okta.assign(n, profile={"role": "Old"})
    okta.app_groups["00gsupport"] = {"priority": 0, "profile": {}}
    result = run(okta, users=[{"login": login, "profile": {"role": "New"}} for login in logins(1, 2) + logins(10, 11)],
                 groups=[{"name": "Sales", "priority": 1}], exclusive=True, max_workers=4)
    assert sorted(result["removed"]) == ["Support", "user0003@acme.com", "user0004@acme.com"]
    order = [_kind_of(entry) for entry in okta.writes()]
    assert order == ["group"] + ["user"] * 4 + ["remove"] * 3, order


def test_no_removal_is_sent_when_an_add_failed_and_each_is_reported():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(2)
    okta.app_groups["00gsupport"] = {"priority": 0, "profile": {}}
    okta.fail_users[okta.uid(5)] = (400, "E0000001")
    with pytest.raises(AssignmentWritesFailed) as failed:
        run(okta, users=[{"login": "user0001@acme.com"}, {"login": "user0005@acme.com"}], groups=[{"name": "Sales"}],
            exclusive=True)
    assert [entry for entry in okta.writes() if entry[0] == "DELETE"] == []
    fields = failed.value.result_fields()
    assert sorted(entry.get("user") or entry.get("group") for entry in fields["not_removed"]) == ["Support", "user0002@acme.com"]
    assert all("1 add(s) or update(s) of this run failed" in entry["reason"] for entry in fields["not_removed"])
    assert fields["removed"] == [] and fields["added"] == ["Sales"]


def test_a_user_moving_to_a_listed_group_loses_the_direct_assignment_only_after_the_group_reads_back():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(7)                       # direct now; a member of Sales, which this run assigns
    okta.members["00gsales"] = [okta.uid(7), okta.uid(8)]
    result = run(okta, users=[{"login": "user0001@acme.com"}], groups=[{"name": "Sales"}], exclusive=True)
    assert result["removed"] == ["user0007@acme.com"]
    paths = [(method, path) for method, path, _params in okta.log]
    put = paths.index(("PUT", "/api/v1/apps/0oaapp/groups/00gsales"))
    confirm = paths.index(("GET", "/api/v1/apps/0oaapp/groups/00gsales"))
    delete = paths.index(("DELETE", "/api/v1/apps/0oaapp/users/00u00007"))
    assert put < confirm < delete


def test_a_user_whose_group_does_not_read_back_keeps_the_direct_assignment():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(7)
    okta.assign(9)                       # not in a listed group: removed as usual
    okta.members["00gsales"] = [okta.uid(7)]
    okta.lost_groups.add("00gsales")
    result = run(okta, users=[{"login": "user0001@acme.com"}], groups=[{"name": "Sales"}], exclusive=True)
    assert result["removed"] == ["user0009@acme.com"]
    [entry] = result["not_removed"]
    assert entry["user"] == "user0007@acme.com" and "Sales" in entry["reason"] and "not assigned" in entry["reason"]
    assert "user0007@acme.com was not removed" in result["warnings"][0]
    assert okta.uid(7) in okta.app_users


@pytest.mark.parametrize("limit", [2, "2", "20%", " 29% "])
def test_max_removals_refuses_before_any_write(limit):
    okta = FakeOkta()
    for n in range(1, 11):
        okta.assign(n)                   # 10 direct assignments: 20% allows 2, 29% allows 2
    with pytest.raises(AssignmentInputError) as refused:
        run(okta, users=[{"login": login} for login in logins(1, 7)] + [{"login": "user0050@acme.com"}],
            exclusive=True, max_removals=limit)
    message = str(refused.value)
    assert "would remove 3 assignment(s)" in message and "set max_removals to 3 or more" in message
    assert okta.writes() == []


@pytest.mark.parametrize("limit", [3, "30%", "100%", None])
def test_max_removals_at_or_above_the_removals_lets_the_run_go(limit):
    okta = FakeOkta()
    for n in range(1, 11):
        okta.assign(n)
    result = run(okta, users=[{"login": login} for login in logins(1, 7)], exclusive=True, max_removals=limit)
    assert sorted(result["removed"]) == logins(8, 10)


def test_max_removals_is_checked_in_check_mode_too():
    okta = FakeOkta()
    okta.assign(1)
    okta.assign(2)
    with pytest.raises(AssignmentInputError):
        run(okta, check_mode=True, users=[{"login": "user0001@acme.com"}], exclusive=True, max_removals=0)


@pytest.mark.parametrize("bad", ["ten", "-1", "150%", "%", True, 2.5])
def test_a_bad_max_removals_is_refused_with_what_to_give(bad):
    okta = FakeOkta()
    with pytest.raises(AssignmentInputError, match="max_removals must be a count"):
        run(okta, users=[{"login": "user0001@acme.com"}], max_removals=bad)
    assert okta.log == []


def test_the_assignment_lists_and_the_schema_are_read_at_the_same_time():
    """They do not depend on each other: reading them one after the other only delays the first write."""
    okta = FakeOkta(users=5)
    all_three = threading.Barrier(3, timeout=2)   # broken (an error) unless the three reads are in progress together
    list_items, read = okta.paginate, okta.get

    def paginate(path, params=None):
        if path.startswith(f"/api/v1/apps/{APP['id']}/"):
            all_three.wait()
        yield from list_items(path, params)

    def get(path, params=None):
        if path.startswith("/api/v1/meta/schemas/"):
            all_three.wait()
        return read(path, params)

    okta.paginate, okta.get = paginate, get
    result = run(okta, users=[{"login": "user0001@acme.com", "profile": {"role": "Sales"}}], groups=[{"name": "Sales"}])
    assert result["added"] == ["user0001@acme.com", "Sales"]
