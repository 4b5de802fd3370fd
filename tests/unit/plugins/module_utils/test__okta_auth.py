"""OAuth 2.0 private_key_jwt and the choice of auth method, against a real token endpoint on loopback."""
from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug import Response

from tests.unit.plugins.module_utils.fake_time import FakeTime

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_auth import (
    DEFAULT_SCOPES,
    SigningKey,
    normalize_scopes,
    select_auth,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import (
    OktaApiError,
    OktaClient,
    OktaConfigError,
)

CLIENT_ID = "0oaservice0001"
TOKEN = "00SSWS-canary-token-7f3a9c2e51d8b4"
SF_PASSWORD = "Sf-canary-Passw0rd!"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def rsa_pem(rsa_key):
    return rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem_body_lines(pem):
    return [line for line in pem.strip().splitlines() if not line.startswith("-----")]


class TokenEndpoint:
    """A token endpoint that hands out tok-1, tok-2, ... and records each form it got."""

    def __init__(self, httpserver, expires_in=3600):
        self.forms = []
        self.expires_in = expires_in
        httpserver.expect_request("/oauth2/v1/token", method="POST").respond_with_handler(self.handle)

    def handle(self, request):
        self.forms.append(request.form.to_dict())
        body = {"token_type": "Bearer", "expires_in": self.expires_in, "access_token": f"tok-{len(self.forms)}",
                "scope": request.form.get("scope")}
        return Response(json.dumps(body), content_type="application/json")


def oauth_client(httpserver, pem, **kwargs):
    return OktaClient(httpserver.url_for("/"), client_id=CLIENT_ID, private_key=pem, **kwargs)


def api_requests(httpserver):
    return [entry[0] for entry in httpserver.log if entry[0].path.startswith("/api/")]


# -- the token request -------------------------------------------------------------------------------

def test_token_request_carries_a_jwt_that_verifies_with_the_public_key(httpserver, rsa_key, rsa_pem):
    tokens = TokenEndpoint(httpserver)
    httpserver.expect_request("/api/v1/apps").respond_with_json([])
    client = oauth_client(httpserver, rsa_pem, key_id="kid-1", scopes=["okta.apps.read okta.apps.manage"])

    assert client.get("/api/v1/apps") == []

    form = tokens.forms[0]
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "okta.apps.read okta.apps.manage"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = form["client_assertion"]
    audience = client.org_url + "/oauth2/v1/token"
    claims = jwt.decode(assertion, rsa_key.public_key(), algorithms=["RS256"], audience=audience, issuer=CLIENT_ID,
                        options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]})
    assert claims["sub"] == CLIENT_ID
    assert 0 < claims["exp"] - claims["iat"] <= 3600
    header = jwt.get_unverified_header(assertion)
    assert header["alg"] == "RS256" and header["kid"] == "kid-1"
    assert api_requests(httpserver)[0].headers["Authorization"] == "Bearer tok-1"
    assert client.auth_scheme == "Bearer"


def test_ec_key_signs_with_es256_without_kid_when_none_given(httpserver, ec_key):
    pem = ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                               serialization.NoEncryption()).decode()
    tokens = TokenEndpoint(httpserver)
    httpserver.expect_request("/api/v1/apps").respond_with_json([])
    client = oauth_client(httpserver, pem)
    client.get("/api/v1/apps")

    assertion = tokens.forms[0]["client_assertion"]
    jwt.decode(assertion, ec_key.public_key(), algorithms=["ES256"], audience=client.org_url + "/oauth2/v1/token")
    header = jwt.get_unverified_header(assertion)
    assert header["alg"] == "ES256" and "kid" not in header
    assert tokens.forms[0]["scope"] == " ".join(DEFAULT_SCOPES)


def test_every_assertion_has_a_fresh_jti(rsa_pem):
    key = SigningKey.load(private_key=rsa_pem)
    auth = select_auth("https://acme.okta.com", client_id=CLIENT_ID, private_key=rsa_pem)
    jtis = {jwt.decode(auth.client_assertion(), options={"verify_signature": False})["jti"] for _attempt in range(20)}
    assert len(jtis) == 20
    assert key.algorithm == "RS256"


