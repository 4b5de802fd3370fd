# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one Okta HTTP client of this collection: session, TLS rules, rate limits, retries, paging, errors.

Internal to this collection; the interface may change without notice (see docs/development.md).
One client may be shared by many threads: counters, rate-limit state and the OAuth token are guarded
by locks, and the requests.Session pool is sized for concurrent workers.
"""

from __future__ import annotations

import collections
import http.cookiejar
import random
import re
import threading
import time
import traceback
from urllib.parse import quote, urlencode, urlsplit

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning
    # Retrying these cannot help: the certificate, URL or header will be just as wrong next time.
    _NEVER_RETRIED = (requests.exceptions.SSLError, requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                      requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema)
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    _NEVER_RETRIED = ()
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_auth import OktaConfigError, select_auth
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_rate_limits import RateLimitPacer
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import (
    SecretScrubber,
    TransportOptions,
    not_sent,
    plain_http_problem,
    transport_advice,
    transport_failure,
)

# The collection's version lives in galaxy.yml only; the ansible-core version still helps Okta support.
USER_AGENT = f"idm.okta_salesforce ansible-core/{ANSIBLE_VERSION}"
# Sized for the assignment module's worker threads (default 8) with room for a larger max_workers.
POOL_SIZE = 32
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
# Okta-hosted org domains: the Admin Console of `acme.<domain>` is `acme-admin.<domain>`.
OKTA_HOSTED_DOMAINS = ("okta.com", "oktapreview.com", "okta-emea.com")
# The options a transport error's advice names.
_TRANSPORT_OPTIONS = TransportOptions(url="org_url", ca_path="ca_path", validate_certs="validate_certs", timeout="timeout")

_IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
_READ_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
_LINK_RE = re.compile(r"<([^>]*)>([^<]*)")
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_ID_SEGMENT_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9_-]{10,}$")


def admin_console_host(host):
    """For an Okta-hosted Admin Console host (`acme-admin.okta.com`), the org's host (`acme.okta.com`); else None."""
    host = (host or "").lower()
    for domain in OKTA_HOSTED_DOMAINS:
        subdomain = host[: -len(domain) - 1] if host.endswith("." + domain) else ""
        if subdomain.endswith("-admin") and "." not in subdomain and len(subdomain) > len("-admin"):
            return f"{subdomain[: -len('-admin')]}.{domain}"
    return None


