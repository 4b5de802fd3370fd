"""Salesforce side: SOAP login (success, faults, expired password, retirement, lockout) and the
credential-test queries, driven through simple-salesforce as the collection drives them."""
from __future__ import annotations

import xml.dom.minidom
from xml.sax.saxutils import escape

import pytest
import requests
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceMalformedRequest

API_USER = "okta.api@acme.com"
PARTNER = "urn:partner.soap.sforce.com"


def sf_user(sim, username=API_USER):
    return sim.state()["salesforce"]["users"][username]


def trusted_session(sim):
    session = requests.Session()
    session.trust_env = False
    session.verify = sim.ca_path
    return session


def login(sim, username=API_USER, secret=None, version="64.0"):
    user = sf_user(sim, username) if secret is None else None
    secret = secret if secret is not None else user["password"] + user["security_token"]
    return SalesforceLogin(username=username, password=secret, security_token="", sf_version=version,
                           scratch_url=sim.url, session=trusted_session(sim))


def soap(sim, username, secret, version="64.0"):
    """A SOAP login() as a client sends it: the seeded password holds & < > and non-ASCII, so it is XML-escaped."""
    body = (f'<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<env:Body><n1:login xmlns:n1="{PARTNER}"><n1:username>{username}</n1:username>'
            f'<n1:password>{escape(secret)}</n1:password></n1:login></env:Body></env:Envelope>')
    return trusted_session(sim).post(f"{sim.url}/services/Soap/u/{version}", data=body.encode("utf-8"),
                                     headers={"Content-Type": "text/xml", "SOAPAction": "login"}, timeout=30)


def test_simple_salesforce_logs_in_and_runs_the_three_queries(sim):
    session_id, instance = login(sim)
    assert instance == sim.url.split("://")[1]
    sf = Salesforce(session_id=session_id, instance=instance, session=trusted_session(sim), version="64.0")
    user = sf_user(sim)
    rows = sf.query("SELECT Id, Username, IsActive, UserType, Profile.Name, Profile.IsSsoEnabled, "
                    "Profile.PermissionsApiEnabled, Profile.PermissionsManageUsers, Profile.PermissionsModifyAllData "
                    f"FROM User WHERE Id = '{user['id']}'")
    assert rows["totalSize"] == 1
    record = rows["records"][0]
    assert record["Username"] == API_USER and record["IsActive"] is True
    assert record["Profile"]["Name"] == "System Administrator"
    assert record["Profile"]["PermissionsApiEnabled"] is True and record["Profile"]["IsSsoEnabled"] is False
    sets = sf.query("SELECT PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsIsSsoEnabled, "
                    "PermissionSet.PermissionsApiEnabled, PermissionSet.PermissionsManageUsers "
                    f"FROM PermissionSetAssignment WHERE AssigneeId = '{user['id']}'")
    assert [r["PermissionSet"]["IsOwnedByProfile"] for r in sets["records"]] == [True]
    org = sf.query("SELECT Id, Name, IsSandbox, OrganizationType, InstanceName FROM Organization")["records"][0]
    assert org["IsSandbox"] is False and org["Name"] == "Acme Corp"


def test_login_answer_has_the_partner_fields(sim):
    user = sf_user(sim)
    resp = soap(sim, API_USER, user["password"] + user["security_token"])
    assert resp.status_code == 200
    dom = xml.dom.minidom.parseString(resp.content)
    result = dom.getElementsByTagNameNS(PARTNER, "result")[0]
    names = {n.localName for n in result.childNodes}
    assert {"metadataServerUrl", "passwordExpired", "sandbox", "serverUrl", "sessionId", "userId", "userInfo"} <= names
    info = {n.localName: n.firstChild.data if n.firstChild else "" for n in result.getElementsByTagNameNS(PARTNER, "userInfo")[0].childNodes}
    assert info["userName"] == API_USER and info["organizationId"] == sim.state()["salesforce"]["org"]["id"]
    assert dom.getElementsByTagNameNS(PARTNER, "serverUrl")[0].firstChild.data.startswith(sim.url + "/services/Soap/u/64.0/")


@pytest.mark.parametrize("secret_kind, code", [("password_only", "LOGIN_MUST_USE_SECURITY_TOKEN"), ("wrong", "INVALID_LOGIN")])
def test_bad_credentials_give_a_login_fault(sim, secret_kind, code):
    user = sf_user(sim)
    secret = user["password"] if secret_kind == "password_only" else "Wrong-password-value"
    resp = soap(sim, API_USER, secret)
    assert resp.status_code == 500
    dom = xml.dom.minidom.parseString(resp.content)
    assert dom.getElementsByTagName("faultcode")[0].firstChild.data == f"sf:{code}"
    assert dom.getElementsByTagName("sf:exceptionCode")[0].firstChild.data == code
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim, secret=secret)
    assert failed.value.code == code


def test_expired_password_logs_in_with_password_expired_true(sim):
    sim.patch(["salesforce", "users", API_USER, "password_expired"], True)
    user = sf_user(sim)
    resp = soap(sim, API_USER, user["password"] + user["security_token"])
    assert resp.status_code == 200
    assert b"<passwordExpired>true</passwordExpired>" in resp.content


@pytest.mark.parametrize("change, version, message", [
    ((["salesforce", "org", "soap_login_enabled"], False), "64.0",
     "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login()."),
    (None, "65.0", "The SOAP Login operation is not available in the API version specified (65.0). "
                   "Refer to the documentation for supported versions."),
])
def test_soap_login_retirement_fault(sim, change, version, message):
    if change:
        sim.patch(*change)
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim, version=version)
    assert failed.value.code == "INVALID_OPERATION"
    assert failed.value.auth_message == message
    assert [(e["channel"], e["fault"]) for e in sim.salesforce_logins(API_USER)] == [("soap_login", "INVALID_OPERATION")]
    assert sf_user(sim)["failed_logins"] == 0   # not a password failure: no step toward the lockout


