"""Okta's pushes into the simulated Salesforce org, the planted disagreements, and SOQL answers in batches."""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from tests.simulator.conftest import Client

SF_APP_ID = "0oasalesforce0001"
SF_APP = f"/api/v1/apps/{SF_APP_ID}"
USER_QUERY = "SELECT Id, Username, FederationIdentifier, IsActive, Profile.Name, UserRole.Name FROM User"


def enable_push(sim):
    sim.patch(["okta", "connections", SF_APP_ID, "status"], "ENABLED")
    sim.patch(["okta", "features", SF_APP_ID, "USER_PROVISIONING"], {
        "create": {"lifecycleCreate": {"status": "ENABLED"}},
        "update": {"profile": {"status": "ENABLED"}, "lifecycleDeactivate": {"status": "ENABLED"}}})


def salesforce(sim):
    """A REST client of the simulated Salesforce org, logged in as the API user (a SOAP login)."""
    user = sim.state()["salesforce"]["users"]["okta.api@acme.com"]
    envelope = ('<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/" '
                'xmlns:urn="urn:partner.soap.sforce.com"><env:Body><urn:login>'
                f'<urn:username>okta.api@acme.com</urn:username><urn:password>{escape(user["password"] + user["security_token"])}'
                '</urn:password></urn:login></env:Body></env:Envelope>')
    answer = Client(sim, auth="").post("/services/Soap/u/64.0", data=envelope, headers={"Content-Type": "text/xml"})
    session_id = answer.text.split("<sessionId>")[1].split("</sessionId>")[0]
    return Client(sim, auth=f"Bearer {session_id}")


def test_assigning_pushes_the_user_and_unassigning_deactivates_it(sim, okta):
    enable_push(sim)
    uid = okta.get("/api/v1/users/user0042@acme.com").json()["id"]
    okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER", "profile": {"profile": "Sales Rep", "role": "EMEA"}})
    pushed = sim.state()["salesforce"]["users"]["user0042@acme.com"]
    assert (pushed["profile"], pushed["role"], pushed["is_active"]) == ("Sales Rep", "EMEA", True)
    assert pushed["federation_identifier"] == "user0042@acme.com"
    listed = okta.get(f"{SF_APP}/users").json()[0]
    assert (listed["status"], listed["syncState"], listed["externalId"]) == ("PROVISIONED", "SYNCHRONIZED", pushed["id"])
    okta.post(f"{SF_APP}/users/{uid}", json={"profile": {"role": "APAC"}})
    assert sim.state()["salesforce"]["users"]["user0042@acme.com"]["role"] == "APAC"
    okta.delete(f"{SF_APP}/users/{uid}")
    assert sim.state()["salesforce"]["users"]["user0042@acme.com"]["is_active"] is False


def test_nothing_is_pushed_while_provisioning_is_off(sim, okta):
    uid = okta.get("/api/v1/users/user0042@acme.com").json()["id"]
    okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER"})
    assert "user0042@acme.com" not in sim.state()["salesforce"]["users"]


def test_each_planted_kind_changes_distinct_users(sim, okta):
    enable_push(sim)
    assert sim.assign_with_provisioning(SF_APP_ID, 20, {"profile": "Standard User", "role": "Sales"}) == 20
    planted = {kind: sim.plant_drift(SF_APP_ID, kind, 2) for kind in (
        "missing_in_salesforce", "inactive_in_salesforce", "profile_differs", "role_differs", "sync_error",
        "out_of_sync", "not_provisioned", "unassigned_in_okta")}
    keys = [key for kind in planted.values() for key in kind]
    assert len(set(keys)) == len(keys) == 16
    users = sim.state()["salesforce"]["users"]
    assert all(key not in users for key in planted["missing_in_salesforce"])
    assert all(users[key]["is_active"] is False for key in planted["inactive_in_salesforce"])
    assert all(users[key]["role"] == "Drifted Role" for key in planted["role_differs"])
    assert all(users[key]["is_active"] and users[key]["user_type"] == "Standard" for key in planted["unassigned_in_okta"])
    states = {u["credentials"]["userName"]: (u["status"], u["syncState"]) for u in okta.get(f"{SF_APP}/users").json()}
    assert {states[key] for key in planted["sync_error"]} == {("PROVISIONED", "ERROR")}
    assert {states[key] for key in planted["not_provisioned"]} == {("STAGED", "SYNCHRONIZED")}
    with pytest.raises(ValueError, match="only 6 assigned users were left"):   # 20 - 7 kinds x 2
        sim.plant_drift(SF_APP_ID, "inactive_in_salesforce", 7)


def test_soql_answers_come_in_batches_with_next_records_url(sim):
    enable_push(sim)
    sim.reset(users=4500)
    enable_push(sim)
    seeded = len(sim.state()["salesforce"]["users"])
    sim.assign_with_provisioning(SF_APP_ID, 4500)
    total = seeded + 4500
    client = salesforce(sim)
    first = client.get("/services/data/v64.0/query/", params={"q": USER_QUERY}).json()
    assert (first["totalSize"], first["done"], len(first["records"])) == (total, False, 2000)
    assert first["nextRecordsUrl"].startswith("/services/data/v64.0/query/01g") and first["nextRecordsUrl"].endswith("-2000")
    second = client.get(first["nextRecordsUrl"]).json()
    third = client.get(second["nextRecordsUrl"]).json()
    assert (len(second["records"]), second["done"], len(third["records"]), third["done"]) == (2000, False, total - 4000, True)
    assert "nextRecordsUrl" not in third
    everyone = [r["Username"] for r in first["records"] + second["records"] + third["records"]]
    assert len(set(everyone)) == total
    smaller = client.get("/services/data/v64.0/query/", params={"q": USER_QUERY},
                         headers={"Sforce-Query-Options": "batchSize=500"}).json()
    assert len(smaller["records"]) == 500
    unknown = client.get("/services/data/v64.0/query/01gSIM999999999-2000")
    assert unknown.status_code == 400 and unknown.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_a_user_without_a_role_answers_null_for_the_relationship(sim):
    row = salesforce(sim).get("/services/data/v64.0/query/", params={"q": USER_QUERY}).json()["records"][0]
    assert row["UserRole"] is None and row["Profile"]["Name"] == "System Administrator"
