# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Okta credentials: an SSWS API token, or OAuth 2.0 client credentials with private_key_jwt.

Internal to this collection; the interface may change without notice.
The OAuth access token is cached for its lifetime and refreshed under a lock, so one client can be
shared by many threads. Nothing here talks HTTP: the client passes in the function that posts the
token request, so retries, TLS and error scrubbing stay in one place.
"""

from __future__ import annotations

import json
import re
import threading
import time
import traceback
import uuid

try:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    HAS_JWT = True
    JWT_IMPORT_ERROR = None
except ImportError:
    HAS_JWT = False
    JWT_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import whitespace_problem

DEFAULT_SCOPES = (
    "okta.apps.read",
    "okta.apps.manage",
    "okta.users.read",
    "okta.groups.read",
    "okta.schemas.read",
)
TOKEN_PATH = "/oauth2/v1/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# The assertion is used once, right away: a short life limits the harm if it is ever seen.
ASSERTION_LIFETIME = 300
# Refresh a little before Okta would, so a request never leaves with a token about to expire.
TOKEN_EXPIRY_MARGIN = 60
DEFAULT_TOKEN_LIFETIME = 3600

_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")

AUTH_HELP = (
    "Set exactly one Okta auth method: api_token (SSWS API token, env OKTA_API_TOKEN), or client_id "
    "with private_key or private_key_file (OAuth 2.0 private_key_jwt, env OKTA_CLIENT_ID with "
    "OKTA_PRIVATE_KEY or OKTA_PRIVATE_KEY_FILE)."
)


class OktaConfigError(InputError):
    """Bad connection options: http to a non-loopback host, no or two auth methods, unreadable key."""


def normalize_scopes(scopes):
    """A tuple of scopes from a list, or a string separated by spaces or commas (as env vars give)."""
    if scopes is None:
        return DEFAULT_SCOPES
    if isinstance(scopes, str):
        scopes = [scopes]
    found = []
    for item in scopes:
        for scope in re.split(r"[\s,]+", str(item)):
            if scope and scope not in found:
                found.append(scope)
    return tuple(found) or DEFAULT_SCOPES


def _read_key_file(path):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not a UTF-8 text file"
        raise OktaConfigError(f"Cannot read private_key_file {path}: {reason}.") from None


def _key_secrets(text):
    """Every form of the key text that must never be shown: the whole text and each line of its body."""
    found = [text, text.strip()]
    body = [line.strip() for line in text.strip().splitlines() if line.strip() and not line.startswith("-----")]
    found.append("".join(body))
    found.append("\n".join(body))
    found.extend(line for line in body if len(line) >= 16)
    return [item for item in found if item]


class SigningKey:
    """The private key that signs client assertions, with the JWS algorithm its type calls for."""

    def __init__(self, key, algorithm, secrets, key_id=None):
        self.key = key
        self.algorithm = algorithm
        self.secrets = secrets
        self.key_id = key_id

    @classmethod
    def load(cls, private_key=None, private_key_file=None, source=None):
        """Load a PEM (PKCS#1, PKCS#8 or SEC1, unencrypted) or JWK private key; RSA or EC."""
        if not HAS_JWT:
            raise OktaConfigError("OAuth 2.0 auth needs the Python libraries PyJWT and cryptography (pip install 'PyJWT[crypto]').")
        source = source or ("private_key_file " + str(private_key_file) if private_key_file else "private_key")
        text = _read_key_file(private_key_file) if private_key_file else private_key
        secrets = _key_secrets(text)
        if "\\n" in text and "\n" not in text.strip():
            # A PEM squeezed into one line of an environment variable or CI secret, newlines escaped.
            text = text.replace("\\n", "\n")
            secrets += _key_secrets(text)
        if text.strip().startswith("{"):
            return cls._from_jwk(text, secrets, source)
        try:
            key = serialization.load_pem_private_key(text.strip().encode("utf-8"), password=None)
        except (ValueError, TypeError) as exc:
            encrypted = isinstance(exc, TypeError) or "ENCRYPTED" in text
            hint = "it is encrypted: give the key without a passphrase" if encrypted else "expected a PEM private key (RSA or EC)"
            raise OktaConfigError(f"The {source} is not a usable private key: {hint}.") from None
        except Exception:  # pylint: disable=broad-exception-caught
            # cryptography raises its own types for unsupported keys; its message is not shown either way.
            raise OktaConfigError(f"The {source} is not a usable private key: expected an RSA or EC PEM private key.") from None
        return cls(key, cls._algorithm_for(key, source), secrets)

    @classmethod
    def _from_jwk(cls, text, secrets, source):
        try:
            jwk = json.loads(text)
            members = [str(jwk.get(name)) for name in _JWK_PRIVATE_MEMBERS if jwk.get(name)]
            kty = jwk.get("kty")
            loader = {"RSA": jwt.algorithms.RSAAlgorithm, "EC": jwt.algorithms.ECAlgorithm}[kty]
            key = loader.from_jwk(jwk)
        except Exception:  # pylint: disable=broad-exception-caught
            raise OktaConfigError(f"The {source} is not a usable private key: the JSON is not an RSA or EC private JWK.") from None
        if not members:
            raise OktaConfigError(f"The {source} is a public JWK: give the private key.")
        return cls(key, cls._algorithm_for(key, source), secrets + members, key_id=jwk.get("kid"))

    @staticmethod
    def _algorithm_for(key, source):
        if isinstance(key, rsa.RSAPrivateKey):
            return "RS256"
        if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _EC_ALGORITHMS:
            return _EC_ALGORITHMS[key.curve.name]
        raise OktaConfigError(f"The {source} is not an RSA or EC (P-256, P-384, P-521) private key, which Okta requires.")


class SswsAuth:
    """An Okta API token: `Authorization: SSWS {token}`. Nothing to refresh."""

    scheme = "SSWS"

    def __init__(self, token):
        self._header = f"SSWS {token}"
        self.secrets = [token]

    def authorization(self):
        return self._header

    def invalidate(self, authorization):  # pylint: disable=unused-argument
        """A 401 with an API token cannot be fixed by retrying."""
        return False

    def granted_scopes(self):
        """An API token has its admin's permissions, not scopes: unknown (None)."""
        return None


class PrivateKeyJwtAuth:
    """OAuth 2.0 client credentials with a signed client assertion (private_key_jwt)."""

    scheme = "Bearer"

    def __init__(self, org_url, client_id, signing_key, key_id=None, scopes=None, clock=time.time,
                 fetch_token=None, add_secret=None):
        self.client_id = client_id
        self.token_url = org_url + TOKEN_PATH
        self.signing_key = signing_key
        self.key_id = key_id or signing_key.key_id
        self.scopes = normalize_scopes(scopes)
        self.secrets = list(signing_key.secrets)
        self.fetch_token = fetch_token
        self._add_secret = add_secret or self.secrets.append
        self._clock = clock
        self._lock = threading.Lock()
        self._header = None
        self._expires_at = 0.0
        self._granted = None

    def client_assertion(self):
        """A fresh signed JWT: iss = sub = client_id, aud = the token endpoint, unique jti, short life."""
        now = int(self._clock())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.token_url,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": uuid.uuid4().hex,
        }
        headers = {"kid": self.key_id} if self.key_id else None
        assertion = jwt.encode(claims, self.signing_key.key, algorithm=self.signing_key.algorithm, headers=headers)
        self._add_secret(assertion)
        return assertion

    def token_form(self):
        """The form body of the token request."""
        return {
            "grant_type": "client_credentials",
            "scope": " ".join(self.scopes),
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.client_assertion(),
        }

    def authorization(self):
        """`Bearer {access token}`, fetching a new token when none is cached or it is about to expire."""
        with self._lock:
            if self._header is None or self._clock() >= self._expires_at:
                self._refresh()
            return self._header

    def granted_scopes(self):
        """The scopes Okta granted the current access token (fetching one if needed), or None if not said."""
        self.authorization()
        with self._lock:
            return self._granted

    def invalidate(self, authorization):
        """Forget the token that got a 401 (unless another thread already replaced it); True: retry."""
        with self._lock:
            if self._header == authorization:
                self._header = None
        return True

    def _refresh(self):
        answer = self.fetch_token(self.token_url, self.token_form()) or {}
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise OktaConfigError("The Okta token endpoint answered without an access_token.")
        self._add_secret(token)
        try:
            lifetime = int(answer.get("expires_in", DEFAULT_TOKEN_LIFETIME))
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        self._header = f"Bearer {token}"
        self._expires_at = self._clock() + max(lifetime - TOKEN_EXPIRY_MARGIN, lifetime / 2)
        granted = answer.get("scope")
        self._granted = tuple(granted.split()) if isinstance(granted, str) and granted.strip() else None