def test_api_disabled(sim):
    sim.patch(["salesforce", "org", "api_enabled"], False)
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim)
    assert failed.value.code == "API_DISABLED_FOR_ORG"


def test_lockout_after_the_policy_count_counter_resets_and_login_history(sim):
    assert sim.state()["salesforce"]["org"]["lockout_attempts"] == 10   # Salesforce's default
    sim.patch(["salesforce", "org", "lockout_attempts"], 3)
    # A success before the limit resets the counter.
    for _attempt in range(2):
        with pytest.raises(SalesforceAuthenticationFailed):
            login(sim, secret="Wrong-password-value")
    assert sf_user(sim)["failed_logins"] == 2
    login(sim)
    assert sf_user(sim)["failed_logins"] == 0
    # Three in a row lock the user; the third still gets INVALID_LOGIN, then even the right password is refused.
    codes = []
    for _attempt in range(3):
        with pytest.raises(SalesforceAuthenticationFailed) as failed:
            login(sim, secret="Wrong-password-value")
        codes.append(failed.value.code)
    assert codes == ["INVALID_LOGIN"] * 3
    user = sf_user(sim)
    assert user["locked"] is True and user["failed_logins"] == 0 and user["locked_at"] is not None
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim)
    assert failed.value.code == "PASSWORD_LOCKOUT"
    history = sim.salesforce_logins(API_USER, channel="soap_login")
    assert [e["fault"] for e in history] == [
        "INVALID_LOGIN", "INVALID_LOGIN", None, "INVALID_LOGIN", "INVALID_LOGIN", "INVALID_LOGIN", "PASSWORD_LOCKOUT"]
    assert {e["user_id"] for e in history} == {user["id"]}
    # The lockout effective period ends it (here: locked 16 minutes ago, period 15 minutes).
    sim.patch(["salesforce", "users", API_USER, "locked_at"], user["locked_at"] - 16 * 60)
    login(sim)
    assert sf_user(sim)["locked"] is False


def test_lockout_forever_waits_for_an_administrator(sim):
    sim.patch(["salesforce", "org", "lockout_effective_minutes"], 0)
    sim.patch(["salesforce", "users", API_USER, "locked"], True)
    sim.patch(["salesforce", "users", API_USER, "locked_at"], 0)
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim)
    assert failed.value.code == "PASSWORD_LOCKOUT"
    sim.patch(["salesforce", "users", API_USER, "locked"], False)   # Setup > Users > the user > Unlock
    login(sim)


def test_describe_lists_the_fields_the_org_has(sim):
    session_id, instance = login(sim)
    sf = Salesforce(session_id=session_id, instance=instance, session=trusted_session(sim), version="64.0")
    names = {field["name"] for field in sf.Profile.describe()["fields"]}
    assert {"Name", "IsSsoEnabled", "PermissionsApiEnabled", "PermissionsManageUsers"} <= names
    assert "PermissionsIsSsoEnabled" in {field["name"] for field in sf.PermissionSet.describe()["fields"]}
    profile_id = next(f for f in sf.User.describe()["fields"] if f["name"] == "ProfileId")
    assert (profile_id["relationshipName"], profile_id["referenceTo"]) == ("Profile", ["Profile"])

    sim.patch(["salesforce", "org", "delegated_auth_available"], False)
    sim.patch(["salesforce", "org", "absent_fields"], {"Profile": ["PermissionsModifyAllData"]})
    names = {field["name"] for field in sf.Profile.describe()["fields"]}
    assert not names & {"IsSsoEnabled", "PermissionsModifyAllData"} and "PermissionsApiEnabled" in names
    assert "PermissionsIsSsoEnabled" not in {field["name"] for field in sf.PermissionSet.describe()["fields"]}
    resp = trusted_session(sim).get(f"{sim.url}/services/data/v64.0/sobjects/Nope/describe",
                                    headers={"Authorization": f"Bearer {session_id}"})
    assert resp.status_code == 404 and resp.json()[0]["errorCode"] == "NOT_FOUND"


def test_a_field_the_org_lacks_fails_the_whole_query_even_without_rows(sim):
    session_id, instance = login(sim)
    sf = Salesforce(session_id=session_id, instance=instance, session=trusted_session(sim), version="64.0")
    sim.patch(["salesforce", "org", "delegated_auth_available"], False)
    soql = ("SELECT PermissionSet.Name, PermissionSet.PermissionsIsSsoEnabled FROM PermissionSetAssignment "
            "WHERE AssigneeId = '005000000000000AAA'")
    with pytest.raises(SalesforceMalformedRequest) as failed:
        sf.query(soql)
    error = failed.value.content[0]
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"].endswith(
        "No such column 'PermissionsIsSsoEnabled' on entity 'PermissionSet'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe "
        "call for the appropriate names.")
    assert "ERROR at Row:1:Column:" in error["message"]
    rows = sf.query("SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '005000000000000AAA'")
    assert rows["totalSize"] == 0


def test_rest_errors_are_salesforce_error_lists(sim):
    session = trusted_session(sim)
    resp = session.get(f"{sim.url}/services/data/v64.0/query/", params={"q": "SELECT Id FROM Organization"},
                       headers={"Authorization": "Bearer not-a-session"})
    assert resp.status_code == 401 and resp.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    session_id = login(sim)[0]
    resp = session.get(f"{sim.url}/services/data/v64.0/query/", params={"q": "SELECT Nope FROM User"},
                       headers={"Authorization": f"Bearer {session_id}"})
    assert resp.status_code == 400 and resp.json()[0]["errorCode"] == "INVALID_FIELD"
