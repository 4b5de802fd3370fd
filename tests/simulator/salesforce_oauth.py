"""The simulated Salesforce org's OAuth 2.0 token endpoint, `POST /services/oauth2/token`, and its connected apps.

Grant types served (Salesforce Help, "OAuth 2.0 Web Server Flow for Web App Integration", "OAuth 2.0 JWT Bearer Flow
for Server-to-Server Integration", "OAuth 2.0 Client Credentials Flow for Server-to-Server Integration"):

- `authorization_code`: the code comes from a browser consent, which the simulator never gives, so a code is never
  valid. What matters is the order of the answers: the client first, then its secret, then the code (client
  authentication before the grant, RFC 6749 section 5.2). Salesforce's words: `invalid_client_id` "client identifier
  invalid" (github.com/omniphx/forrest/issues/184), `invalid_client` "invalid client credentials"
  (github.com/restforce/restforce/issues/338), `invalid_grant` "invalid authorization code". The redirect_uri is
  not judged here: Salesforce documents `redirect_uri_mismatch` at the authorization endpoint, as an error sent to
  the browser (Knowledge article 001122778, "OAuth 2.0 Authorization Errors"), not as a token-endpoint answer.
- `urn:ietf:params:oauth:grant-type:jwt-bearer`: an RS256 assertion (iss = consumer key, sub = username, aud =
  https://login.salesforce.com, https://test.salesforce.com or a My Domain URL, exp), checked against the
  certificate registered on the connected app; the user must be active.
- `client_credentials`: consumer key and secret in HTTP Basic; tokens are issued for the app's run-as user
  (`client_credentials_user`); without one: `invalid_grant` "no client credentials user enabled".

None of these is a user login: they do not touch `login_history` (the lockout counter). Every request is appended to
`salesforce.token_requests` ({time, grant_type, app, username, status, error}); `sim.salesforce_token_requests()` reads
it. An access token is a session for the REST API (`state.sf_sessions`).
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, unquote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .wire import Request, Response

try:
    import jwt
except ImportError:  # pragma: no cover - PyJWT is a test requirement
    jwt = None

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")
_KEYS = {}            # app name -> private PEM, reused within a process (RSA generation is slow)
_KEYS_LOCK = threading.Lock()


def _answer(status: int, body: dict) -> Response:
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json;charset=UTF-8",
                                                        "Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"})


def _error(code: str, description: str, status: int = 400) -> Response:
    return _answer(status, {"error": code, "error_description": description})


def install_app_keys(state) -> dict:
    """Give every connected app with `jwt: true` a key pair; the public half is its registered certificate."""
    private = {}
    with state.lock:
        for name, app in state.data["salesforce"].get("connected_apps", {}).items():
            if not app.get("jwt"):
                continue
            with _KEYS_LOCK:
                if name not in _KEYS:
                    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                    _KEYS[name] = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()).decode()
                pem = _KEYS[name]
            key = serialization.load_pem_private_key(pem.encode(), password=None)
            app["public_key_pem"] = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            private[name] = pem
    return private


def _record(state, grant_type: str, app: str | None, username: str | None, error: str | None) -> None:
    history = state.data["salesforce"].setdefault("token_requests", [])
    history.append({"time": time.time(), "grant_type": grant_type, "app": app, "username": username,
                    "status": "Success" if error is None else "Failed", "error": error})


def _app_by_key(sf: dict, consumer_key: str | None):
    apps = list(sf.get("connected_apps", {}).items()) + list(sf.get("external_client_apps", {}).items())
    for name, app in apps:
        if consumer_key and app.get("consumer_key") == consumer_key:
            return name, app
    return None, None


def _issue(state, base_url: str, user: dict, app_name: str, scopes: str) -> Response:
    sf = state.data["salesforce"]
    token = f"{sf['org']['id']}!simoauth{secrets.token_urlsafe(40)}"
    state.sf_sessions[token] = {"username": user["username"], "password_expired": False, "app": app_name}
    return _answer(200, {"access_token": token, "scope": scopes, "instance_url": base_url,
                         "id": f"{base_url}/id/{sf['org']['id']}/{user['id']}", "token_type": "Bearer",
                         "issued_at": str(int(time.time() * 1000))})


def _user(sf: dict, username: str | None) -> dict | None:
    users = sf.get("users", {})
    return users.get(username) or next((u for n, u in users.items() if n.lower() == (username or "").lower()), None)


def token(request: Request, state) -> Response:
    """`POST /services/oauth2/token` (form body); the caller holds state.lock."""
    if request.method != "POST":
        return _error("invalid_request", "must use HTTP POST")
    form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    grant_type = form.get("grant_type")
    sf = state.data["salesforce"]
    if grant_type == "authorization_code":
        name, app = _app_by_key(sf, form.get("client_id"))
        error = None
        if app is None:
            error = ("invalid_client_id", "client identifier invalid")
        elif not secrets.compare_digest(str(form.get("client_secret") or ""), str(app.get("consumer_secret") or "")):
            error = ("invalid_client", "invalid client credentials")
        else:
            error = ("invalid_grant", "invalid authorization code")   # no code is ever issued here
        _record(state, grant_type, name, None, error[0])
        return _error(*error)
    if grant_type == JWT_BEARER:
        return _jwt_bearer(form.get("assertion") or "", state, request.base_url)
    if grant_type == "client_credentials":
        return _client_credentials(request, state)
    _record(state, str(grant_type), None, None, "unsupported_grant_type")
    return _error("unsupported_grant_type", "grant type not supported")


def _jwt_bearer(assertion: str, state, base_url: str) -> Response:
    sf = state.data["salesforce"]
    try:
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        _record(state, JWT_BEARER, None, None, "invalid_grant")
        return _error("invalid_grant", "invalid assertion")
    name, app = _app_by_key(sf, claims.get("iss"))
    username = claims.get("sub")

    def fail(code, description):
        _record(state, JWT_BEARER, name, username, code)
        return _error(code, description)

    if app is None:
        return fail("invalid_client_id", "client identifier invalid")
    if not app.get("public_key_pem"):
        return fail("invalid_grant", "invalid assertion")
    audience = str(claims.get("aud") or "")
    if audience not in AUDIENCES and not (audience.startswith("https://") and audience.endswith(".my.salesforce.com")):
        return fail("invalid_grant", "audience is invalid")
    try:
        jwt.decode(assertion, app["public_key_pem"], algorithms=["RS256"], options={"verify_aud": False})
    except jwt.ExpiredSignatureError:
        return fail("invalid_grant", "expired authorization code")
    except jwt.PyJWTError:
        return fail("invalid_grant", "invalid assertion")
    user = _user(sf, username)
    if user is None or not user.get("is_active", True):
        return fail("invalid_grant", "user hasn't approved this consumer" if user is None else "inactive user")
    _record(state, JWT_BEARER, name, user["username"], None)
    return _issue(state, base_url, user, name, " ".join(app.get("scopes", ["Api"])).lower())


def _client_credentials(request: Request, state) -> Response:
    sf = state.data["salesforce"]
    scheme, _sep, value = request.headers.get("authorization", "").partition(" ")
    try:
        key, _sep, secret = base64.b64decode(value.strip()).decode().partition(":") if scheme == "Basic" else ("", "", "")
    except (ValueError, UnicodeDecodeError):
        key, secret = "", ""
    name, app = _app_by_key(sf, unquote(key))

    def fail(code, description):
        _record(state, "client_credentials", name, None, code)
        return _error(code, description)

    if app is None:
        return fail("invalid_client_id", "client identifier invalid")
    if not secrets.compare_digest(unquote(secret), str(app.get("consumer_secret") or "")):
        return fail("invalid_client", "invalid client credentials")
    user = _user(sf, app.get("client_credentials_user"))
    if user is None:
        return fail("invalid_grant", "no client credentials user enabled")
    _record(state, "client_credentials", name, user["username"], None)
    return _issue(state, request.base_url, user, name, " ".join(app.get("scopes", ["Api"])).lower())