def test_token_is_cached_for_its_lifetime_then_fetched_again(httpserver, rsa_pem):
    tokens = TokenEndpoint(httpserver, expires_in=3600)
    httpserver.expect_request("/api/v1/apps").respond_with_json([])
    fake = FakeTime(1_750_000_000.0)
    client = oauth_client(httpserver, rsa_pem, sleep=fake.sleep, clock=fake.clock)

    for _attempt in range(3):
        client.get("/api/v1/apps")
    assert len(tokens.forms) == 1
    fake.now += 3600
    client.get("/api/v1/apps")
    assert len(tokens.forms) == 2
    assert [r.headers["Authorization"] for r in api_requests(httpserver)] == ["Bearer tok-1"] * 3 + ["Bearer tok-2"]
    assert client.calls == {"POST": 2, "GET": 4}


def test_expired_token_is_refreshed_once_on_401(httpserver, rsa_pem):
    tokens = TokenEndpoint(httpserver)

    def api(request):
        if request.headers["Authorization"] == "Bearer tok-1":
            return Response(json.dumps({"errorCode": "E0000011", "errorSummary": "Invalid token provided"}),
                            status=401, content_type="application/json")
        return Response(json.dumps({"id": "0oa1"}), content_type="application/json")

    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_handler(api)
    client = oauth_client(httpserver, rsa_pem)

    assert client.get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    assert len(tokens.forms) == 2
    assert [r.headers["Authorization"] for r in api_requests(httpserver)] == ["Bearer tok-1", "Bearer tok-2"]


def test_a_second_401_is_an_error_not_a_loop(httpserver, rsa_pem):
    tokens = TokenEndpoint(httpserver)
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json(
        {"errorCode": "E0000011", "errorSummary": "Invalid token provided"}, status=401, headers={"X-Okta-Request-Id": "r401"})
    client = oauth_client(httpserver, rsa_pem)

    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps/0oa1")
    assert caught.value.status == 401 and caught.value.error_code == "E0000011"
    assert len(tokens.forms) == 2
    assert len(api_requests(httpserver)) == 2


def test_api_token_401_is_not_retried(httpserver):
    httpserver.expect_request("/api/v1/apps").respond_with_json({"errorCode": "E0000011", "errorSummary": "Invalid token provided"},
                                                                status=401)
    client = OktaClient(httpserver.url_for("/"), api_token=TOKEN)
    with pytest.raises(OktaApiError, match="E0000011"):
        client.get("/api/v1/apps")
    assert client.calls == {"GET": 1}


# -- secrets -----------------------------------------------------------------------------------------

def test_token_endpoint_error_echoing_assertion_and_key_shows_neither(httpserver, rsa_pem):
    seen = []

    def refuse(request):
        seen.append(request.form["client_assertion"])
        body = {"error": "invalid_client",
                "error_description": f"The client_assertion {request.form['client_assertion']} is invalid; key {rsa_pem}"}
        return Response(json.dumps(body), status=401, content_type="application/json")

    httpserver.expect_request("/oauth2/v1/token", method="POST").respond_with_handler(refuse)
    client = oauth_client(httpserver, rsa_pem)
    client.add_secret(SF_PASSWORD)
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    text = " ".join([str(caught.value), repr(caught.value), json.dumps(caught.value.to_dict())])
    assert caught.value.status == 401 and caught.value.error_code == "invalid_client"
    assert seen and all(assertion not in text for assertion in seen)
    assert all(line not in text for line in pem_body_lines(rsa_pem))
    assert "is invalid" in text


def test_access_token_echoed_in_an_error_is_scrubbed(httpserver, rsa_pem):
    TokenEndpoint(httpserver)
    httpserver.expect_request("/api/v1/apps").respond_with_json(
        {"errorCode": "E0000006", "errorSummary": "You do not have permission (token tok-1 lacks okta.apps.read)"}, status=403)
    client = oauth_client(httpserver, rsa_pem)
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    assert "tok-1" not in str(caught.value)
    assert caught.value.status == 403