def normalize_org_url(org_url):
    """`scheme://host[:port]` of the org; https only, plain http only to a loopback host."""
    example = "Give the org's base URL, such as https://acme.okta.com (env OKTA_ORG_URL)."
    if not org_url or not isinstance(org_url, str):
        raise OktaConfigError("org_url is required. " + example)
    parts = urlsplit(org_url.strip())
    if parts.username is not None or parts.password is not None:
        raise OktaConfigError("org_url must not contain a user name or password. " + example)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise OktaConfigError(f"org_url {org_url!r} is not an http(s) URL. " + example)
    org_host = admin_console_host(parts.hostname)
    if org_host:
        path = " (and a path, which the modules add themselves)" if parts.path not in ("", "/") or parts.query else ""
        raise OktaConfigError(
            f"org_url {org_url!r} is the address of the Admin Console{path}, not of the org: the API is served on "
            f"the org's own address. Use org_url https://{org_host}.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise OktaConfigError(f"org_url {org_url!r} has a path or query: Okta API paths are added by the modules. " + example)
    refusal = plain_http_problem("org_url", org_url.strip())
    if refusal:
        raise OktaConfigError(refusal)
    return f"{scheme}://{parts.netloc.lower()}"


def next_link(link_header):
    """The URL of the `rel="next"` entry of a Link header, exactly as given, or None."""
    for url, params in _LINK_RE.findall(link_header or ""):
        for param in params.split(";"):
            name, value = (param.split("=", 1) + [""])[:2]
            if name.strip().lower() == "rel" and "next" in value.strip().rstrip(",").strip().strip('"').lower().split():
                return url
    return None


def rate_limit_family(path):
    """A key for the rate-limit bucket a path falls in: its first two segments, ids generalised.

    Okta counts per endpoint family (`/api/v1/apps`, `/api/v1/apps/{id}`, `/api/v1/users`...); when in
    doubt this groups more paths together, which only makes the pacing more careful.
    """
    segments = [s for s in path.split("?")[0].split("/") if s]
    if segments[:2] == ["api", "v1"]:
        segments = segments[2:]
    key = [segments[0]] if segments else []
    if len(segments) > 1:
        key.append("{id}" if _ID_SEGMENT_RE.match(segments[1]) else segments[1])
    return "/" + "/".join(key)


def _query_value(value):
    # Okta reads lower-case booleans; Python would send "True".
    return ("true" if value else "false") if isinstance(value, bool) else value


def with_query(url, params):
    """`url` with `params` appended, spaces as %20 (filter and search expressions are full of them)."""
    if not params:
        return url
    items = params.items() if isinstance(params, dict) else params
    query = urlencode([(key, _query_value(value)) for key, value in items if value is not None], doseq=True, quote_via=quote)
    if not query:
        return url
    return url + ("&" if "?" in url else "?") + query


class OktaApiError(CollectionError):
    """Any failed Okta call: HTTP status >= 400 after retries, or a transport error (status None).

    Built only by OktaClient, which scrubs every field, so str(error) never shows a secret.
    """

    def __init__(self, status=None, error_code=None, summary=None, causes=None, request_id=None,
                 method=None, path=None, hint=None):
        self.status = status
        self.error_code = error_code
        self.summary = summary or "no details given"
        self.causes = list(causes or [])
        self.request_id = request_id
        self.method = method
        self.path = path
        self.hint = hint    # what to do, for errors whose remedy is known (401, 403)
        super().__init__(self._message())
        self.fields = {"okta_error": self.to_dict()}

    def _message(self):
        where = f"{self.method} {self.path}"
        if self.status is None:
            text = f"Okta API request {where} failed: {self.summary}"
        else:
            code = f" {self.error_code}" if self.error_code else ""
            text = f"Okta API error{code} (HTTP {self.status}) on {where}: {self.summary}"
        if self.causes:
            text = text.rstrip(".") + ". Causes: " + "; ".join(self.causes)
        if not text.endswith("."):
            text += "."
        if self.hint:
            text += f" {self.hint}"
        if self.request_id:
            text += f" Request id: {self.request_id}"
        return text

    def to_dict(self):
        """The fields, for a module's `okta_error` result."""
        return {"status": self.status, "error_code": self.error_code, "summary": self.summary, "causes": self.causes,
                "request_id": self.request_id, "method": self.method, "path": self.path, "hint": self.hint}


def answer_may_be_lost(error):
    """True when Okta may have applied a write whose answer we did not get: no answer at all (reset, timeout)
    or a 5xx but 501 (a gateway or server error after the request left). Such a write is read back before any
    resend, unless resending it cannot repeat its effect."""
    status = getattr(error, "status", 0)
    return status is None or (status >= 500 and status != 501)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Accept no cookie from the API."""

    def set_ok(self, cookie, request):
        return False


def _keep_headers(prepared_request):
    return prepared_request


class OktaResponse:
    """One answer: status, headers, parsed JSON body (None when empty), Okta's request id."""

    def __init__(self, status, headers, body, request_id):
        self.status = status
        self.headers = headers
        self.body = body
        self.request_id = request_id

    @property
    def next_url(self):
        return next_link(self.headers.get("Link"))


def _oauth_error(response):
    """The `error` of an OAuth error answer (`{"error": "use_dpop_nonce", ...}`), or None."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def required_scope(method, path):
    """The OAuth 2.0 scope an Okta call needs (okta.<resource>.read or .manage), or None if unknown."""
    segments = [s for s in (path or "").split("/") if s][2:]   # after /api/v1
    resource = {"apps": "apps", "users": "users", "groups": "groups", "logs": "logs"}.get(segments[0] if segments else "")
    if segments[:2] == ["meta", "schemas"]:
        resource = "schemas"
    if resource is None:
        return None
    return f"okta.{resource}.{'read' if method in ('GET', 'HEAD') else 'manage'}"


class OktaClient:
    """Okta Management API client: auth, https-only transport, rate-limit pacing, retries, Link paging."""

    def __init__(self, org_url, api_token=None, client_id=None, private_key=None,
                 private_key_file=None, key_id=None, scopes=None, validate_certs=True,
                 ca_path=None, timeout=30, max_retries=4, sleep=time.sleep, clock=time.time, dpop="auto"):
        if not HAS_REQUESTS:
            raise OktaConfigError("The Okta client needs the Python library requests (pip install requests).")
        self.org_url = normalize_org_url(org_url)
        # Refused, not corrected: timeout 0 used to mean the default, and a negative max_retries none at all.
        if timeout is not None and timeout <= 0:
            raise OktaConfigError(f"timeout must be a number of seconds above 0, not {timeout}: it is how long to wait "
                                  "for each answer from Okta (default 30).")
        if max_retries is not None and max_retries < 0:
            raise OktaConfigError(f"max_retries must be 0 or more, not {max_retries}: it is how many times a request "
                                  "that failed on its way is sent again (default 4; 0 sends each request once).")
        self.timeout = timeout or 30
        self.max_retries = int(max_retries or 0)
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()
        self._lock = threading.Lock()
        self._calls = collections.Counter()
        self._writes_accepted = 0
        self._pacer = RateLimitPacer(clock=clock)
        self._scrubber = SecretScrubber()
        self._verify = (ca_path or True) if validate_certs else False
        if ca_path and validate_certs:
            self._check_ca_path(ca_path)
        self._auth = select_auth(self.org_url, api_token=api_token, client_id=client_id, private_key=private_key,
                                 private_key_file=private_key_file, key_id=key_id, scopes=scopes, clock=clock,
                                 fetch_token=self._fetch_token, add_secret=self.add_secret, dpop=dpop or "auto")
        for secret in self._auth.secrets:
            self.add_secret(secret)
        for value in (api_token, private_key):
            self.add_secret(value)
        self._session = self._new_session(validate_certs)
        self._environment = {}  # (scheme, netloc) -> requests' environment settings

    @staticmethod
    def _check_ca_path(ca_path):
        try:
            with open(ca_path, "rb"):
                pass
        except OSError as exc:
            raise OktaConfigError(f"Cannot read ca_path {ca_path}: {exc.strerror}.") from None

    @staticmethod
    def _new_session(validate_certs):
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        # The API needs no cookies; refusing them keeps session ids out of the shared session.
        session.cookies.set_policy(_NoCookies())
        if not validate_certs:
            # The module warns once through Ansible; one warning per request would drown it.
            urllib3.disable_warnings(InsecureRequestWarning)
        return session

    # -- public interface ------------------------------------------------------------------------------

    def add_secret(self, value):
        """Register a string that must never appear in an error (e.g. a password sent in a request body)."""
        self._scrubber.add(value)

    def scrub(self, text):
        """`text` with every registered secret masked."""
        return self._scrubber.scrub(text)

    @property
    def calls(self):
        """Requests sent, by HTTP method (retries and OAuth token requests included)."""
        with self._lock:
            return collections.Counter(self._calls)

    @property
    def api_calls(self):
        with self._lock:
            return sum(self._calls.values())

    @property
    def writes_accepted(self):
        """Write requests (not the OAuth token request) that Okta answered with success."""
        with self._lock:
            return self._writes_accepted

    @property
    def rate_limit(self):
        """X-Rate-Limit-* of the last answer (any family)."""
        return self._pacer.last

    def pause_before_retry(self, attempt):
        """Sleep the jittered backoff of retry number `attempt`, for callers that repeat a whole operation."""
        self._sleep(self._backoff(attempt))

    def close(self):
        """Close the pooled connections (the process exiting does it too)."""
        self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def auth_scheme(self):
        """`SSWS`, `Bearer`, or `DPoP` once Okta issued a DPoP-bound access token."""
        return self._auth.scheme

    def request(self, method, path, params=None, json=None, idempotent=None):  # pylint: disable=redefined-outer-name
        """Send one API request (with retries) and return its OktaResponse; OktaApiError on failure.

        `path` is "/api/v1/..." or a full URL of this org (from a Link header), used exactly as given.
        `idempotent` defaults to True for GET/PUT/DELETE and False for POST.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in _IDEMPOTENT_METHODS
        return self._send(method, with_query(self._url(path, method), params), json_body=json, idempotent=idempotent)

    def get(self, path, params=None):
        return self.request("GET", path, params=params).body

    def post(self, path, json=None, params=None, idempotent=False):  # pylint: disable=redefined-outer-name
        return self.request("POST", path, params=params, json=json, idempotent=idempotent).body

    def put(self, path, json=None, params=None):  # pylint: disable=redefined-outer-name
        return self.request("PUT", path, params=params, json=json).body

    def delete(self, path, params=None):
        self.request("DELETE", path, params=params)

    def paginate(self, path, params=None):
        """Every item of a list endpoint, page after page, following Link rel="next" exactly as given."""
        response = self.request("GET", path, params=params)
        seen = set()
        while True:
            body = response.body
            if not isinstance(body, list):
                raise self._error(response.status, summary="expected a JSON list from a list endpoint",
                                  request_id=response.request_id, method="GET", url=self._url(path, "GET"))
            yield from body
            url = response.next_url
            if not url:
                return
            if url in seen:
                raise self._error(response.status, summary="the Link rel=\"next\" header points back to a page already read",
                                  request_id=response.request_id, method="GET", url=url)
            seen.add(url)
            response = self.request("GET", url)

    # -- internals -------------------------------------------------------------------------------------

    def _url(self, path, method):
        if path.lower().startswith(("http://", "https://")):
            parts = urlsplit(path)
            if f"{parts.scheme.lower()}://{parts.netloc.lower()}" != self.org_url:
                # Never send the org's credentials elsewhere, whatever a Link header says.
                raise self._error(None, summary=f"refused to follow a URL outside the org {self.org_url}",
                                  method=method, url=path)
            return path
        return self.org_url + ("" if path.startswith("/") else "/") + path

    def _fetch_token(self, url, build):
        """POST the token request; `build()` makes each attempt's (form, headers): a retry never resends an assertion."""
        return self._send("POST", url, build=build, idempotent=True, authenticated=False).body

    def _refuse_without_scope(self, method, url):
        """Do not send a write the access token was not granted the scope for: Okta would answer 403."""
        scope = required_scope(method, urlsplit(url).path)
        granted = self._auth.granted_scopes()
        if scope is None or granted is None or scope in granted:
            return
        raise self._error(None, summary=(
            f"not sent, because Okta did not grant the access token the scope {scope} this call needs (granted: "
            f"{' '.join(granted)}). Add {scope} to scopes, and grant it to the service app in Okta"), method=method, url=url)

    def _send(self, method, url, json_body=None, form=None, idempotent=False, authenticated=True, build=None):
        """One request with its retries. `build() -> (form, headers)`, when given, makes the body of each attempt."""
        family = rate_limit_family(urlsplit(url).path)
        if authenticated and method not in _READ_METHODS:
            self._refuse_without_scope(method, url)
        retries = 0
        refreshed = False
        retry_for = None
        answered = set()   # DPoP challenges ("nonce", "dpop") already answered for this request: each once
        while True:
            self._pacer.wait_for_turn(family, self._sleep)  # waits while the family's window is spent
            headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
            authorization = None
            if authenticated:
                headers.update(self._auth.request_headers(method, url))   # Authorization, and a DPoP proof
                authorization = headers.get("Authorization")
            if build is not None:
                form, extra_headers = build()   # a new client assertion (and DPoP proof) for every attempt
                headers.update(extra_headers)
            if retry_for:
                headers["X-Okta-Retry-For"] = retry_for
                headers["X-Okta-Retry-Count"] = str(retries)
            retry_for = None
            sent = self._clock()  # with the arrival time, bounds the server's clock from the answer's Date
            try:
                response = self._transmit(method, url, json_body, form, headers)
            except requests.exceptions.RequestException as exc:
                self._pacer.observe(family, None, sent, self._clock())  # no answer: no longer in flight
                # Asked at the first failure: plain http to a TLS port fails the same way every time.
                failure = transport_failure(exc, urlsplit(url).netloc, self.timeout, url=None if retries else url)
                retryable = (idempotent or not_sent(exc)) and not isinstance(exc, _NEVER_RETRIED) \
                    and failure.kind != "plain_http"
                if retryable and retries < self.max_retries:
                    retries += 1
                    self._sleep(self._backoff(retries))
                    continue
                summary = failure.reason
                if retries:
                    summary += f" (gave up after {retries + 1} attempts)"
                summary += f". {transport_advice(failure.kind, _TRANSPORT_OPTIONS)}"
                raise self._error(None, summary=summary, method=method, url=url) from None
            self._pacer.observe(family, response.headers, sent, self._clock())
            status = response.status_code
            request_id = response.headers.get("X-Okta-Request-Id")
            challenge = self._auth.challenge(url, status, response.headers, _oauth_error(response) if status == 400 else None)
            if challenge and challenge not in answered:
                answered.add(challenge)   # a nonce to use, or DPoP turned on: sent again at once, not a retry
                continue
            if status == 401 and authorization and not refreshed and self._auth.invalidate(authorization):
                refreshed = True  # one fresh token per request: a second 401 is an answer, not a loop
                continue
            if status == 429 and retries < self.max_retries:
                retries += 1
                retry_for = request_id
                self._sleep(self._rate_limit_wait(response))
                continue
            # 501 Not Implemented is the server's final word (RFC 9110 15.6.2): asking again cannot change it.
            if status >= 500 and status != 501 and idempotent and retries < self.max_retries:
                retries += 1
                self._sleep(self._backoff(retries))
                continue
            answer = self._answer(method, url, response, request_id, retries)
            if authenticated and method not in _READ_METHODS:
                with self._lock:
                    self._writes_accepted += 1
            return answer

    def _transmit(self, method, url, json_body, form, headers):
        with self._lock:
            self._calls[method] += 1
        # The explicit no-op auth keeps requests from adding ~/.netrc credentials over the Authorization header.
        prepared = self._session.prepare_request(
            requests.Request(method, url, json=json_body, data=form, headers=headers, auth=_keep_headers))
        if url.isascii() and url.isprintable() and " " not in url:
            prepared.url = url  # sent exactly as given: requests would re-quote a Link's opaque cursor
        return self._session.send(prepared, timeout=(self.timeout, self.timeout), allow_redirects=False,
                                  **self._environment_settings(prepared.url))

    def _environment_settings(self, url):
        """requests' settings from the environment (proxies, CA bundle) for `url`'s origin, read once per origin:
        the environment does not change during a run, and reading it cost about a sixth of each request's CPU."""
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        settings = self._environment.get(origin)
        if settings is None:
            settings = self._environment[origin] = self._session.merge_environment_settings(url, {}, False, self._verify, None)
        return dict(settings)

    def _answer(self, method, url, response, request_id, retries):
        status = response.status_code
        if 300 <= status < 400:
            raise self._error(status, summary=f"unexpected redirect to {response.headers.get('Location')}: check org_url",
                              request_id=request_id, method=method, url=url)
        body = None
        if response.content and status != 204:
            try:
                body = response.json()
            except ValueError:
                if status < 400:
                    kind = response.headers.get("Content-Type", "no content type")
                    raise self._error(status, summary=f"the answer is not JSON ({kind}): is org_url the Okta org?",
                                      request_id=request_id, method=method, url=url) from None
                body = None
        if status >= 400:
            raise self._error_from_body(status, body, response, request_id, method, url, retries)
        return OktaResponse(status, response.headers, body, request_id)

    def _error_from_body(self, status, body, response, request_id, method, url, retries):
        body = body if isinstance(body, dict) else {}
        code = body.get("errorCode") or body.get("error")
        summary = body.get("errorSummary") or body.get("error_description")
        if not summary:
            text = (response.text or "").strip()
            # A proxy's or gateway's HTML page: its text, without the markup.
            text = " ".join(_HTML_TAG_RE.sub(" ", text).split()) if text.startswith("<") else text
            summary = text[:300] if text and not body else (response.reason or "no details given")
        causes = [str(c.get("errorSummary")) for c in body.get("errorCauses") or [] if isinstance(c, dict) and c.get("errorSummary")]
        if retries and (status == 429 or status >= 500):
            summary = f"{summary} (gave up after {retries + 1} attempts)"
        return self._error(status, error_code=code, summary=summary, causes=causes,
                           request_id=request_id or body.get("errorId"), method=method, url=url,
                           hint=self._auth.hint(status, code, url) or self._access_hint(status, method, url))

    def _access_hint(self, status, method, url):
        """What to do about a 401 or 403: which credential option to check, or which scope is missing."""
        path = urlsplit(url).path
        if status == 401 and path.rstrip("/").endswith("/oauth2/v1/token"):
            return ("Check client_id, and that private_key (or private_key_file) is the key registered for that "
                    "service app in Okta, with key_id matching it if the app has several keys.")
        if status == 401 and self._auth.scheme == "SSWS":
            return ("Check api_token (env OKTA_API_TOKEN): Okta does not know it, or revoked it (tokens unused for "
                    "30 days expire). Create a new token in the Admin Console (Security > API > Tokens).")
        if status == 401:
            return "Check client_id and its private key: Okta refused the access token issued for them."
        if status != 403:
            return None
        scope = required_scope(method, path)
        if self._auth.scheme in ("Bearer", "DPoP") and scope:
            granted = " ".join(getattr(self._auth, "scopes", ()) or ()) or "none"
            return (f"This call needs the OAuth scope {scope} (requested: {granted}): add it to scopes, grant it to "
                    "the service app in Okta, and give the service app an admin role that allows the call.")
        return ("The admin who created api_token lacks the permission for this call: use a token of an admin whose "
                "role covers it (for example Super Administrator or Application Administrator).")

    def _error(self, status, error_code=None, summary=None, causes=None, request_id=None, method=None, url=None, hint=None):
        scrub = self._scrubber.scrub
        path = urlsplit(url).path if url else None
        return OktaApiError(status=status, error_code=scrub(error_code), summary=scrub(summary),
                            causes=[scrub(c) for c in causes or []], request_id=scrub(request_id),
                            method=method, path=scrub(path), hint=hint)

    # -- rate limits and backoff -----------------------------------------------------------------------

    def _rate_limit_wait(self, response):
        """After a 429: until X-Rate-Limit-Reset by the server's clock, bounded; backoff if no Reset was given."""
        wait = self._pacer.wait_after_429(response.headers)
        return self._backoff(1) if wait is None else wait

    def _backoff(self, retry):
        """Exponential backoff with jitter: half fixed, half random, so workers spread out."""
        delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (retry - 1)))
        return delay / 2 + self._random.uniform(0, delay / 2)
