"""Okta authentication: SSWS, OAuth 2.0 private_key_jwt (claims checked), scopes, token expiry."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest

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
    assert token_request(sim, once).json()["error"] == "invalid_client"
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
