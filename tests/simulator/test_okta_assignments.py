"""App assignments: direct (USER) and through groups (GROUP), schema checks, partial failures."""
from __future__ import annotations

SF_APP = "/api/v1/apps/0oasalesforce0001"


def user_id(okta, login):
    found = okta.get("/api/v1/users", params={"search": f'profile.login eq "{login}"'}).json()
    assert len(found) == 1
    return found[0]["id"]


def group_id(okta, name):
    found = okta.get("/api/v1/groups", params={"search": f'profile.name eq "{name}"'}).json()
    assert len(found) == 1
    return found[0]["id"]


def test_assign_update_unassign_a_user(okta, sim):
    uid = user_id(okta, "user0042@acme.com")
    resp = okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER", "credentials": {"userName": "u42@acme.sf"},
                                              "profile": {"profile": "Standard User", "salesforceGroups": ["A"]}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "USER" and resp.json()["credentials"] == {"userName": "u42@acme.sf"}
    again = okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER"})
    assert again.status_code == 409 and again.json()["errorCode"] == "E0000062"
    resp = okta.post(f"{SF_APP}/users/{uid}", json={"profile": {"role": "CEO"}})
    assert resp.json()["profile"] == {"profile": "Standard User", "salesforceGroups": ["A"], "role": "CEO"}
    listed = okta.get(f"{SF_APP}/users", params={"limit": 500, "expand": "user"}).json()
    assert [(u["id"], u["_embedded"]["user"]["profile"]["login"]) for u in listed] == [(uid, "user0042@acme.com")]
    assert okta.delete(f"{SF_APP}/users/{uid}", params={"sendEmail": "false"}).status_code == 204
    assert okta.get(f"{SF_APP}/users").json() == []


def test_user_by_percent_encoded_login(okta):
    resp = okta.get("/api/v1/users/user0001%40acme.com")
    assert resp.status_code == 200 and resp.json()["profile"]["login"] == "user0001@acme.com"


def test_unknown_profile_attribute_is_refused(okta):
    uid = user_id(okta, "user0001@acme.com")
    resp = okta.post(f"{SF_APP}/users", json={"id": uid, "profile": {"favouriteColour": "blue"}})
    assert resp.status_code == 400
    assert resp.json()["errorCauses"] == [{"errorSummary": "Property 'favouriteColour' not found"}]


def test_group_assignment_brings_its_members_as_group_scope(okta):
    gid = group_id(okta, "Salesforce Admins")
    resp = okta.put(f"{SF_APP}/groups/{gid}", json={"priority": 1})
    assert resp.status_code == 200 and resp.json()["priority"] == 1
    members = okta.get(f"{SF_APP}/users", params={"expand": "user"}).json()
    assert sorted(m["_embedded"]["user"]["profile"]["login"] for m in members) == [
        "user0001@acme.com", "user0002@acme.com", "user0003@acme.com"]
    assert {m["scope"] for m in members} == {"GROUP"}
    refused = okta.delete(f"{SF_APP}/users/{members[0]['id']}")
    assert refused.status_code == 403
    assert okta.delete(f"{SF_APP}/groups/{gid}").status_code == 204
    assert okta.get(f"{SF_APP}/users").json() == []


def test_fail_users_and_inactive_users(okta, sim):
    sim.configure(faults={"fail_users": ["user0005@acme.com"]})
    failing = okta.post(f"{SF_APP}/users", json={"id": user_id(okta, "user0005@acme.com")})
    assert failing.status_code == 400 and failing.json()["errorCode"] == "E0000001"
    assert okta.post(f"{SF_APP}/users", json={"id": user_id(okta, "user0006@acme.com")}).status_code == 200
    inactive = okta.post(f"{SF_APP}/users", json={"id": user_id(okta, "former.employee@acme.com")})
    assert inactive.status_code == 403 and inactive.json()["errorCode"] == "E0000117"
    assert [w["status"] for w in sim.writes()] == [400, 200, 403]
