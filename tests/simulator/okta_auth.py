"""Okta authentication: SSWS API tokens, and OAuth 2.0 client credentials with private_key_jwt and DPoP.

The token endpoint checks the client assertion the way Okta documents it (signature with the
registered public key, aud, iss = sub = client_id, exp at most one hour ahead, single-use jti,
kid when sent) and the requested scopes; Bearer tokens expire after the configured lifetime so
clients' refresh-on-401 can be tested.

DPoP (RFC 9449, https://www.rfc-editor.org/rfc/rfc9449.html; Okta: "Configure OAuth 2.0
Demonstrating Proof-of-Possession", https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/):
a client seeded with `require_dpop: true` (Okta's "Require Demonstrating Proof of Possession (DPoP)
header in token requests") gets 400 invalid_dpop_proof "The DPoP proof JWT header is missing." without
a proof. Every proof is checked (typ dpop+jwt, asymmetric alg, public jwk, signature with that jwk, htm,
htu, iat within DPOP_IAT_WINDOW, single-use jti); the token endpoint asks for a nonce (400
use_dpop_nonce + DPoP-Nonce) until the proof carries one it issued. The token it then issues is
`token_type: DPoP`, bound to the proof key's RFC 7638 thumbprint (`cnf.jkt`): API calls must send
`Authorization: DPoP <token>` and a proof signed by that key with `ath` = the token's hash. A client
seeded with `dpop_api_nonce: true` is also asked for a nonce by the API (401 with
`WWW-Authenticate: DPoP error="use_dpop_nonce"` and DPoP-Nonce). The status and wording of the API's
DPoP refusals are modelled; the token endpoint's follow the sources above.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs

import jwt

from .wire import OktaFailure, Request, Response, json_response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 3600
CLOCK_SKEW = 30
DPOP_IAT_WINDOW = 60          # seconds a proof's iat may be off the server's clock, either way
DPOP_NONCE_LIFETIME = 300
DPOP_ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
_JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}


def _oauth_error(status: int, error: str, description: str, headers: dict | None = None) -> Response:
    return json_response(status, {"error": error, "error_description": description},
                         {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk: dict) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public JWK: what a DPoP token is bound to (`cnf.jkt`)."""
    members = _THUMBPRINT_MEMBERS[jwk["kty"]]
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def token_hash(token: str) -> str:
    """The `ath` a proof must carry with an access token: base64url(SHA-256(token))."""
    return _b64url(hashlib.sha256(token.encode("ascii")).digest())


class DpopProblem(Exception):
    """A proof the server refuses: `error` is invalid_dpop_proof or use_dpop_nonce (then `nonce` is the one to use)."""

    def __init__(self, error: str, description: str, nonce: str | None = None):
        super().__init__(description)
        self.error, self.description, self.nonce = error, description, nonce


def _new_nonce(state, server: str) -> str:
    nonce = secrets.token_urlsafe(24)
    with state.lock:
        nonces = state.dpop_nonces.setdefault(server, {})
        now = time.time()
        for old in [n for n, expires in nonces.items() if expires < now]:
            del nonces[old]
        nonces[nonce] = now + DPOP_NONCE_LIFETIME
    return nonce


def _nonce_is_current(state, server: str, nonce) -> bool:
    with state.lock:
        expires = state.dpop_nonces.get(server, {}).get(nonce)
    return expires is not None and expires > time.time()


