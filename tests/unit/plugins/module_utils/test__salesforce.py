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
        self.soap_bodies = []

    @property
    def url(self):
        return f"https://127.0.0.1:{self.server.port}"

    def requests(self):
        return [(entry[0].method, entry[0].path) for entry in self.server.log]

    def soap(self, request):
        body = request.get_data()
        self.soap_bodies.append(body)
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
        if request.headers.get("Authorization") != f"Bearer {SESSION_ID}":
            return self._json(401, [{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}])
        soql = request.args.get("q", "")
        sobject = re.search(r"\bFROM\s+(\w+)", soql).group(1)
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
    assert report.login == {"login_host": f"127.0.0.1:{fake.server.port}", "api_version": "64.0",
                            "server": f"127.0.0.1:{fake.server.port}", "sandbox": False, "password_expired": False}
    assert_no_secret(report)


def test_password_and_token_are_joined_and_escaped_in_the_soap_body(fake):
    run_credentials_test(params_for(fake))
    body = fake.soap_bodies[0].decode()
    assert f"<n1:password>{escape(PASSWORD + TOKEN)}</n1:password>" in body
    assert f"<n1:username>{USERNAME}</n1:username>" in body


def test_requests_are_login_then_three_queries_and_nothing_else(fake):
    run_credentials_test(params_for(fake))
    methods_paths = fake.requests()
    assert methods_paths[0] == ("POST", "/services/Soap/u/64.0")
    assert methods_paths[1:] == [("GET", "/services/data/v64.0/query/")] * 3


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


def test_soap_login_disabled_gives_the_retirement_advice(fake):
    fake.fault = ("INVALID_OPERATION", "SOAP API login() is disabled by default in this org.")
    report = run_credentials_test(params_for(fake))
    login = by_name(report)["login"]
    assert login.detail.startswith("SOAP API login() is not available")
    assert "Enable SOAP API login()" in login.remedy and "OAuth-based Salesforce integration" in login.remedy


def test_api_version_above_64_warns_and_a_non_soap_answer_is_read_as_retired(fake):
    fake.http_status = (404, "<html>Not Found</html>")
    report = run_credentials_test(params_for(fake, sf_api_version="65.0"))
    assert any("above 64.0" in warning for warning in report.warnings)
    login = by_name(report)["login"]
    assert login.detail == f"SOAP API login() is not available: HTTP 404 from {fake.url}/services/Soap/u/65.0"
    assert "sf_api_version at 64.0" in login.remedy


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


def test_a_failed_permission_set_query_leaves_the_user_checks_that_can_run(fake):
    fake.query_errors["PermissionSetAssignment"] = (403, "INSUFFICIENT_ACCESS", "insufficient access rights on object")
    checks = by_name(run_credentials_test(params_for(fake)))
    assert checks["user_active"].status == "pass"
    assert checks["manage_users_on_profile"].detail == (
        "Not checked: the PermissionSetAssignment query failed: HTTP 403 INSUFFICIENT_ACCESS: insufficient access rights on object.")


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