def select_auth(org_url, api_token=None, client_id=None, private_key=None, private_key_file=None,
                key_id=None, scopes=None, clock=time.time, fetch_token=None, add_secret=None):
    """The one auth method the options name; OktaConfigError when there is none or more than one.

    `fetch_token(url, form) -> dict` posts the OAuth token request; `add_secret(value)` registers each
    assertion and access token with whoever scrubs messages.
    """
    has_key = bool(private_key) or bool(private_key_file)
    if api_token and (client_id or has_key):
        raise OktaConfigError("Both an API token and OAuth 2.0 options are set. " + AUTH_HELP
                              + " Check the environment too: an OKTA_* variable fills any option a task leaves unset.")
    if api_token:
        problem = whitespace_problem("api_token", api_token)
        if problem:
            raise OktaConfigError(f"{problem}: give the token exactly as Okta issued it.")
        return SswsAuth(api_token)
    if private_key and private_key_file:
        raise OktaConfigError("Set only one of private_key and private_key_file (env OKTA_PRIVATE_KEY, OKTA_PRIVATE_KEY_FILE).")
    if client_id and not has_key:
        raise OktaConfigError("client_id is set without a key: OAuth 2.0 needs private_key or private_key_file as well. " + AUTH_HELP)
    if has_key and not client_id:
        raise OktaConfigError("A private key is set without client_id: OAuth 2.0 needs the service app's client_id as well. " + AUTH_HELP)
    if not client_id:
        raise OktaConfigError("No Okta credentials. " + AUTH_HELP)
    signing_key = SigningKey.load(private_key=private_key, private_key_file=private_key_file)
    return PrivateKeyJwtAuth(org_url, client_id, signing_key, key_id=key_id, scopes=scopes, clock=clock,
                             fetch_token=fetch_token, add_secret=add_secret)
