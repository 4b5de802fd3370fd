"""_sync_health: the comparison of Okta's app users with Salesforce's users, fed by hand (no HTTP)."""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils._sync_health import (
    CATEGORIES,
    SyncHealth,
    SyncHealthError,
    SyncHealthRequest,
    read_sync_health,
    salesforce_user_fields,
)


def app_user(username, uid=None, status="PROVISIONED", sync_state="SYNCHRONIZED", profile="Standard User", role=None,
             scope="USER"):
    return {"id": uid or "00u" + username.split("@")[0], "status": status, "syncState": sync_state, "scope": scope,
            "credentials": {"userName": username}, "profile": {"profile": profile, "role": role},
            "lastSync": "2026-11-30T02:00:00.000Z", "statusChanged": "2026-11-01T00:00:00.000Z"}


def sf_user(username, active=True, user_type="Standard", profile="Standard User", role=None, federation_id=None):
    return {"Id": "005" + username.split("@")[0], "Username": username, "IsActive": active, "UserType": user_type,
            "FederationIdentifier": federation_id, "Profile": {"Name": profile},
            "UserRole": {"Name": role} if role else None, "LastLoginDate": None}


def compare(okta_users, sf_users, **request):
    health = SyncHealth(SyncHealthRequest(**request))
    for user in okta_users:
        health.add_okta_user(user)
    for row in sf_users:
        health.add_salesforce_user(row)
    return health.result()


def names(result, category):
    return [entry["username"] for entry in result["users"][category]]


def test_each_category_is_found_and_in_sync_is_what_is_left():
    result = compare(
        [app_user("ok@x.com"), app_user("gone@x.com"), app_user("off@x.com"), app_user("prof@x.com", profile="Sales"),
         app_user("role@x.com", role="EMEA"), app_user("err@x.com", sync_state="ERROR"),
         app_user("staged@x.com", status="STAGED")],
        [sf_user("ok@x.com"), sf_user("off@x.com", active=False), sf_user("prof@x.com"),
         sf_user("role@x.com", role="US"), sf_user("err@x.com"), sf_user("staged@x.com"), sf_user("extra@x.com"),
         sf_user("portal@x.com", user_type="PowerPartner"), sf_user("old@x.com", active=False)],
        include=CATEGORIES)
    assert names(result, "missing_in_salesforce") == ["gone@x.com"]
    assert names(result, "inactive_in_salesforce") == ["off@x.com"]
    assert names(result, "profile_or_role_differs") == ["prof@x.com", "role@x.com"]
    assert names(result, "unassigned_in_okta") == ["extra@x.com"]   # not the portal user, not the inactive one
    assert names(result, "okta_sync_problems") == ["err@x.com", "staged@x.com"]
    assert names(result, "in_sync") == ["ok@x.com"]
    assert result["healthy"] is False
    role = result["users"]["profile_or_role_differs"][1]
    assert (role["differs"], role["okta"], role["salesforce"]) == (["role"], {"role": "EMEA"}, {"role": "US"})
    staged = result["users"]["okta_sync_problems"][1]
    assert staged["reason"].startswith("status STAGED: the push to Salesforce is queued")


def test_a_clean_pair_is_healthy_and_matching_ignores_case():
    result = compare([app_user("Jane.Doe@X.com", role="EMEA")], [sf_user("jane.doe@x.com", role="EMEA")])
    assert result["healthy"] is True
    assert result["counts"]["in_sync"] == 1 and result["users"] == {name: [] for name in CATEGORIES[:-1]}


def test_an_attribute_okta_leaves_empty_is_not_compared():
    result = compare([app_user("a@x.com", profile=None, role=None)], [sf_user("a@x.com", profile="Admin", role="CEO")])
    assert result["counts"]["profile_or_role_differs"] == 0 and result["counts"]["in_sync"] == 1


def test_lists_stop_at_max_listed_counts_do_not_and_include_chooses_the_lists():
    okta = [app_user(f"u{n}@x.com") for n in range(5)]
    result = compare(okta, [], max_listed=2, include=("missing_in_salesforce",))
    assert result["counts"]["missing_in_salesforce"] == 5
    assert names(result, "missing_in_salesforce") == ["u0@x.com", "u1@x.com"]
    assert list(result["users"]) == ["missing_in_salesforce"]
    assert result["truncated"] == ["missing_in_salesforce"]


def test_ignored_usernames_are_never_listed_as_unassigned():
    result = compare([], [sf_user("breakglass@x.com"), sf_user("api@x.com"), sf_user("other@x.com")],
                     ignore_usernames=frozenset({"breakglass@x.com", "api@x.com"}))
    assert names(result, "unassigned_in_okta") == ["other@x.com"]
    assert result["counts"]["ignored"] == 2


def test_match_on_federation_id():
    result = compare([app_user("jdoe")], [sf_user("jane@x.com", federation_id="JDOE"), sf_user("bob@x.com")],
                     match_on="federation_id")
    assert result["counts"]["in_sync"] == 1
    assert names(result, "unassigned_in_okta") == ["bob@x.com"]   # no Federation ID: matches nobody


def test_the_okta_side_keeps_only_unmatched_users():
    health = SyncHealth(SyncHealthRequest())
    for n in range(100):
        health.add_okta_user(app_user(f"u{n}@x.com"))
    for n in range(90):
        health.add_salesforce_user(sf_user(f"u{n}@x.com"))
    assert len(health.okta) == 10
    assert all(isinstance(entry, tuple) for entry in health.okta.values())


class FakeUserObject:
    def __init__(self, fields):
        self.fields = fields

    def describe(self):
        return {"fields": [{"name": name} for name in self.fields]}


class FakeSalesforce:
    def __init__(self, fields, rows=()):
        self.User = FakeUserObject(fields)   # pylint: disable=invalid-name  # simple-salesforce's attribute name
        self.rows = rows
        self.queries = []

    def query_all_iter(self, soql):
        self.queries.append(soql)
        return iter(self.rows)


class FakeOkta:
    def paginate(self, path, params=None):
        assert (path, params) == ("/api/v1/apps/0oa1/users", {"limit": 500})
        return iter([app_user("a@x.com", role="EMEA")])


def test_the_query_names_only_fields_the_describe_lists_and_roles_are_then_not_compared():
    sf = FakeSalesforce(["Id", "Username", "FederationIdentifier", "IsActive", "UserType", "ProfileId"],
                        [sf_user("a@x.com")])
    assert salesforce_user_fields(sf) == ("Id", "Username", "FederationIdentifier", "IsActive", "UserType", "Profile.Name")
    result = read_sync_health(FakeOkta(), {"id": "0oa1"}, sf, SyncHealthRequest())
    assert sf.queries == ["SELECT Id, Username, FederationIdentifier, IsActive, UserType, Profile.Name FROM User"]
    assert result["counts"]["in_sync"] == 1   # the role Okta names cannot be read, so it is not compared


def test_federation_id_matching_needs_the_field():
    sf = FakeSalesforce(["Id", "Username", "IsActive", "UserType", "ProfileId"])
    with pytest.raises(SyncHealthError, match="match_on=federation_id needs the User field FederationIdentifier"):
        read_sync_health(FakeOkta(), {"id": "0oa1"}, sf, SyncHealthRequest(match_on="federation_id"))