def check_proof(request: Request, state, htus: set, access_token: str | None = None, jkt: str | None = None,
                nonce_server: str | None = None) -> dict:
    """The claims of the request's DPoP proof after the checks of RFC 9449 section 4.3; DpopProblem if refused.

    `htus`: the URLs the proof may name; `access_token`/`jkt`: the token it must go with (ath) and the key
    that token is bound to; `nonce_server`: whose nonce the proof must carry (None: no nonce needed).
    """
    proof = request.headers.get("dpop", "")
    if not proof:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT header is missing.")
    if "," in proof:
        raise DpopProblem("invalid_dpop_proof", "The request carries more than one DPoP proof.")
    try:
        header = jwt.get_unverified_header(proof)
    except jwt.PyJWTError:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof is not a well-formed JWT.") from None
    if header.get("typ") != "dpop+jwt":
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT typ must be dpop+jwt.")
    algorithm = header.get("alg")
    if algorithm not in DPOP_ALGORITHMS:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT must be signed with an asymmetric algorithm.")
    jwk = header.get("jwk")
    if not isinstance(jwk, dict) or jwk.get("kty") not in _THUMBPRINT_MEMBERS or any(m in jwk for m in _JWK_PRIVATE_MEMBERS):
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT header must carry the public key (jwk), and only it.")
    try:
        key = jwt.PyJWK(jwk, algorithm=algorithm).key
        claims = jwt.decode(proof, key, algorithms=[algorithm],
                            options={"require": ["htm", "htu", "iat", "jti"], "verify_aud": False, "verify_iat": False,
                                     "verify_exp": False, "verify_nbf": False})
    except jwt.MissingRequiredClaimError as exc:
        raise DpopProblem("invalid_dpop_proof", f"The DPoP proof JWT is missing the '{exc.claim}' claim.") from None
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT signature is not valid for its jwk.") from None
    if claims["htm"] != request.method:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT htm does not match the request method.")
    if claims["htu"] not in htus:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT htu does not match the request URL.")
    if not isinstance(claims["iat"], (int, float)) or abs(time.time() - claims["iat"]) > DPOP_IAT_WINDOW:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT iat is outside the accepted window.")
    with state.lock:
        if claims["jti"] in state.used_dpop_jtis:
            raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT has already been used (jti).")
        state.used_dpop_jtis.add(claims["jti"])
        state.oauth_secrets.add(proof)
    if access_token is not None and claims.get("ath") != token_hash(access_token):
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof JWT ath does not match the access token.")
    thumbprint = jwk_thumbprint(jwk)
    if jkt is not None and thumbprint != jkt:
        raise DpopProblem("invalid_dpop_proof", "The DPoP proof was not signed by the key the access token is bound to.")
    if nonce_server and not _nonce_is_current(state, nonce_server, claims.get("nonce")):
        description = ("Authorization server requires nonce in DPoP proof." if nonce_server == "token"
                       else "Resource server requires nonce in DPoP proof.")
        raise DpopProblem("use_dpop_nonce", description, nonce=_new_nonce(state, nonce_server))
    return dict(claims, jkt=thumbprint)


def _writes_left(state, token: str, needed_scope: str | None) -> None:
    """An API token of an admin who may not write: `okta.read_only_tokens` {token: writes still allowed}.

    0 is a Read-Only Administrator's token from the start; N > 0 an admin whose write role is taken away
    after N more write requests (in the middle of a run). Okta answers a write it forbids with 403 E0000006
    (https://developer.okta.com/docs/reference/error-codes/#E0000006); reads go on working.
    """
    allowed = (state.data["okta"].get("read_only_tokens") or {})
    if token not in allowed or not needed_scope or not needed_scope.endswith(".manage"):
        return
    if allowed[token] > 0:
        allowed[token] -= 1
        return
    raise OktaFailure(403, "E0000006", "You do not have permission to perform the requested action")


def authenticate(request: Request, state, needed_scope: str | None) -> None:
    """Fill `request.auth` or raise the Okta error for a missing, wrong or expired credential."""
    header = request.headers.get("authorization", "")
    scheme, _sep, credential = header.partition(" ")
    credential = credential.strip()
    if scheme == "SSWS" and credential and credential in state.data["okta"]["api_tokens"]:
        request.auth = {"kind": "SSWS"}
        _writes_left(state, credential, needed_scope)
        return
    if scheme in ("Bearer", "DPoP") and credential:
        issued = state.issued_tokens.get(credential)
        if issued and issued["expires"] > time.time():
            _check_binding(request, state, scheme, credential, issued)
            if needed_scope and not _has_scope(issued["scopes"], needed_scope):
                raise OktaFailure(403, "E0000006", "You do not have permission to perform the requested action",
                                  headers={"WWW-Authenticate": f'{scheme} authorization_uri="{request.base_url}/oauth2/v1/authorize", '
                                                               f'realm="{request.base_url}", scope="{needed_scope}", '
                                                               'error="insufficient_scope", '
                                                               'error_description="The access token provided does not contain the required scopes."'})
            request.auth = {"kind": scheme, "client_id": issued["client_id"]}
            return
    raise OktaFailure(401, "E0000011", "Invalid token provided",
                      headers={"WWW-Authenticate": f'{scheme} error="invalid_token"'} if scheme in ("Bearer", "DPoP") else {})


