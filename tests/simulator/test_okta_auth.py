"""Okta authentication: SSWS, OAuth 2.0 private_key_jwt (claims checked), scopes, token expiry, DPoP, lost answers."""
from __future__ import annotations

import base64
import hashlib
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from .okta_auth import jwk_thumbprint

from .conftest import Client

SCOPES = "okta.apps.read okta.apps.manage okta.users.read okta.groups.read okta.schemas.read"


def assertion(sim, **overrides):
    now = int(time.time())
    claims = {"iss": sim.oauth_client_id, "sub": sim.oauth_client_id, "aud": f"{sim.url}/oauth2/v1/token",
              "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, sim.oauth_private_key_pem, algorithm="RS256", headers={"kid": sim.oauth_key_id})


def token_request(sim, client_assertion, scope=SCOPES):
    form = {"grant_type": "client_credentials", "scope": scope,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion}
    return Client(sim, auth="").post("/oauth2/v1/token", data=form)


def test_ssws_token_required(sim):
    for auth in ("", "SSWS wrong-token", f"Bearer {sim.api_token}"):
        resp = Client(sim, auth=auth).get("/api/v1/apps")
        assert resp.status_code == 401
        assert resp.json()["errorCode"] == "E0000011"
        assert resp.json()["errorId"] == resp.headers["X-Okta-Request-Id"]


def test_private_key_jwt_gives_a_bearer_token_that_works(sim):
    resp = token_request(sim, assertion(sim))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == SCOPES
    apps = Client(sim, auth=f"Bearer {body['access_token']}").get("/api/v1/apps")
    assert apps.status_code == 200 and len(apps.json()) == 3


@pytest.mark.parametrize("override", [
    {"aud": "https://elsewhere.example/oauth2/v1/token"},
    {"sub": "someone-else"},
    {"exp": int(time.time()) + 7200},
    {"exp": int(time.time()) - 300},
    {"jti": None},
])
def test_bad_assertions_are_refused(sim, override):
    resp = token_request(sim, assertion(sim, **override))
    assert resp.status_code == 401
    assert resp.json()["error"] == "invalid_client"


def test_jti_cannot_be_replayed_and_scopes_are_checked(sim):
    once = assertion(sim)
    assert token_request(sim, once).status_code == 200
    replay = token_request(sim, once)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_client"
    resp = token_request(sim, assertion(sim), scope="okta.users.manage")
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_scope"


def test_missing_scope_is_forbidden(sim):
    token = token_request(sim, assertion(sim), scope="okta.users.read").json()["access_token"]
    resp = Client(sim, auth=f"Bearer {token}").get("/api/v1/apps")
    assert resp.status_code == 403 and resp.json()["errorCode"] == "E0000006"


def test_expired_tokens_get_401_so_clients_can_refresh(sim):
    sim.configure(token_lifetime=1)
    token = token_request(sim, assertion(sim)).json()
    assert token["expires_in"] == 1
    client = Client(sim, auth=f"Bearer {token['access_token']}")
    assert client.get("/api/v1/apps").status_code == 200
    sim.expire_tokens()
    resp = client.get("/api/v1/apps")
    assert resp.status_code == 401 and resp.json()["errorCode"] == "E0000011"


# -- DPoP ------------------------------------------------------------------------------------------

DPOP_CLIENT = "0oadpopservice01"   # seeded with require_dpop and dpop_api_nonce


def dpop_assertion(sim, **overrides):
    client = sim.oauth_clients[DPOP_CLIENT]
    now = int(time.time())
    claims = {"iss": DPOP_CLIENT, "sub": DPOP_CLIENT, "aud": f"{sim.url}/oauth2/v1/token",
              "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()), **overrides}
    return jwt.encode(claims, client["private_key_pem"], algorithm="RS256", headers={"kid": client["key_id"]})


def ath(token):
    return base64.urlsafe_b64encode(hashlib.sha256(token.encode()).digest()).rstrip(b"=").decode()


class Prover:
    """Signs DPoP proofs with one EC P-256 key; `overrides` change claims, `header` the JWS header."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.jwk = jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key(), as_dict=True)

    def proof(self, method, url, nonce=None, token=None, header=None, key=None, **overrides):
        claims = {"htm": method, "htu": url, "iat": int(time.time()), "jti": str(uuid.uuid4())}
        if nonce:
            claims["nonce"] = nonce
        if token:
            claims["ath"] = ath(token)
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        headers = {"typ": "dpop+jwt", "jwk": self.jwk, **(header or {})}
        return jwt.encode(claims, key or self.key, algorithm=headers.pop("alg", "ES256"), headers=headers)


def dpop_token_request(sim, proof, client_assertion=None):
    form = {"grant_type": "client_credentials", "scope": SCOPES,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion or dpop_assertion(sim)}
    headers = {"DPoP": proof} if proof else {}
    return Client(sim, auth="").post("/oauth2/v1/token", data=form, headers=headers)


def dpop_token(sim, prover):
    """A DPoP-bound access token for `prover`'s key, after the token endpoint's nonce round."""
    url = f"{sim.url}/oauth2/v1/token"
    nonce = dpop_token_request(sim, prover.proof("POST", url)).headers["DPoP-Nonce"]
    answer = dpop_token_request(sim, prover.proof("POST", url, nonce=nonce))
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def api_nonce(sim, prover, token):
    """The API's nonce, from its 401 use_dpop_nonce to a proof without one."""
    url = f"{sim.url}/api/v1/apps"
    refused = Client(sim, auth=f"DPoP {token}").get("/api/v1/apps", headers={"DPoP": prover.proof("GET", url, token=token)})
    assert refused.status_code == 401 and 'error="use_dpop_nonce"' in refused.headers["WWW-Authenticate"]
    return refused.headers["DPoP-Nonce"]


def test_jwk_thumbprint_is_rfc_7638():
    # The example key and `jkt` of RFC 9449 section 6.1.
    jwk = {"kty": "EC", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
           "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA", "crv": "P-256"}
    assert jwk_thumbprint(jwk) == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"


def test_a_dpop_app_refuses_a_token_request_without_a_proof_as_okta_does(sim):
    resp = dpop_token_request(sim, None)
    assert resp.status_code == 400
    assert resp.json() == {"error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT header is missing."}


def test_dpop_nonce_round_then_a_bound_token_that_works_only_with_proofs_by_its_key(sim):
    prover = Prover()
    url = f"{sim.url}/oauth2/v1/token"
    asked = dpop_token_request(sim, prover.proof("POST", url))
    assert asked.status_code == 400 and asked.json()["error"] == "use_dpop_nonce" and asked.headers["DPoP-Nonce"]
    issued = dpop_token_request(sim, prover.proof("POST", url, nonce=asked.headers["DPoP-Nonce"]))
    assert issued.status_code == 200 and issued.json()["token_type"] == "DPoP"
    token = issued.json()["access_token"]

    apps_url = f"{sim.url}/api/v1/apps"
    nonce = api_nonce(sim, prover, token)
    ok = Client(sim, auth=f"DPoP {token}").get("/api/v1/apps?limit=2",
                                               headers={"DPoP": prover.proof("GET", apps_url, nonce=nonce, token=token)})
    assert ok.status_code == 200 and len(ok.json()) == 2
    entries = [e for e in sim.request_log() if e["path"] in ("/oauth2/v1/token", "/api/v1/apps")]
    assert [(e["status"], e["dpop"], e["details"].get("error"), e["auth"]) for e in entries] == [
        (400, True, "use_dpop_nonce", None), (200, True, None, None),
        (401, True, "use_dpop_nonce", None), (200, True, None, "DPoP")]
    assert entries[1]["details"]["token_type"] == "DPoP" and entries[1]["details"]["client_id"] == DPOP_CLIENT


def _bad_proofs(url, other_key):
    return {
        "typ is not dpop+jwt": dict(header={"typ": "JWT"}),
        "htm is another method": dict(htm="GET"),
        "htu is another URL": dict(htu=url.replace("/token", "/authorize")),
        "htu carries the query": dict(htu=url + "?x=1"),
        "iat is two minutes old": dict(iat=int(time.time()) - 120),
        "iat is two minutes ahead": dict(iat=int(time.time()) + 120),
        "no jti": dict(jti=None),
        "signed by another key than its jwk": dict(key=other_key),
        "a nonce the server never gave": dict(nonce="not-a-nonce-we-gave"),
    }


@pytest.mark.parametrize("case", list(_bad_proofs("u/token", None)))
def test_the_token_endpoint_checks_each_proof(sim, case):
    prover = Prover()
    url = f"{sim.url}/oauth2/v1/token"
    nonce = dpop_token_request(sim, prover.proof("POST", url)).headers["DPoP-Nonce"]
    options = _bad_proofs(url, ec.generate_private_key(ec.SECP256R1()))[case]
    options.setdefault("nonce", nonce)
    resp = dpop_token_request(sim, prover.proof("POST", url, **options))
    expected = "use_dpop_nonce" if case.startswith("a nonce") else "invalid_dpop_proof"
    assert resp.status_code == 400 and resp.json()["error"] == expected, resp.text


def test_a_proof_is_used_once_and_a_private_or_symmetric_key_is_refused(sim):
    prover = Prover()
    url = f"{sim.url}/oauth2/v1/token"
    nonce = dpop_token_request(sim, prover.proof("POST", url)).headers["DPoP-Nonce"]
    once = prover.proof("POST", url, nonce=nonce)
    assert dpop_token_request(sim, once).status_code == 200
    assert dpop_token_request(sim, once).json()["error"] == "invalid_dpop_proof"
    private_jwk = jwt.algorithms.ECAlgorithm.to_jwk(prover.key, as_dict=True)
    leaked = prover.proof("POST", url, nonce=nonce, header={"jwk": private_jwk})
    assert dpop_token_request(sim, leaked).json()["error"] == "invalid_dpop_proof"
    symmetric = prover.proof("POST", url, nonce=nonce, header={"alg": "HS256"}, key="a-shared-secret-of-32-bytes-long!")
    assert dpop_token_request(sim, symmetric).json()["error"] == "invalid_dpop_proof"


@pytest.mark.parametrize("case", ["Bearer scheme", "no proof", "no ath", "ath of another token", "another key",
                                  "another URL", "reused proof"])
def test_the_api_checks_the_binding_of_a_dpop_token(sim, case):
    prover = Prover()
    token = dpop_token(sim, prover)
    nonce = api_nonce(sim, prover, token)
    url = f"{sim.url}/api/v1/apps"
    good = prover.proof("GET", url, nonce=nonce, token=token)
    scheme, proof = "DPoP", good
    if case == "Bearer scheme":
        scheme = "Bearer"
    elif case == "no proof":
        proof = None
    elif case == "no ath":
        proof = prover.proof("GET", url, nonce=nonce)
    elif case == "ath of another token":
        proof = prover.proof("GET", url, nonce=nonce, token="simat.someone-elses")
    elif case == "another key":
        proof = Prover().proof("GET", url, nonce=nonce, token=token)
    elif case == "another URL":
        proof = prover.proof("GET", f"{sim.url}/api/v1/users", nonce=nonce, token=token)
    elif case == "reused proof":
        assert Client(sim, auth=f"DPoP {token}").get("/api/v1/apps", headers={"DPoP": good}).status_code == 200
    resp = Client(sim, auth=f"{scheme} {token}").get("/api/v1/apps", headers={"DPoP": proof} if proof else {})
    assert resp.status_code == 401 and resp.json()["errorCode"] == "E0000011"
    assert resp.headers["WWW-Authenticate"].startswith("DPoP error=")


def test_a_bearer_token_is_not_accepted_as_dpop(sim):
    token = token_request(sim, assertion(sim)).json()["access_token"]
    prover = Prover()
    resp = Client(sim, auth=f"DPoP {token}").get(
        "/api/v1/apps", headers={"DPoP": prover.proof("GET", f"{sim.url}/api/v1/apps", token=token)})
    assert resp.status_code == 401


# -- a lost answer after the request was handled ----------------------------------------------------

def test_drop_after_handles_the_token_request_then_loses_its_answer_once(sim):
    sim.configure(faults={"drop_after": {"/oauth2/v1/token": 1}})
    first = assertion(sim)
    with pytest.raises(requests.exceptions.ConnectionError):
        token_request(sim, first)
    replay = token_request(sim, first)                      # the same assertion again: a replay
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_client"
    fresh = token_request(sim, assertion(sim))              # a new assertion: a new token
    assert fresh.status_code == 200
    log = [e for e in sim.request_log() if e["path"] == "/oauth2/v1/token"]
    assert [(e["status"], e["fault"], e["details"].get("dropped_status"), e["details"].get("token_type")) for e in log] == [
        (None, "drop_after", 200, "Bearer"), (400, None, None, None), (200, None, None, "Bearer")]


def test_drop_after_works_for_any_path_and_method(okta, sim):
    sim.configure(faults={"drop_after": {"PUT /api/v1/apps/0oabookmark00001/groups/00gsim00000000000001": 1}})
    with pytest.raises(requests.exceptions.ConnectionError):
        okta.put("/api/v1/apps/0oabookmark00001/groups/00gsim00000000000001", json={"priority": 3})
    assert sim.state()["okta"]["app_groups"]["0oabookmark00001"]["00gsim00000000000001"]["priority"] == 3   # applied
    assert okta.put("/api/v1/apps/0oabookmark00001/groups/00gsim00000000000001", json={"priority": 3}).status_code == 200
    assert okta.get("/api/v1/apps").status_code == 200      # other paths are untouched