def test_bad_key_file_error_does_not_show_the_file_content(tmp_path):
    secret_line = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCanarySecretLine"
    key_file = tmp_path / "broken.pem"
    key_file.write_text(f"-----BEGIN PRIVATE KEY-----\n{secret_line}\n-----END PRIVATE KEY-----\n")
    with pytest.raises(OktaConfigError) as caught:
        OktaClient("https://acme.okta.com", client_id=CLIENT_ID, private_key_file=str(key_file))
    assert "not a usable private key" in str(caught.value) and str(key_file) in str(caught.value)
    assert secret_line not in str(caught.value)
    assert caught.value.__suppress_context__

    with pytest.raises(OktaConfigError) as caught:
        OktaClient("https://acme.okta.com", client_id=CLIENT_ID, private_key=f"junk {secret_line}")
    assert secret_line not in str(caught.value)


def test_missing_key_file_and_encrypted_and_public_keys_are_clear_errors(tmp_path, rsa_key):
    with pytest.raises(OktaConfigError, match="Cannot read private_key_file"):
        SigningKey.load(private_key_file=str(tmp_path / "nope.pem"))
    encrypted = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b"passphrase")).decode()
    with pytest.raises(OktaConfigError, match="encrypted"):
        SigningKey.load(private_key=encrypted)
    public = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(OktaConfigError, match="not a usable private key"):
        SigningKey.load(private_key=public)


def test_pem_with_escaped_newlines_from_an_environment_variable_is_accepted(rsa_key, rsa_pem):
    one_line = rsa_pem.strip().replace("\n", "\\n")
    key = SigningKey.load(private_key=one_line)
    assert key.key.private_numbers() == rsa_key.private_numbers()
    assert one_line in key.secrets and pem_body_lines(rsa_pem)[1] in key.secrets


def test_private_jwk_is_accepted_and_its_kid_used(rsa_key, tmp_path):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key))
    jwk["kid"] = "jwk-kid"
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(jwk))
    auth = select_auth("https://acme.okta.com", client_id=CLIENT_ID, private_key_file=str(key_file))
    assertion = auth.client_assertion()
    assert jwt.get_unverified_header(assertion)["kid"] == "jwk-kid"
    jwt.decode(assertion, rsa_key.public_key(), algorithms=["RS256"], audience="https://acme.okta.com/oauth2/v1/token")
    assert jwk["d"] in auth.secrets


# -- exactly one auth method -------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [
    ({}, "No Okta credentials.*api_token.*client_id"),
    ({"api_token": TOKEN, "client_id": CLIENT_ID}, "Both an API token and OAuth"),
    ({"api_token": TOKEN, "private_key": "x" * 40}, "Both an API token and OAuth"),
    ({"client_id": CLIENT_ID}, "client_id is set without a key"),
    ({"private_key": "x" * 40}, "without client_id"),
    ({"client_id": CLIENT_ID, "private_key": "x" * 40, "private_key_file": "/k.pem"}, "only one of private_key and private_key_file"),
    ({"api_token": "00abc def"}, "whitespace"),
])
def test_exactly_one_auth_method(options, message):
    with pytest.raises(OktaConfigError, match=message) as caught:
        OktaClient("https://acme.okta.com", **options)
    assert TOKEN not in str(caught.value)


def test_api_token_auth_needs_no_oauth_options():
    client = OktaClient("https://acme.okta.com", api_token=TOKEN, key_id="ignored")
    assert client.auth_scheme == "SSWS"


@pytest.mark.parametrize("given, expected", [
    (None, DEFAULT_SCOPES),
    ("okta.apps.read okta.users.read", ("okta.apps.read", "okta.users.read")),
    (["okta.apps.read,okta.apps.manage", "okta.apps.read"], ("okta.apps.read", "okta.apps.manage")),
    ([], DEFAULT_SCOPES),
])
def test_scopes_are_normalised(given, expected):
    assert normalize_scopes(given) == expected