def _check_binding(request: Request, state, scheme: str, token: str, issued: dict) -> None:
    """A DPoP-bound token only as `DPoP` with a valid proof by its key; a Bearer token never as `DPoP`."""
    if not issued.get("jkt"):
        if scheme == "DPoP":
            raise OktaFailure(401, "E0000011", "Invalid token provided",
                              headers={"WWW-Authenticate": 'DPoP error="invalid_token", '
                                                           'error_description="The access token is not DPoP-bound."'})
        return
    if scheme != "DPoP":
        raise OktaFailure(401, "E0000011", "Invalid token provided",
                          headers={"WWW-Authenticate": 'DPoP error="invalid_token", '
                                                       'error_description="The access token is DPoP-bound: send it with the DPoP scheme."'})
    client = state.data["okta"]["oauth_clients"].get(issued["client_id"], {})
    try:
        claims = check_proof(request, state, {request.base_url + request.path}, access_token=token, jkt=issued["jkt"],
                             nonce_server="api" if client.get("dpop_api_nonce") else None)
    except DpopProblem as problem:
        request.details["error"] = problem.error
        headers = {"WWW-Authenticate": f'DPoP error="{problem.error}", error_description="{problem.description}"'}
        if problem.nonce:
            headers["DPoP-Nonce"] = problem.nonce
        raise OktaFailure(401, "E0000011", "Invalid token provided", [problem.description], headers=headers) from None
    request.details["dpop_nonce"] = bool(claims.get("nonce"))


def _has_scope(granted: list, needed: str) -> bool:
    """A `.manage` scope also grants its `.read` counterpart."""
    return needed in granted or (needed.endswith(".read") and needed[:-5] + ".manage" in granted)


def token_endpoint(request: Request, state, config, server_url: str) -> Response:
    """POST /oauth2/v1/token (client_credentials + private_key_jwt, DPoP when sent or required)."""
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    details = request.details
    details["dpop"] = bool(request.headers.get("dpop"))
    if form.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        return _oauth_error(401, "invalid_client", "Client authentication failed: a client_assertion of type jwt-bearer is required.")
    assertion = form["client_assertion"]
    with state.lock:
        state.oauth_secrets.add(assertion)
    try:
        header = jwt.get_unverified_header(assertion)
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return _oauth_error(401, "invalid_client", "The client_assertion is not a valid JWT.")
    details["assertion_jti"] = unverified.get("jti")
    client = state.data["okta"]["oauth_clients"].get(str(unverified.get("iss")))
    if client is None:
        return _oauth_error(401, "invalid_client", "The client_assertion token has an unknown issuer (iss must be the client_id).")
    details["client_id"] = client["client_id"]
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
        # Every assertion is used once, whatever the answer: a client that resends one (after a lost
        # answer, or a DPoP challenge) is refused as a replay. The status is modelled (RFC 6749 section
        # 5.2 allows 400 for a client that authenticates in the body).
        if claims["jti"] in state.used_jtis:
            details["error"] = "replay"
            return _oauth_error(400, "invalid_client", "The client_assertion token has already been used (jti).")
        state.used_jtis.add(claims["jti"])
    jkt = None
    if details["dpop"] or client.get("require_dpop"):
        try:
            proof = check_proof(request, state, audiences, nonce_server="token")
        except DpopProblem as problem:
            details["error"] = problem.error
            return _oauth_error(400, problem.error, problem.description,
                                {"DPoP-Nonce": problem.nonce} if problem.nonce else None)
        details["dpop_nonce"] = True
        jkt = proof["jkt"]
    requested = form.get("scope", "").split()
    if not requested:
        return _oauth_error(400, "invalid_scope", "The authorization server resource does not have any configured default scopes, 'scope' must be provided.")
    missing = [s for s in requested if s not in client.get("scopes", [])]
    if missing:
        return _oauth_error(400, "invalid_scope", f"The following scopes are not granted to the client: {' '.join(missing)}.")
    lifetime = config.token_lifetime or state.data["okta"].get("token_lifetime", 3600)
    token = "simat." + secrets.token_urlsafe(32)
    token_type = "DPoP" if jkt else "Bearer"
    with state.lock:
        state.issued_tokens[token] = {"client_id": client["client_id"], "scopes": requested,
                                      "expires": time.time() + lifetime, "jkt": jkt}
        state.oauth_secrets.add(token)
    details["token_type"] = token_type
    return json_response(200, {"token_type": token_type, "expires_in": int(lifetime), "access_token": token,
                               "scope": " ".join(requested)}, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def expire_all_tokens(state) -> int:
    with state.lock:
        for issued in state.issued_tokens.values():
            issued["expires"] = 0
        return len(state.issued_tokens)
