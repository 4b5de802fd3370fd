"""Salesforce side: SOAP login (success, faults, expired password, retirement, lockout) and the
credential-test queries, driven through simple-salesforce as the collection drives them."""
from __future__ import annotations

import xml.dom.minidom

import pytest
import requests
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import SalesforceAuthenticationFailed

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
    body = (f'<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">'
            f'<env:Body><n1:login xmlns:n1="{PARTNER}"><n1:username>{username}</n1:username>'
            f'<n1:password>{secret}</n1:password></n1:login></env:Body></env:Envelope>')
    return trusted_session(sim).post(f"{sim.url}/services/Soap/u/{version}", data=body,
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


@pytest.mark.parametrize("change, version", [((["salesforce", "org", "soap_login_enabled"], False), "64.0"), (None, "65.0")])
def test_soap_login_retirement_fault(sim, change, version):
    if change:
        sim.patch(*change)
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim, version=version)
    assert failed.value.code == "INVALID_OPERATION"
    assert "login()" in str(failed.value)


def test_api_disabled_and_lockout(sim):
    sim.patch(["salesforce", "org", "api_enabled"], False)
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim)
    assert failed.value.code == "API_DISABLED_FOR_ORG"
    sim.patch(["salesforce", "org", "api_enabled"], True)
    for _attempt in range(5):
        with pytest.raises(SalesforceAuthenticationFailed):
            login(sim, secret="Wrong-password-value")
    with pytest.raises(SalesforceAuthenticationFailed) as failed:
        login(sim)
    assert failed.value.code == "PASSWORD_LOCKOUT"
    assert sim.state()["salesforce"]["users"][API_USER]["locked"] is True


def test_rest_errors_are_salesforce_error_lists(sim):
    session = trusted_session(sim)
    resp = session.get(f"{sim.url}/services/data/v64.0/query/", params={"q": "SELECT Id FROM Organization"},
                       headers={"Authorization": "Bearer not-a-session"})
    assert resp.status_code == 401 and resp.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    session_id = login(sim)[0]
    resp = session.get(f"{sim.url}/services/data/v64.0/query/", params={"q": "SELECT Nope FROM User"},
                       headers={"Authorization": f"Bearer {session_id}"})
    assert resp.status_code == 400 and resp.json()[0]["errorCode"] == "INVALID_FIELD"
