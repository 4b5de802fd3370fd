"""OAuth 2.0 private_key_jwt, DPoP, and the choice of auth method, against a real token endpoint on loopback."""
from __future__ import annotations

import http.server
import json
import socket
import struct
import threading
from urllib.parse import parse_qs

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug import Response

from tests.unit.plugins.module_utils.fake_time import FakeTime

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_auth import (
    DEFAULT_SCOPES,
    SigningKey,
    access_token_hash,
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


# -- DPoP (RFC 9449) ---------------------------------------------------------------------------------
# Okta's rules: https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/ and
# https://support.okta.com/help/s/article/the-dpop-proof-jwt-header-is-missing

NOW = 1_750_000_000.0


def oauth_answer(status, error, description, headers=None):
    return Response(json.dumps({"error": error, "error_description": description}), status=status,
                    headers=headers or {}, content_type="application/json")


def read_proof(proof):
    """(header, claims) of a DPoP proof, after checking its signature with the public key in its own header."""
    header = jwt.get_unverified_header(proof)
    key = jwt.PyJWK(header["jwk"], algorithm=header["alg"]).key
    claims = jwt.decode(proof, key, algorithms=["ES256"], options={"verify_iat": False})
    return header, claims


def jti_of(assertion):
    return jwt.decode(assertion, options={"verify_signature": False})["jti"]


class DpopOkta:
    """A token endpoint and an API that require DPoP as Okta does; they record what every request carried.

    `require`: a token request without a proof gets 400 invalid_dpop_proof. `token_nonce`: a proof without
    it gets 400 use_dpop_nonce + DPoP-Nonce. `api_nonces`: the API answers 401 use_dpop_nonce while the
    proof lacks the first of these (`None`: the API asks for none); each refusal offers the next one.
    """

    def __init__(self, httpserver, require=True, token_nonce="tn-1", api_nonces=None, api_body=None):
        self.require, self.token_nonce, self.api_nonces = require, token_nonce, list(api_nonces or [])
        self.api_body = api_body
        self.token_requests = []    # (form, proof or None)
        self.api_requests = []      # request headers
        self.issued = 0
        httpserver.expect_request("/oauth2/v1/token", method="POST").respond_with_handler(self.token)
        httpserver.expect_request("/api/v1/apps").respond_with_handler(self.api)

    def token(self, request):
        proof = request.headers.get("DPoP")
        self.token_requests.append((request.form.to_dict(), proof))
        if proof is None and self.require:
            return oauth_answer(400, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
        if proof is not None and self.token_nonce and read_proof(proof)[1].get("nonce") != self.token_nonce:
            return oauth_answer(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.",
                                {"DPoP-Nonce": self.token_nonce})
        self.issued += 1
        body = {"token_type": "DPoP" if proof else "Bearer", "expires_in": 3600, "access_token": f"tok-{self.issued}",
                "scope": request.form.get("scope")}
        return Response(json.dumps(body), content_type="application/json")

    def api(self, request):
        self.api_requests.append(dict(request.headers))
        if self.api_nonces:
            proof = request.headers.get("DPoP")
            if read_proof(proof)[1].get("nonce") != self.api_nonces[0]:
                offered = self.api_nonces[0]
                if len(self.api_nonces) > 1:
                    self.api_nonces.pop(0)   # a server that keeps asking: a new nonce every time
                return Response(json.dumps({"errorCode": "E0000011", "errorSummary": "Invalid token provided"}), status=401,
                                headers={"WWW-Authenticate": 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
                                         "DPoP-Nonce": offered}, content_type="application/json")
        if self.api_body is not None:
            return self.api_body(request)
        return Response("[]", content_type="application/json")


def dpop_client(httpserver, pem, fake=None, **kwargs):
    fake = fake or FakeTime(NOW)
    return oauth_client(httpserver, pem, sleep=fake.sleep, clock=fake.clock, **kwargs)


def test_access_token_hash_is_rfc_9449s():
    # The example of RFC 9449 section 7.1: this access token and its `ath`.
    assert access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU") == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"


def test_dpop_always_signs_every_request_and_binds_the_token_to_one_key(httpserver, rsa_pem):
    okta = DpopOkta(httpserver)
    client = dpop_client(httpserver, rsa_pem, dpop="always")

    assert client.get("/api/v1/apps", params={"limit": 2}) == []
    assert client.get("/api/v1/apps") == []

    (first_form, first_proof), (second_form, second_proof) = okta.token_requests
    token_proofs = [read_proof(first_proof), read_proof(second_proof)]
    api_proofs = [read_proof(headers["Dpop"]) for headers in okta.api_requests]
    for header, _claims in token_proofs + api_proofs:
        assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
        assert set(header["jwk"]) == {"kty", "crv", "x", "y"} and header["jwk"]["crv"] == "P-256"   # public only
        assert header["jwk"] == token_proofs[0][0]["jwk"]   # one key for the run: the token is bound to it
    token_url = client.org_url + "/oauth2/v1/token"
    assert [(c["htm"], c["htu"], c["iat"], c.get("nonce"), "ath" in c) for _h, c in token_proofs] == [
        ("POST", token_url, int(NOW), None, False), ("POST", token_url, int(NOW), "tn-1", False)]
    assert jti_of(first_form["client_assertion"]) != jti_of(second_form["client_assertion"])
    # API proofs: htu without the query, ath of the access token, no nonce (this API asked for none).
    assert [(c["htm"], c["htu"], c["ath"], c.get("nonce")) for _h, c in api_proofs] == [
        ("GET", client.org_url + "/api/v1/apps", access_token_hash("tok-1"), None)] * 2
    jtis = [c["jti"] for _h, c in token_proofs + api_proofs]
    assert len(set(jtis)) == len(jtis) == 4
    assert [headers["Authorization"] for headers in okta.api_requests] == ["DPoP tok-1"] * 2
    assert client.auth_scheme == "DPoP"
    assert client.calls == {"POST": 2, "GET": 2} and client.writes_accepted == 0


def test_auto_switches_to_dpop_when_okta_says_the_app_requires_it_and_remembers(httpserver, rsa_pem):
    okta = DpopOkta(httpserver)
    fake = FakeTime(NOW)
    client = dpop_client(httpserver, rsa_pem, fake)   # dpop defaults to auto

    assert client.auth_scheme == "Bearer"
    client.get("/api/v1/apps")
    proofs = [proof for _form, proof in okta.token_requests]
    assert proofs[0] is None   # auto: the first token request has no proof
    assert [read_proof(p)[1].get("nonce") for p in proofs[1:]] == [None, "tn-1"]
    assert len({jti_of(form["client_assertion"]) for form, _proof in okta.token_requests}) == 3
    assert client.auth_scheme == "DPoP" and okta.api_requests[0]["Authorization"] == "DPoP tok-1"

    fake.now += 3600   # the token expired: the next token request starts with a proof and the latest nonce
    client.get("/api/v1/apps")
    assert len(okta.token_requests) == 4 and read_proof(okta.token_requests[3][1])[1]["nonce"] == "tn-1"
    assert okta.api_requests[1]["Authorization"] == "DPoP tok-2"
    assert client.calls == {"POST": 4, "GET": 2}


def test_auto_stays_with_bearer_for_an_app_without_dpop(httpserver, rsa_pem):
    okta = DpopOkta(httpserver, require=False)
    client = dpop_client(httpserver, rsa_pem)
    client.get("/api/v1/apps")
    assert [proof for _form, proof in okta.token_requests] == [None]
    assert okta.api_requests[0]["Authorization"] == "Bearer tok-1" and "Dpop" not in okta.api_requests[0]
    assert client.auth_scheme == "Bearer"


def test_the_token_type_decides_the_scheme_even_after_a_proof(httpserver, rsa_pem):
    """Okta may answer a proof with a Bearer token (an app that does not bind): then no proofs on API calls."""
    tokens = TokenEndpoint(httpserver)   # always answers token_type Bearer
    httpserver.expect_request("/api/v1/apps").respond_with_json([])
    client = dpop_client(httpserver, rsa_pem, dpop="always")
    client.get("/api/v1/apps")
    assert len(tokens.forms) == 1
    api = api_requests(httpserver)[0]
    assert api.headers["Authorization"] == "Bearer tok-1" and "DPoP" not in api.headers
    assert client.auth_scheme == "Bearer"


def test_an_api_nonce_is_used_at_once_and_in_every_later_proof(httpserver, rsa_pem):
    okta = DpopOkta(httpserver, api_nonces=["an-1"])
    client = dpop_client(httpserver, rsa_pem, dpop="always")

    client.get("/api/v1/apps")
    client.get("/api/v1/apps")
    nonces = [read_proof(headers["Dpop"])[1].get("nonce") for headers in okta.api_requests]
    assert nonces == [None, "an-1", "an-1"]   # one 401 use_dpop_nonce, answered once; then remembered
    assert okta.issued == 1                   # the token was fine: not refreshed
    assert client.calls == {"POST": 2, "GET": 3}


def test_an_api_that_keeps_asking_for_a_nonce_is_an_error_not_a_loop(httpserver, rsa_pem):
    okta = DpopOkta(httpserver, api_nonces=[f"an-{n}" for n in range(1, 10)])
    client = dpop_client(httpserver, rsa_pem, dpop="always")
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    assert caught.value.status == 401
    # The first request, its nonce retry, and one retry with a fresh token: then the 401 is the answer.
    assert len(okta.api_requests) == 3
    assert all(f"tok-{n}" not in str(caught.value) for n in (1, 2))


def test_dpop_never_with_an_app_that_requires_it_fails_naming_the_setting(httpserver, rsa_pem):
    okta = DpopOkta(httpserver)
    client = dpop_client(httpserver, rsa_pem, dpop="never")
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    text = str(caught.value)
    assert caught.value.status == 400 and caught.value.error_code == "invalid_dpop_proof"
    assert "The DPoP proof JWT header is missing." in text
    assert "dpop is never" in text and "set dpop: auto" in text and "Require DPoP" in text
    assert [proof for _form, proof in okta.token_requests] == [None]
    assert okta.token_requests[0][0]["client_assertion"] not in text
    assert client.calls == {"POST": 1}


def test_proofs_assertions_and_tokens_echoed_in_errors_are_masked(httpserver, rsa_pem):
    def echo(request):
        body = {"errorCode": "E0000006", "errorSummary": f"denied for {request.headers['Authorization']} "
                                                         f"with proof {request.headers['DPoP']}"}
        return Response(json.dumps(body), status=403, content_type="application/json")

    okta = DpopOkta(httpserver, api_body=echo)
    client = dpop_client(httpserver, rsa_pem, dpop="always")
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    text = " ".join([str(caught.value), repr(caught.value), json.dumps(caught.value.to_dict())])
    proof = okta.api_requests[0]["Dpop"]
    assert "denied for" in text and "********" in text
    assert proof not in text and proof.rsplit(".", 1)[1] not in text and "tok-1" not in text
    assert all(form["client_assertion"] not in text for form, _proof in okta.token_requests)
    assert "okta.apps.read" in text   # the 403 hint still names the scope for a DPoP token


def test_a_refused_proof_at_the_token_endpoint_says_to_check_the_clock(httpserver, rsa_pem):
    def refuse(request):
        return oauth_answer(400, "invalid_dpop_proof", f"The DPoP proof {request.headers['DPoP']} is too old.")

    httpserver.expect_request("/oauth2/v1/token", method="POST").respond_with_handler(refuse)
    client = dpop_client(httpserver, rsa_pem, dpop="always")
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    assert "clock" in str(caught.value) and "eyJ" in str(caught.value)   # the public part may show, the signature not
    assert client.calls == {"POST": 1}


def test_an_unknown_dpop_mode_is_a_config_error(rsa_pem):
    with pytest.raises(OktaConfigError, match="dpop must be one of auto, always, never"):
        OktaClient("https://acme.okta.com", client_id=CLIENT_ID, private_key=rsa_pem, dpop="sometimes")


# -- a new client assertion (and proof) for every token attempt --------------------------------------

class LoseFirstTokenAnswer(http.server.BaseHTTPRequestHandler):
    """Reads each token request; the first one's answer is lost (connection reset), later ones get a token."""

    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(({k: v[0] for k, v in parse_qs(body.decode()).items()}, self.headers.get("DPoP")))
        if len(self.seen) == 1:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        answer = json.dumps({"token_type": "Bearer", "expires_in": 3600, "access_token": "tok-after-loss"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def lossy_token_server():
    LoseFirstTokenAnswer.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LoseFirstTokenAnswer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("dpop", ["never", "always"])
def test_a_token_request_whose_answer_was_lost_is_retried_with_a_new_assertion(lossy_token_server, rsa_pem, dpop):
    fake = FakeTime(NOW)
    client = OktaClient(f"http://127.0.0.1:{lossy_token_server.server_address[1]}", client_id=CLIENT_ID,
                        private_key=rsa_pem, sleep=fake.sleep, clock=fake.clock, dpop=dpop)

    assert client._auth.authorization() == "Bearer tok-after-loss"   # pylint: disable=protected-access

    (first, first_proof), (second, second_proof) = LoseFirstTokenAnswer.seen
    assert jti_of(first["client_assertion"]) != jti_of(second["client_assertion"])
    assert first["client_assertion"] != second["client_assertion"]
    if dpop == "always":
        assert read_proof(first_proof)[1]["jti"] != read_proof(second_proof)[1]["jti"]
    else:
        assert first_proof is None and second_proof is None
    assert client.calls == {"POST": 2} and len(fake.sleeps) == 1   # one backoff, then the retry


@pytest.mark.parametrize("scheme", ["SSWS", "ssws", "Bearer"])
def test_an_api_token_pasted_with_its_scheme_is_refused_without_showing_it(scheme):
    with pytest.raises(OktaConfigError) as raised:
        OktaClient("https://acme.okta.com", api_token=f"{scheme} 00canary-token-1234")
    message = str(raised.value)
    assert f"scheme {scheme!r}" in message and "give the token alone" in message
    assert "00canary-token-1234" not in message
