"""Okta authentication: SSWS API tokens, and OAuth 2.0 client credentials with private_key_jwt.

The token endpoint checks the client assertion the way Okta documents it (signature with the
registered public key, aud, iss = sub = client_id, exp at most one hour ahead, single-use jti,
kid when sent) and the requested scopes; Bearer tokens expire after the configured lifetime so
clients' refresh-on-401 can be tested.
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import parse_qs

import jwt

from .wire import OktaFailure, Request, Response, json_response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 3600
CLOCK_SKEW = 30


def _oauth_error(status: int, error: str, description: str) -> Response:
    return json_response(status, {"error": error, "error_description": description},
                         {"Cache-Control": "no-store", "Pragma": "no-cache"})


def authenticate(request: Request, state, needed_scope: str | None) -> None:
    """Fill `request.auth` or raise the Okta error for a missing, wrong or expired credential."""
    header = request.headers.get("authorization", "")
    scheme, _sep, credential = header.partition(" ")
    credential = credential.strip()
    if scheme == "SSWS" and credential and credential in state.data["okta"]["api_tokens"]:
        request.auth = {"kind": "SSWS"}
        return
    if scheme == "Bearer" and credential:
        issued = state.issued_tokens.get(credential)
        if issued and issued["expires"] > time.time():
            if needed_scope and not _has_scope(issued["scopes"], needed_scope):
                raise OktaFailure(403, "E0000006", "You do not have permission to perform the requested action",
                                  headers={"WWW-Authenticate": f'Bearer authorization_uri="{request.base_url}/oauth2/v1/authorize", '
                                                               f'realm="{request.base_url}", scope="{needed_scope}", '
                                                               'error="insufficient_scope", '
                                                               'error_description="The access token provided does not contain the required scopes."'})
            request.auth = {"kind": "Bearer", "client_id": issued["client_id"]}
            return
    raise OktaFailure(401, "E0000011", "Invalid token provided",
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'} if scheme == "Bearer" else {})


def _has_scope(granted: list, needed: str) -> bool:
    """A `.manage` scope also grants its `.read` counterpart."""
    return needed in granted or (needed.endswith(".read") and needed[:-5] + ".manage" in granted)


def token_endpoint(request: Request, state, config, server_url: str) -> Response:
    """POST /oauth2/v1/token (client_credentials + private_key_jwt)."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        return _oauth_error(401, "invalid_client", "Client authentication failed: a client_assertion of type jwt-bearer is required.")
    assertion = form["client_assertion"]
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return _oauth_error(401, "invalid_client", "The client_assertion is not a valid JWT.")
    client = state.data["okta"]["oauth_clients"].get(str(unverified.get("iss")))
    if client is None:
        return _oauth_error(401, "invalid_client", "The client_assertion token has an unknown issuer (iss must be the client_id).")
    if header.get("kid") is not None and header.get("kid") != client.get("key_id"):
        return _oauth_error(401, "invalid_client", "The client_assertion token was signed with a key (kid) that is not registered.")
    audiences = {f"{request.base_url}/oauth2/v1/token", f"{server_url}/oauth2/v1/token"}
    try:
        claims = jwt.decode(assertion, client["public_key_pem"], algorithms=["RS256", "ES256"],
                            audience=list(audiences), leeway=CLOCK_SKEW,
                            options={"require": ["exp", "iss", "sub", "aud", "jti"]})
    except jwt.InvalidAudienceError:
        return _oauth_error(401, "invalid_client", "The audience claim for client_assertion must be the endpoint invoked for the request.")
    except jwt.ExpiredSignatureError:
        return _oauth_error(401, "invalid_client", "The client_assertion token is expired.")
    except jwt.MissingRequiredClaimError as exc:
        return _oauth_error(401, "invalid_client", f"The client_assertion token is missing the '{exc.claim}' claim.")
    except jwt.PyJWTError:
        return _oauth_error(401, "invalid_client", "The client_assertion signature is not valid for the registered key.")
    if claims["sub"] != claims["iss"]:
        return _oauth_error(401, "invalid_client", "The client_assertion token must have sub equal to iss (the client_id).")
    if claims["exp"] - time.time() > MAX_ASSERTION_LIFETIME + CLOCK_SKEW:
        return _oauth_error(401, "invalid_client", "The client_assertion token has an expiration too far in the future.")
    with state.lock:
        if claims["jti"] in state.used_jtis:
            return _oauth_error(401, "invalid_client", "The client_assertion token has already been used (jti).")
        state.used_jtis.add(claims["jti"])
    requested = form.get("scope", "").split()
    if not requested:
        return _oauth_error(400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
    missing = [s for s in requested if s not in client.get("scopes", [])]
    if missing:
        return _oauth_error(400, "invalid_scope", f"The following scopes are not granted to the client: {' '.join(missing)}.")
    lifetime = config.token_lifetime or state.data["okta"].get("token_lifetime", 3600)
    token = "simat." + secrets.token_urlsafe(32)
    with state.lock:
        state.issued_tokens[token] = {"client_id": client["client_id"], "scopes": requested,
                                      "expires": time.time() + lifetime}
    return json_response(200, {"token_type": "Bearer", "expires_in": int(lifetime), "access_token": token,
                               "scope": " ".join(requested)}, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def expire_all_tokens(state) -> int:
    with state.lock:
        for issued in state.issued_tokens.values():
            issued["expires"] = 0
        return len(state.issued_tokens)
