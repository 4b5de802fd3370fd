"""Salesforce login and credentials test against a small fake Salesforce served over TLS on loopback.

Real requests and simple-salesforce code paths: the fake answers SOAP login() and the REST query
endpoint with the shapes Salesforce documents (okta-salesforce-api.md section 4).
"""
from __future__ import annotations

import datetime
import ipaddress
import json
import re
import socket
from html import escape
from xml.etree import ElementTree

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _salesforce as sf
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import run_credentials_test

USERNAME = "okta.api@acme.com"
PASSWORD = "Pw<&>canary-1"          # characters that must be XML-escaped in the SOAP body
TOKEN = "tokenCanary42"
USER_ID = "005Hn00000A1b2CIAR"
ORG_ID = "00DHn0000001aBcMAI"
SESSION_ID = "00DHn0000001aBc!AQsessioncanary"


# ---------------------------------------------------------------- TLS material

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_ca_and_server_cert(directory):
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("unit test CA")).issuer_name(_name("unit test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: directory / f"{name}.pem" for name in ("ca", "cert", "key")}
    paths["ca"].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    return _write_ca_and_server_cert(tmp_path_factory.mktemp("tls"))


# ---------------------------------------------------------------- the fake Salesforce

class FakeSalesforce:
    """Answers SOAP login() and SOQL queries from a small editable state, and records every request."""

    def __init__(self, server, ca_path):
        self.server = server
        self.ca_path = ca_path
        self.fault = None                 # (code, message): every login answers this SOAP fault
        self.http_status = None           # (status, body): every login answers this non-SOAP answer
        self.password_expired = False
        self.sandbox = False
        self.user = {"Id": USER_ID, "Username": USERNAME, "IsActive": True, "UserType": "Standard",
                     "Profile": {"Name": "Integration", "IsSsoEnabled": False, "PermissionsApiEnabled": True,
                                 "PermissionsManageUsers": True, "PermissionsModifyAllData": False}}
        self.permission_sets = [
            {"Name": "X00eHn000000Integration", "IsOwnedByProfile": True, "PermissionsIsSsoEnabled": False,
             "PermissionsApiEnabled": True, "PermissionsManageUsers": True},
        ]
        self.query_errors = {}            # object name -> (status, errorCode, message)
        self.describe_errors = {}         # object name -> (status, errorCode, message)
        # The fields each described object has in this org (a real org without delegated authentication lacks
        # IsSsoEnabled / PermissionsIsSsoEnabled); a query naming another one fails with INVALID_FIELD.
        self.fields = {
            "Profile": ["Id", "Name", "IsSsoEnabled", "PermissionsApiEnabled", "PermissionsManageUsers",
                        "PermissionsModifyAllData"],
            "PermissionSet": ["Id", "Name", "IsOwnedByProfile", "PermissionsIsSsoEnabled", "PermissionsApiEnabled",
                              "PermissionsManageUsers"],
        }
        self.soap_bodies = []
        self.soap_answer = None           # a werkzeug Response every login answers, when set
        self.session_valid = True         # False: every REST call answers 401 INVALID_SESSION_ID (an expired session)

    @property
    def url(self):
        return f"https://127.0.0.1:{self.server.port}"

    def requests(self):
        return [(entry[0].method, entry[0].path) for entry in self.server.log]

    def soap(self, request):
        body = request.get_data()
        self.soap_bodies.append(body)
        if self.soap_answer is not None:
            return self.soap_answer
        if self.http_status:
            return Response(self.http_status[1], status=self.http_status[0], content_type="text/html")
        fields = {el.tag.rsplit("}", 1)[-1]: el.text for el in ElementTree.fromstring(body).iter()}
        if self.fault:
            return self._fault(*self.fault)
        if fields.get("username") != USERNAME or fields.get("password") != PASSWORD + TOKEN:
            return self._fault("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.")
        result = (
            f"<passwordExpired>{str(self.password_expired).lower()}</passwordExpired>"
            f"<sandbox>{str(self.sandbox).lower()}</sandbox>"
            f"<serverUrl>{self.url}/services/Soap/u/64.0/{ORG_ID}</serverUrl>"
            f"<sessionId>{SESSION_ID}</sessionId><userId>{USER_ID}</userId>"
            f"<userInfo><organizationId>{ORG_ID}</organizationId><organizationName>Acme &amp; Co</organizationName>"
            f"<userName>{USERNAME}</userName><userType>Standard</userType></userInfo>"
        )
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="urn:partner.soap.sforce.com"><soapenv:Body><loginResponse><result>{result}</result></loginResponse>'
            "</soapenv:Body></soapenv:Envelope>", content_type="text/xml")

    @staticmethod
    def _fault(code, message):
        return Response(
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {escape(message)}</faultstring>"
            f'<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>{code}</sf:exceptionCode>'
            f"<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage></sf:LoginFault></detail>"
            "</soapenv:Fault></soapenv:Body></soapenv:Envelope>", status=500, content_type="text/xml")

    def query(self, request):
        if not self.session_valid or request.headers.get("Authorization") != f"Bearer {SESSION_ID}":
            return self._json(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
        soql = request.args.get("q", "")
        sobject = re.search(r"\bFROM\s+(\w+)", soql).group(1)
        for related, name in re.findall(r"\b(Profile|PermissionSet)\.(\w+)", soql):
            if name not in self.fields[related]:
                # Salesforce's wording: the query, a caret line, the position, then what is wrong.
                message = (f"\n{soql}\n^\nERROR at Row:1:Column:8\nNo such column '{name}' on entity '{related}'. "
                           "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
                           "field name. Please reference your WSDL or the describe call for the appropriate names.")
                return self._json(400, [{"errorCode": "INVALID_FIELD", "message": message}])
        if sobject in self.query_errors:
            status, code, message = self.query_errors[sobject]
            return self._json(status, [{"errorCode": code, "message": message}])
        records = {
            "User": [self.user],
            "PermissionSetAssignment": [{"PermissionSet": ps} for ps in self.permission_sets],
            "Organization": [{"Id": ORG_ID, "Name": "Acme & Co", "IsSandbox": self.sandbox,
                              "OrganizationType": "Enterprise Edition", "InstanceName": "NA224"}],
        }[sobject]
        return self._json(200, {"totalSize": len(records), "done": True, "records": records})

    def describe(self, request):
        if not self.session_valid or request.headers.get("Authorization") != f"Bearer {SESSION_ID}":
            return self._json(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
        sobject = request.path.split("/")[-2]
        if sobject in self.describe_errors:
            status, code, message = self.describe_errors[sobject]
            return self._json(status, [{"errorCode": code, "message": message}])
        return self._json(200, {"name": sobject, "fields": [{"name": name, "type": "boolean"} for name in self.fields[sobject]]})

    def queries(self):
        """The SOQL of every query sent, in order."""
        return [entry[0].args.get("q") for entry in self.server.log if entry[0].path.endswith("/query/")]

    @staticmethod
    def _json(status, body):
        return Response(json.dumps(body), status=status, content_type="application/json")


@pytest.fixture
def fake(tls_files):
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_files["cert"]), str(tls_files["key"]))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    fake_sf = FakeSalesforce(server, str(tls_files["ca"]))
    server.expect_request(re.compile(r"^/services/Soap/u/"), method="POST").respond_with_handler(fake_sf.soap)
    server.expect_request(re.compile(r"^/services/data/v[\d.]+/query/?$"), method="GET").respond_with_handler(fake_sf.query)
    server.expect_request(re.compile(r"^/services/data/v[\d.]+/sobjects/\w+/describe/?$"),
                          method="GET").respond_with_handler(fake_sf.describe)
    server.start()
    yield fake_sf
    server.clear()
    if server.is_running():
        server.stop()


def params_for(fake_sf, **overrides):
    params = {
        "sf_username": USERNAME, "sf_password": PASSWORD, "sf_security_token": TOKEN, "sf_domain": "login",
        "sf_login_url": fake_sf.url, "sf_api_version": "64.0", "sf_validate_certs": True,
        "sf_ca_path": fake_sf.ca_path, "sf_timeout": 10,
    }
    params.update(overrides)
    return params


def by_name(report):
    return {check.name: check for check in report.checks}


def assert_no_secret(report):
    text = json.dumps(report.as_result()) + " ".join(report.warnings)
    for secret in (PASSWORD, TOKEN, PASSWORD + TOKEN, escape(PASSWORD), SESSION_ID):
        assert secret not in text


# ---------------------------------------------------------------- options

@pytest.mark.parametrize("domain, host", [
    ("login", "login.salesforce.com"),
    ("test", "test.salesforce.com"),
    ("acme.my", "acme.my.salesforce.com"),
    ("Acme--UAT.sandbox.my", "acme--uat.sandbox.my.salesforce.com"),
    ("https://acme.my.salesforce.com/", "acme.my.salesforce.com"),
    (None, "login.salesforce.com"),
])
def test_login_endpoint_from_domain(domain, host):
    endpoint = sf.login_endpoint(domain, None, "64.0")
    assert endpoint.host == host
    assert endpoint.url == f"https://{host}/services/Soap/u/64.0"


@pytest.mark.parametrize("domain", ["acme my", "acme.my/path", "-acme.my", "acme..my", ""])
def test_login_endpoint_refuses_bad_domain(domain):
    with pytest.raises(sf.SalesforceInputError, match="sf_domain must be login, test or a My Domain"):
        sf.login_endpoint(domain or " ", None, "64.0")


def test_login_url_overrides_domain_and_keeps_port():
    endpoint = sf.login_endpoint("test", "https://127.0.0.1:8443/", "64.0")
    assert endpoint.url == "https://127.0.0.1:8443/services/Soap/u/64.0"
    assert endpoint.host == "127.0.0.1:8443"


@pytest.mark.parametrize("url, message", [
    ("http://acme.my.salesforce.com", "sf_login_url uses plain http.*use https.*loopback"),
    ("https://acme.my.salesforce.com/services/Soap/u/64.0", "without a path"),
    ("ftp://acme.my.salesforce.com", "must be a URL"),
    ("acme.my.salesforce.com", "must be a URL"),
])
def test_login_url_refused(url, message):
    with pytest.raises(sf.SalesforceInputError, match=message):
        sf.login_endpoint(None, url, "64.0")


@pytest.mark.parametrize("url", ["http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000",
                                 "http://[::ffff:127.0.0.1]:9000"])
def test_login_url_plain_http_allowed_on_loopback(url):
    assert sf.login_endpoint(None, url, "64.0").base_url == url


@pytest.mark.parametrize("value, wanted", [("64.0", "64.0"), ("64", "64.0"), ("v63.0", "63.0"), (62.0, "62.0")])
def test_api_version_normalised(value, wanted):
    assert sf.normalise_api_version(value) == wanted


@pytest.mark.parametrize("value", ["latest", "64.0.1", "6", ""])
def test_api_version_refused(value):
    with pytest.raises(sf.SalesforceInputError, match="sf_api_version must look like 64.0"):
        sf.normalise_api_version(value)


def test_soap_login_retired_above_64():
    assert not sf.login_endpoint("login", None, "64.0").soap_login_retired
    assert sf.login_endpoint("login", None, "65.0").soap_login_retired


def test_tls_verify_setting(tmp_path):
    assert sf.tls_verify_setting(True, None) is True
    assert sf.tls_verify_setting(False, None) is False
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    assert sf.tls_verify_setting(False, str(ca)) == str(ca)
    with pytest.raises(sf.SalesforceInputError, match="sf_ca_path"):
        sf.tls_verify_setting(True, str(tmp_path / "missing.pem"))


# ---------------------------------------------------------------- the credentials test

def test_good_credentials_pass_every_check(fake):
    report = run_credentials_test(params_for(fake))
    assert [c.name for c in report.checks] == [
        "secrets_whitespace", "login", "password_not_expired", "user_active", "standard_user",
        "api_enabled_on_profile", "manage_users_on_profile", "delegated_auth_off"]
    assert {c.status for c in report.checks} == {"pass"}, [c.as_dict() for c in report.checks]
    assert report.passed
    assert report.user == {"id": USER_ID, "username": USERNAME, "profile": "Integration", "user_type": "Standard", "active": True}
    assert report.org == {"id": ORG_ID, "name": "Acme & Co", "is_sandbox": False,
                          "organization_type": "Enterprise Edition", "instance": "NA224"}
    assert report.login == {"login_host": f"127.0.0.1:{fake.server.port}", "api_version": "64.0", "attempted": True,
                            "server": f"127.0.0.1:{fake.server.port}", "sandbox": False, "password_expired": False,
                            "fault": None}
    assert_no_secret(report)


def test_password_and_token_are_joined_and_escaped_in_the_soap_body(fake):
    run_credentials_test(params_for(fake))
    body = fake.soap_bodies[0].decode()
    assert f"<n1:password>{escape(PASSWORD + TOKEN)}</n1:password>" in body
    assert f"<n1:username>{USERNAME}</n1:username>" in body


def test_requests_are_one_login_two_describes_then_three_queries_and_nothing_else(fake):
    run_credentials_test(params_for(fake))
    assert fake.requests() == [
        ("POST", "/services/Soap/u/64.0"),
        ("GET", "/services/data/v64.0/sobjects/Profile/describe"),
        ("GET", "/services/data/v64.0/sobjects/PermissionSet/describe"),
    ] + [("GET", "/services/data/v64.0/query/")] * 3
    user_query, sets_query, _org = fake.queries()
    assert user_query == ("SELECT Id, Username, IsActive, UserType, Profile.Name, Profile.IsSsoEnabled, "
                          "Profile.PermissionsApiEnabled, Profile.PermissionsManageUsers, Profile.PermissionsModifyAllData "
                          f"FROM User WHERE Id = '{USER_ID}'")
    assert sets_query == ("SELECT PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsIsSsoEnabled, "
                          "PermissionSet.PermissionsApiEnabled, PermissionSet.PermissionsManageUsers "
                          f"FROM PermissionSetAssignment WHERE AssigneeId = '{USER_ID}'")


def test_an_org_without_delegated_authentication_passes_without_asking_for_the_sso_fields(fake):
    fake.fields["Profile"].remove("IsSsoEnabled")
    fake.fields["PermissionSet"].remove("PermissionsIsSsoEnabled")
    report = run_credentials_test(params_for(fake))
    assert {c.status for c in report.checks} == {"pass"}, [c.as_dict() for c in report.checks]
    assert by_name(report)["delegated_auth_off"].detail.startswith("Delegated authentication is not available in this org")
    assert not any("IsSsoEnabled" in soql for soql in fake.queries())


def test_a_field_only_the_profile_lacks_is_not_asked_for_and_the_check_says_so(fake):
    fake.fields["Profile"].remove("PermissionsManageUsers")
    checks = by_name(run_credentials_test(params_for(fake)))
    assert checks["manage_users_on_profile"].detail == (
        "Not checked: the org's Profile object has no PermissionsManageUsers field (describe), so it could not be read.")
    assert checks["api_enabled_on_profile"].status == checks["delegated_auth_off"].status == "pass"
    assert "Profile.PermissionsManageUsers" not in fake.queries()[0]


def test_a_failed_describe_asks_for_every_field_and_a_failed_query_names_salesforce_s_error(fake):
    fake.describe_errors["Profile"] = (403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id")
    fake.fields["Profile"].remove("IsSsoEnabled")
    checks = by_name(run_credentials_test(params_for(fake)))
    for name in ("user_active", "api_enabled_on_profile", "delegated_auth_off"):
        assert checks[name].detail == (
            "Not checked: the User query failed: HTTP 400 INVALID_FIELD: No such column 'IsSsoEnabled' on entity 'Profile'. "
            "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
            "Please reference your WSDL or the describe call for the appropriate names. (the fields could not be listed "
            "first: the Profile describe failed: HTTP 403 INSUFFICIENT_ACCESS: insufficient access rights on object id).")


@pytest.mark.parametrize("code, remedy_words", [
    ("INVALID_LOGIN", "emails the user a new security token"),
    ("LOGIN_MUST_USE_SECURITY_TOKEN", "Set sf_security_token"),
    ("API_DISABLED_FOR_ORG", "API Enabled"),
    ("API_CURRENTLY_DISABLED", "status.salesforce.com"),
    ("PASSWORD_LOCKOUT", "Unlock"),
    ("LOGIN_DURING_RESTRICTED_DOMAIN", "Login IP Ranges"),
    ("LOGIN_DURING_RESTRICTED_TIME", "Login Hours"),
    ("INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "Never expires"),
    ("INSUFFICIENT_ACCESS", "Use Any API Auth"),
    ("SOMETHING_NEW", "fault codes"),
])
def test_each_login_fault_has_its_remedy_and_stops_the_rest(fake, code, remedy_words):
    fake.fault = (code, f"Salesforce says {code}")
    report = run_credentials_test(params_for(fake))
    checks = by_name(report)
    assert checks["login"].status == "fail"
    assert checks["login"].detail == f"Salesforce refused the login with {code}: Salesforce says {code}"
    assert remedy_words in checks["login"].remedy
    for name in ("password_not_expired", "user_active", "api_enabled_on_profile", "delegated_auth_off"):
        assert checks[name].status == "fail"
        assert checks[name].detail == "Not checked: the login failed (see the login check)."
    assert [c.name for c in report.failures] == ["login"]
    assert not report.passed
    assert (report.login["attempted"], report.login["fault"]) == (True, code)
    assert fake.requests() == [("POST", "/services/Soap/u/64.0")]


def test_wrong_token_is_invalid_login(fake):
    report = run_credentials_test(params_for(fake, sf_security_token="wrongToken0"))
    assert "INVALID_LOGIN" in by_name(report)["login"].detail
    assert_no_secret(report)


def test_fault_message_echoing_the_secret_is_scrubbed(fake):
    fake.fault = ("INVALID_LOGIN", f"bad password {PASSWORD + TOKEN}")
    report = run_credentials_test(params_for(fake))
    assert by_name(report)["login"].detail.endswith("bad password ********")
    assert_no_secret(report)


def test_soap_login_disabled_says_okta_cannot_log_in_either_and_gives_both_ways_out(fake):
    fake.fault = ("INVALID_OPERATION", "SOAP API login() is disabled by default in this org. "
                                       "Contact the org administrator to enable SOAP API login().")
    report = run_credentials_test(params_for(fake))
    login = by_name(report)["login"]
    assert login.detail == (
        "Salesforce refused the SOAP API login() call (INVALID_OPERATION: SOAP API login() is disabled by default in this "
        "org. Contact the org administrator to enable SOAP API login().). Okta's Salesforce integration with a username, "
        "password and security token logs in with the same call, so it cannot work on this org either.")
    assert "Setup > User Interface > Enable SOAP API login()" in login.remedy
    assert "Configure OAuth and REST integration" in login.remedy
    assert fake.requests() == [("POST", "/services/Soap/u/64.0")]


@pytest.mark.parametrize("answer", ["fault", "not soap"])
def test_api_version_above_64_warns_and_points_at_sf_api_version(fake, answer):
    if answer == "fault":
        fake.fault = ("INVALID_OPERATION", "The SOAP Login operation is not available in the API version specified "
                                           "(65.0). Refer to the documentation for supported versions.")
    else:
        fake.http_status = (404, "<html>Not Found</html>")
    report = run_credentials_test(params_for(fake, sf_api_version="65.0"))
    assert any("above 64.0" in warning for warning in report.warnings)
    login = by_name(report)["login"]
    assert login.detail.startswith("SOAP API login() is not available at this API version: ")
    if answer == "not soap":
        assert login.detail.endswith(f"HTTP 404 from {fake.url}/services/Soap/u/65.0")
    assert login.remedy.startswith("Set sf_api_version to 64.0 or lower")
    assert "Okta" not in login.detail


def test_a_non_salesforce_server_is_a_protocol_error(fake):
    fake.http_status = (404, "<html>Not Found</html>")
    login = by_name(run_credentials_test(params_for(fake)))["login"]
    assert login.detail == f"HTTP 404 from {fake.url}/services/Soap/u/64.0"
    assert "not at another web server" in login.remedy


def test_whitespace_fails_before_anything_is_sent(fake):
    report = run_credentials_test(params_for(fake, sf_security_token=TOKEN + "\n"))
    checks = by_name(report)
    assert checks["secrets_whitespace"].status == "fail"
    assert checks["secrets_whitespace"].detail.startswith("sf_security_token ends with whitespace")
    assert checks["login"].detail.startswith("Not checked: sf_password or sf_security_token holds whitespace")
    assert (report.login["attempted"], report.login["fault"]) == (False, None)
    assert fake.requests() == []
    assert_no_secret(report)


def test_expired_password_skips_the_queries(fake):
    fake.password_expired = True
    report = run_credentials_test(params_for(fake))
    checks = by_name(report)
    assert checks["login"].status == "pass"
    assert checks["password_not_expired"].status == "fail"
    assert "Reset Password" in checks["password_not_expired"].remedy
    assert checks["user_active"].detail.startswith("Not checked: the password has expired")
    assert report.login["password_expired"] is True
    assert fake.requests() == [("POST", "/services/Soap/u/64.0")]


def test_api_enabled_only_from_a_permission_set_warns(fake):
    fake.user["Profile"]["PermissionsApiEnabled"] = False
    fake.permission_sets.append({"Name": "API_Access", "IsOwnedByProfile": False, "PermissionsIsSsoEnabled": False,
                                 "PermissionsApiEnabled": True, "PermissionsManageUsers": False})
    report = run_credentials_test(params_for(fake))
    check = by_name(report)["api_enabled_on_profile"]
    assert check.status == "warn"
    assert check.detail == "API Enabled comes only from permission set(s) 'API_Access', not from profile 'Integration'."
    assert "Setup > Users > Profiles > Integration > System Permissions > API Enabled" in check.remedy
    assert report.passed


def test_delegated_auth_on_a_permission_set_fails_naming_it(fake):
    fake.permission_sets.append({"Name": "SSO_Users", "IsOwnedByProfile": False, "PermissionsIsSsoEnabled": True,
                                 "PermissionsApiEnabled": False, "PermissionsManageUsers": False})
    report = run_credentials_test(params_for(fake))
    check = by_name(report)["delegated_auth_off"]
    assert check.status == "fail"
    assert check.detail == "Delegated authentication (Is Single Sign-On Enabled) is on for permission set 'SSO_Users'."
    assert "Setup > Users > Permission Sets > SSO_Users > System Permissions" in check.remedy


def test_a_failed_permission_set_query_leaves_unchecked_only_what_needs_it(fake):
    fake.query_errors["PermissionSetAssignment"] = (403, "INSUFFICIENT_ACCESS", "insufficient access rights on object")
    fake.user["Profile"]["PermissionsManageUsers"] = False
    checks = by_name(run_credentials_test(params_for(fake)))
    assert checks["user_active"].status == "pass"
    # The profile grants API Enabled: no permission set is needed to say so.
    assert checks["api_enabled_on_profile"].status == "pass"
    not_checked = ("Not checked: the PermissionSetAssignment query failed: HTTP 403 INSUFFICIENT_ACCESS: "
                   "insufficient access rights on object.")
    assert checks["manage_users_on_profile"].detail == not_checked
    assert checks["delegated_auth_off"].detail == not_checked


def test_org_type_check_uses_the_organization_query(fake):
    fake.sandbox = True
    app = {"id": "0oa1", "label": "Salesforce.com", "settings": {"app": {"instanceType": "PRODUCTION"}}}
    report = run_credentials_test(params_for(fake), okta_app=app)
    check = by_name(report)["org_type_matches_app"]
    assert check.status == "fail"
    assert check.detail == "The Salesforce org is a sandbox but Okta app 'Salesforce.com' (0oa1) has instanceType PRODUCTION."
    assert report.org["is_sandbox"] is True


def test_org_type_check_not_run_when_login_fails(fake):
    fake.fault = ("INVALID_LOGIN", "no")
    app = {"id": "0oa1", "label": "Salesforce.com", "settings": {"app": {"instanceType": "PRODUCTION"}}}
    check = by_name(run_credentials_test(params_for(fake), okta_app=app))["org_type_matches_app"]
    assert check.detail.startswith("Not checked: the login failed")


# ---------------------------------------------------------------- lockout safety: one login, never resent

def test_the_session_retries_nothing_and_follows_no_redirect():
    session = sf.build_session(5, True)
    assert session.get_adapter("https://login.salesforce.com").max_retries.total == 0
    assert session.max_redirects == 0


@pytest.mark.parametrize("status, body", [(500, "<html>Internal error</html>"), (503, "<html>Service unavailable</html>")])
def test_a_login_answered_with_a_server_error_is_not_sent_again(fake, status, body):
    fake.http_status = (status, body)
    login = by_name(run_credentials_test(params_for(fake)))["login"]
    assert login.detail == f"HTTP {status} from {fake.url}/services/Soap/u/64.0"
    assert fake.requests() == [("POST", "/services/Soap/u/64.0")]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_login_is_not_followed(fake, status):
    fake.soap_answer = Response("", status=status, headers={"Location": f"{fake.url}/services/Soap/u/64.0/elsewhere"})
    report = run_credentials_test(params_for(fake))
    login = by_name(report)["login"]
    assert login.detail == (f"{fake.url}/services/Soap/u/64.0 answered the login with HTTP {status}, a redirect to "
                            f"{fake.url}/services/Soap/u/64.0/elsewhere; the login was not sent there.")
    assert "sf_domain or sf_login_url" in login.remedy
    assert fake.requests() == [("POST", "/services/Soap/u/64.0")]
    assert report.login["attempted"] is True


def test_an_expired_session_is_not_renewed_with_a_second_login(fake):
    fake.session_valid = False
    checks = by_name(run_credentials_test(params_for(fake)))
    assert checks["login"].status == "pass"
    assert checks["user_active"].detail.startswith("Not checked: the User query failed: HTTP 401 INVALID_SESSION_ID: "
                                                   "Session expired or invalid")
    assert [entry for entry in fake.requests() if entry[0] == "POST"] == [("POST", "/services/Soap/u/64.0")]


def test_a_connection_closed_during_the_login_is_not_retried(tls_files):
    import ssl
    import threading

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(tls_files["cert"]), str(tls_files["key"]))
    received, stop = [], threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.settimeout(0.1)
        port = listener.getsockname()[1]

        def serve():  # reads each request, then closes the connection without an answer
            while not stop.is_set():
                try:
                    conn, _addr = listener.accept()
                except OSError:
                    continue
                with context.wrap_socket(conn, server_side=True) as tls:
                    received.append(tls.recv(65536))

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        report = run_credentials_test({"sf_username": USERNAME, "sf_password": PASSWORD, "sf_security_token": TOKEN,
                                       "sf_login_url": f"https://127.0.0.1:{port}", "sf_ca_path": str(tls_files["ca"]),
                                       "sf_timeout": 5})
        stop.set()
        thread.join(5)
    login = by_name(report)["login"]
    assert login.detail.startswith(f"Connection error with 127.0.0.1:{port}:")
    assert len(received) == 1 and received[0].startswith(b"POST /services/Soap/u/64.0")


# ---------------------------------------------------------------- transport failures

def test_untrusted_certificate_is_a_tls_failure_with_advice(fake):
    report = run_credentials_test(params_for(fake, sf_ca_path=None))
    login = by_name(report)["login"]
    assert login.detail.startswith(f"TLS verification of 127.0.0.1:{fake.server.port} failed:")
    assert "CERTIFICATE_VERIFY_FAILED" in login.detail
    assert "sf_ca_path" in login.remedy


def test_ca_path_wins_over_requests_ca_bundle_environment(fake, monkeypatch, tmp_path):
    other = _write_ca_and_server_cert(tmp_path)["ca"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    assert run_credentials_test(params_for(fake)).passed


def test_validate_certs_false_skips_verification(fake):
    assert run_credentials_test(params_for(fake, sf_ca_path=None, sf_validate_certs=False)).passed


def test_connection_refused_is_a_network_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = run_credentials_test({"sf_username": USERNAME, "sf_password": PASSWORD, "sf_security_token": TOKEN,
                                   "sf_login_url": f"https://127.0.0.1:{port}", "sf_timeout": 5})
    login = by_name(report)["login"]
    assert login.detail.startswith(f"Could not connect to 127.0.0.1:{port}:")
    assert "sf_domain or sf_login_url" in login.remedy


def test_sf_timeout_applies_to_the_soap_login():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts the TCP connection, never answers the TLS handshake
        port = silent.getsockname()[1]
        report = run_credentials_test({"sf_username": USERNAME, "sf_password": PASSWORD, "sf_security_token": TOKEN,
                                       "sf_login_url": f"https://127.0.0.1:{port}", "sf_timeout": 0.3})
    login = by_name(report)["login"]
    assert login.detail == f"No answer from 127.0.0.1:{port} within 0.3 s."
    assert "raise sf_timeout" in login.remedy


def test_parse_login_answer_reads_the_flags():
    content = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">'
        "<soapenv:Body><loginResponse><result><passwordExpired>true</passwordExpired><sandbox>true</sandbox>"
        "<serverUrl>https://acme--uat.sandbox.my.salesforce.com/services/Soap/u/64.0/00D</serverUrl>"
        "<sessionId>x</sessionId><userId>005A</userId><userInfo><organizationId>00D</organizationId>"
        "<userType>Standard</userType></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    ).encode()
    fields = sf.parse_login_answer(content)
    assert fields == {"user_id": "005A", "password_expired": True, "sandbox": True,
                      "user_info": {"organizationId": "00D", "userType": "Standard"}}
    assert "x" not in fields.values()
