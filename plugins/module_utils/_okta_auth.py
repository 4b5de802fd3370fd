# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Okta credentials: an SSWS API token, or OAuth 2.0 client credentials with private_key_jwt (and DPoP).

Internal to this collection; the interface may change without notice.
The OAuth access token is cached for its lifetime and refreshed under a lock, so one client can be
shared by many threads. Nothing here talks HTTP: the client passes in the function that posts the
token request, so retries, TLS and error scrubbing stay in one place. The client asks the auth for
the headers of each request (`request_headers`) and shows it each answer (`challenge`), which is how
DPoP nonces and the switch to DPoP reach the auth.

DPoP (RFC 9449, https://www.rfc-editor.org/rfc/rfc9449.html) as Okta applies it to its own APIs:
https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/ ("Configure OAuth 2.0
Demonstrating Proof-of-Possession", Okta resource server). An API service app with "Require
Demonstrating Proof of Possession (DPoP) header in token requests" refuses a token request without
a proof: 400 invalid_dpop_proof "The DPoP proof JWT header is missing."
(https://support.okta.com/help/s/article/the-dpop-proof-jwt-header-is-missing); new API service apps
have that setting on, and a proof without a nonce gets 400 use_dpop_nonce with a DPoP-Nonce header
(reported on https://devforum.okta.com/t/client-credentials-oauth-for-okta-with-dpop-enabled/30239).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import traceback
import uuid
from urllib.parse import urlsplit

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

# auto: DPoP once Okta says the service app requires it; always: a proof from the first token request; never: no proofs.
DPOP_MODES = ("auto", "always", "never")
DPOP_PROOF_TYPE = "dpop+jwt"            # RFC 9449 section 4.2: the proof's JWS `typ`
DPOP_ALGORITHM = "ES256"                # the ephemeral proof key is EC P-256

_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_DPOP_ERROR_RE = re.compile(r'\berror\s*=\s*"?([A-Za-z_]+)"?')
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

    def request_headers(self, method, url):  # pylint: disable=unused-argument
        """The headers that authenticate one API request."""
        return {"Authorization": self._header}

    def challenge(self, url, status, headers, error):  # pylint: disable=unused-argument
        """An API token is never asked for DPoP: nothing to answer."""
        return None

    def hint(self, status, error, url):  # pylint: disable=unused-argument
        return None

    def invalidate(self, authorization):  # pylint: disable=unused-argument
        """A 401 with an API token cannot be fixed by retrying."""
        return False

    def granted_scopes(self):
        """An API token has its admin's permissions, not scopes: unknown (None)."""
        return None


def _htu(url):
    """The `htu` of a proof: the request URL without query and fragment (RFC 9449 section 4.2)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"


def access_token_hash(token):
    """The `ath` claim: base64url of the SHA-256 of the access token, without padding (RFC 9449 section 4.2)."""
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def dpop_error(www_authenticate):
    """The `error` of a `WWW-Authenticate: DPoP error="..."` challenge, or None (RFC 9449 sections 7.1 and 9)."""
    text = www_authenticate or ""
    if not text.strip().lower().startswith("dpop"):
        return None
    found = _DPOP_ERROR_RE.search(text)
    return found.group(1) if found else None


class DpopKey:
    """The key that signs DPoP proofs: an EC P-256 key made for this client and run, never saved or shown.

    Okta binds a DPoP access token to this key (the thumbprint of its public JWK), so a token seen
    elsewhere is useless without it. The latest nonce each server asked for goes into later proofs.
    """

    def __init__(self, clock=time.time, add_secret=None):
        self._clock = clock
        self._add_secret = add_secret or (lambda value: None)
        self._key = ec.generate_private_key(ec.SECP256R1())
        # The public half only (kty, crv, x, y): the proof header carries it so the server can check the signature.
        self.jwk = jwt.algorithms.ECAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        self._lock = threading.Lock()
        self._nonces = {}

    def remember_nonce(self, server, nonce):
        with self._lock:
            self._nonces[server] = nonce

    def nonce(self, server):
        with self._lock:
            return self._nonces.get(server)

    def proof(self, method, url, server, access_token=None):
        """A new signed proof for one request: htm, htu, iat, a unique jti, ath and the server's nonce when known."""
        claims = {"htm": method, "htu": _htu(url), "iat": int(self._clock()), "jti": uuid.uuid4().hex}
        if access_token:
            claims["ath"] = access_token_hash(access_token)
        nonce = self.nonce(server)
        if nonce:
            claims["nonce"] = nonce
        proof = jwt.encode(claims, self._key, algorithm=DPOP_ALGORITHM, headers={"typ": DPOP_PROOF_TYPE, "jwk": self.jwk})
        # Registered by its signature: masking it hides every echo of the proof and leaves nothing usable, while
        # the scrubber, which gets one of these per API call, stays small (header and claims are not secret).
        self._add_secret(proof.rsplit(".", 1)[1])
        return proof


class PrivateKeyJwtAuth:
    """OAuth 2.0 client credentials with a signed client assertion (private_key_jwt), Bearer or DPoP-bound tokens."""

    def __init__(self, org_url, client_id, signing_key, key_id=None, scopes=None, clock=time.time,
                 fetch_token=None, add_secret=None, dpop="auto"):
        if dpop not in DPOP_MODES:
            raise OktaConfigError(f"dpop must be one of {', '.join(DPOP_MODES)} (env OKTA_DPOP), not {dpop!r}.")
        self.client_id = client_id
        self.token_url = org_url + TOKEN_PATH
        self.signing_key = signing_key
        self.key_id = key_id or signing_key.key_id
        self.scopes = normalize_scopes(scopes)
        self.secrets = list(signing_key.secrets)
        self.fetch_token = fetch_token
        self.dpop = dpop
        self._add_secret = add_secret or self.secrets.append
        self._clock = clock
        self._lock = threading.Lock()
        self._header = None
        self._token = None
        self._bound = False          # the token is DPoP-bound: every API call needs a proof
        self._expires_at = 0.0
        self._granted = None
        self._proving = dpop == "always"   # token requests carry a proof (auto turns it on when Okta asks)
        self._dpop_key = None
        self._dpop_key_lock = threading.Lock()

    @property
    def scheme(self):
        """`DPoP` once Okta issued a DPoP-bound token, else `Bearer`."""
        return "DPoP" if self._bound else "Bearer"

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
        """The form body of the token request, with a new client assertion."""
        return {
            "grant_type": "client_credentials",
            "scope": " ".join(self.scopes),
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.client_assertion(),
        }

    def token_request(self):
        """One attempt at the token request: (form, headers), built anew for every attempt.

        Okta refuses a client assertion (or DPoP proof) whose jti it has already seen, so a retry after
        a lost answer, or after a DPoP challenge, must never resend the previous one.
        """
        headers = {}
        if self._proving:
            headers["DPoP"] = self._proof("POST", self.token_url)
        return self.token_form(), headers

    def authorization(self):
        """`Bearer {access token}` or `DPoP {access token}`, fetching a new token when none is cached or it is about to expire."""
        return self._current()[0]

    def request_headers(self, method, url):
        """The headers that authenticate one API request: Authorization, and a fresh proof for a DPoP-bound token."""
        header, token, bound = self._current()
        headers = {"Authorization": header}
        if bound:
            headers["DPoP"] = self._proof(method, url, access_token=token)
        return headers

    def challenge(self, url, status, headers, error):
        """What an answer asks of the next attempt: "nonce" (send again with the server's DPoP nonce),
        "dpop" (the service app requires DPoP: send again with a proof), or None.

        `error` is the OAuth `error` of a token endpoint's 400 answer. A `DPoP-Nonce` header in any
        answer is remembered for the proofs that follow (RFC 9449 section 8.2).
        """
        nonce = headers.get("DPoP-Nonce")
        token_endpoint = _htu(url) == self.token_url
        if nonce and (self._proving or self._bound):
            self._proof_key().remember_nonce(self._server(url), nonce)
        if token_endpoint and status == 400:
            if error == "use_dpop_nonce" and nonce and self._proving:
                return "nonce"
            if error == "invalid_dpop_proof" and self.dpop == "auto" and not self._proving:
                self._proving = True   # and for every later token request of this client
                return "dpop"
            return None
        if status == 401 and nonce and self._bound and dpop_error(headers.get("WWW-Authenticate")) == "use_dpop_nonce":
            return "nonce"
        return None

    def hint(self, status, error, url):
        """What to do about a token endpoint's DPoP refusal, or None."""
        if status != 400 or error != "invalid_dpop_proof" or _htu(url) != self.token_url:
            return None
        if self.dpop == "never":
            return ('The service app requires DPoP-bound tokens (its "Require Demonstrating Proof of Possession (DPoP) '
                    'header in token requests" setting is on) and dpop is never (env OKTA_DPOP): set dpop: auto, or turn '
                    'off "Require DPoP" in the service app\'s General Settings in Okta.')
        return "Okta refused the DPoP proof: check that this host's clock is right (each proof carries the time it was made)."

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

    def _current(self):
        with self._lock:
            if self._header is None or self._clock() >= self._expires_at:
                self._refresh()
            return self._header, self._token, self._bound

    def _proof_key(self):
        with self._dpop_key_lock:
            if self._dpop_key is None:
                self._dpop_key = DpopKey(clock=self._clock, add_secret=self._add_secret)
            return self._dpop_key

    def _server(self, url):
        """Whose nonce a proof for `url` carries: the token endpoint's, or the API's (RFC 9449 section 9 keeps them apart)."""
        htu = _htu(url)
        if htu == self.token_url:
            return htu
        parts = urlsplit(htu)
        return f"{parts.scheme}://{parts.netloc}"

    def _proof(self, method, url, access_token=None):
        return self._proof_key().proof(method, url, self._server(url), access_token=access_token)

    def _refresh(self):
        answer = self.fetch_token(self.token_url, self.token_request) or {}
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise OktaConfigError("The Okta token endpoint answered without an access_token.")
        self._add_secret(token)
        try:
            lifetime = int(answer.get("expires_in", DEFAULT_TOKEN_LIFETIME))
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        # The answer's token_type decides the scheme (RFC 9449 sections 5 and 7.1): a DPoP token needs proofs, a Bearer one none.
        bound = str(answer.get("token_type", "")).lower() == "dpop" and self._proving
        self._token = token
        self._bound = bound
        self._header = f"{'DPoP' if bound else 'Bearer'} {token}"
        self._expires_at = self._clock() + max(lifetime - TOKEN_EXPIRY_MARGIN, lifetime / 2)
        granted = answer.get("scope")
        self._granted = tuple(granted.split()) if isinstance(granted, str) and granted.strip() else None


def select_auth(org_url, api_token=None, client_id=None, private_key=None, private_key_file=None,
                key_id=None, scopes=None, clock=time.time, fetch_token=None, add_secret=None, dpop="auto"):
    """The one auth method the options name; OktaConfigError when there is none or more than one.

    `fetch_token(url, build) -> dict` posts the OAuth token request, calling `build() -> (form, headers)`
    for each attempt; `add_secret(value)` registers each assertion, proof and access token with whoever
    scrubs messages. `dpop` (auto, always, never) applies to OAuth only.
    """
    if dpop not in DPOP_MODES:
        raise OktaConfigError(f"dpop must be one of {', '.join(DPOP_MODES)} (env OKTA_DPOP), not {dpop!r}.")
    has_key = bool(private_key) or bool(private_key_file)
    if api_token and (client_id or has_key):
        raise OktaConfigError("Both an API token and OAuth 2.0 options are set. " + AUTH_HELP
                              + " Check the environment too: an OKTA_* variable fills any option a task leaves unset.")
    if api_token:
        scheme = api_token.split(None, 1)[0] if api_token.strip() else ""
        if scheme.lower() in ("ssws", "bearer", "dpop") and scheme != api_token.strip():
            raise OktaConfigError(f"api_token starts with the authorization scheme {scheme!r}: give the token alone, "
                                  "as Okta showed it when it was created; the modules send it as SSWS themselves.")
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
                             fetch_token=fetch_token, add_secret=add_secret, dpop=dpop)
