# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Okta client and the Salesforce login share about sending credentials to a server (internal).

- `MASK` and `SecretScrubber`: a secret never leaves in a message, in any form a server or a library
  may echo it (raw, URL-, JSON-, unicode- or XML-escaped).
- `whitespace_problem()`: the one whitespace rule for credentials; it names the option, never the value.
- `is_loopback()` and `plain_http_problem()`: https only, plain http only to this machine.
- `token_appended_problem()`: a password given with the security token already on its end.
- `transport_failure()` and `transport_advice()`: one wording for TLS failures, timeouts and connection
  errors, and what to do about them in the caller's own option names (`TransportOptions`).

Rules that fit several callers return a message (or None) instead of raising, so that each caller
keeps its own exception or check.
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, MaxRetryError
except ImportError:
    pass  # the modules fail on the missing library before anything here meets a requests error

MASK = "********"
# A shorter value would mask common words ("GET") and tell the secret by where the masks fall.
MIN_SECRET_LENGTH = 4

_OBJECT_REPR_RE = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*")


# ---------------------------------------------------------------- secrets

def _secret_forms(value: str) -> set[str]:
    """`value` as it may appear in a message: raw, stripped, URL-, JSON-, unicode- and XML/HTML-escaped."""
    json_forms = {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    url_forms = {quote(value), quote(value, safe=""), quote_plus(value)}
    xml_forms = {html.escape(value), html.escape(value, quote=False)}
    return {value, value.strip(), value.encode("unicode_escape").decode("ascii")} | json_forms | url_forms | xml_forms


class SecretScrubber:
    """Replaces every registered secret, in each of its `_secret_forms`, with `MASK`. Thread-safe."""

    def __init__(self, secrets=()):
        self._lock = threading.Lock()
        self._values = set()
        self._pattern = None
        for secret in secrets:
            self.add(secret)

    def add(self, value):
        """Register a secret; values that are not strings or are shorter than MIN_SECRET_LENGTH are ignored."""
        if not isinstance(value, str) or len(value.strip()) < MIN_SECRET_LENGTH:
            return
        forms = {form for form in _secret_forms(value) if len(form) >= MIN_SECRET_LENGTH}
        with self._lock:
            if not forms <= self._values:
                self._values |= forms
                self._pattern = None

    def scrub(self, text):
        """`text` (None stays None) with every registered secret masked."""
        if text is None:
            return None
        text = str(text)
        with self._lock:
            if not self._values:
                return text
            if self._pattern is None:
                # Longest first, so that a secret is masked whole and not around a shorter one inside it.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(value) for value in ordered))
            pattern = self._pattern
        return pattern.sub(MASK, text)


def whitespace_problem(option: str, value: str | None) -> str | None:
    """Where `value` holds whitespace, e.g. "sf_password ends with whitespace", or None; never the value.

    A credential is sent exactly as given: a space, tab or line break in or around it is always a mistake
    (usually a trailing newline from a file or vault lookup).
    """
    if not value:
        return None
    where = []
    if value[0].isspace():
        where.append("starts with")
    if value[-1].isspace():
        where.append("ends with")
    if any(char.isspace() for char in value.strip()):
        where.append("contains")
    return f"{option} {' and '.join(where)} whitespace" if where else None


def token_appended_problem(password: str | None, security_token: str | None) -> str | None:
    """The mistake of a password that already ends with the security token given beside it, or None.

    The modules append the token themselves; the password would then carry it twice and Salesforce
    refuses the login (INVALID_LOGIN). Names the options, never the values.
    """
    if not password or not security_token or not password.endswith(security_token):
        return None
    return ("sf_password already ends with sf_security_token: give the password alone in sf_password (the token "
            "is appended to it when it is sent, so Salesforce would get the token twice and refuse the login)")


# ---------------------------------------------------------------- https only

def is_loopback(host: str | None) -> bool:
    """True for localhost and loopback addresses, IPv4-mapped ones (::ffff:127.0.0.1) included."""
    host = (host or "").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def plain_http_problem(option: str, url: str) -> str | None:
    """The refusal of a plain-http `url` to a host that is not loopback, or None when `url` may be used."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or is_loopback(parts.hostname):
        return None
    return (f"{option} uses plain http, which would send the credentials unencrypted: use https. Plain http is "
            "allowed only to a loopback host (localhost, 127.0.0.0/8, ::1), such as a local test server.")


# ---------------------------------------------------------------- transport errors

@dataclass(frozen=True)
class TransportOptions:
    """The caller's option names, so that the advice names what the user can set."""

    url: str
    ca_path: str
    validate_certs: str
    timeout: str


# What can go wrong before any HTTP answer: connect means nothing was sent, connection that it may have been,
# plain_http that a plain-http request went to a port that speaks TLS (nothing useful was sent either).
# tls_hostname and tls_expired are the TLS failures that ca_path cannot fix: a certificate issued for other
# names than the URL's host, and an expired one.
TRANSPORT_KINDS = ("tls", "tls_hostname", "tls_expired", "timeout", "connect", "connection", "plain_http")
# OpenSSL's verify codes (X509_V_ERR_CERT_HAS_EXPIRED; X509_V_ERR_HOSTNAME_MISMATCH and _IP_ADDRESS_MISMATCH),
# and the words of its messages for libraries that do not keep the code.
_TLS_EXPIRED, _TLS_NAME_MISMATCH = 10, (62, 64)


@dataclass(frozen=True)
class TransportFailure:
    """A request that got no HTTP answer; `kind` is one of TRANSPORT_KINDS."""

    kind: str
    reason: str   # starts lower-case except for "TLS", no final period: it is put inside a caller's sentence

    @property
    def sentence(self) -> str:
        """`reason` as a sentence of its own."""
        return f"{self.reason[:1].upper()}{self.reason[1:]}."


def not_sent(error) -> bool:
    """True when the connection failed before any byte of the request left (safe to retry any method)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(error, requests.exceptions.SSLError):
        return False
    reason = error.args[0] if error.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    # NewConnectionError (refused, unreachable, DNS) is a ConnectTimeoutError subclass in urllib3.
    return isinstance(error, requests.exceptions.ConnectionError) and isinstance(reason, ConnectTimeoutError)


def _root_cause(error: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, which is the readable part, without object reprs."""
    seen = set()
    current = error
    while id(current) not in seen:
        seen.add(id(current))
        reason = getattr(current, "reason", None)
        nested = [arg for arg in current.args if isinstance(arg, BaseException)]
        following = reason if isinstance(reason, BaseException) else (nested[0] if nested else current.__cause__)
        if following is None:
            break
        current = following
    return _OBJECT_REPR_RE.sub("", str(current)).strip() or type(current).__name__


def _tls_kind(error: BaseException) -> str:
    """tls_hostname, tls_expired, or tls for another TLS failure of a requests error."""
    current, seen = error, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "verify_code", None)
        if code in _TLS_NAME_MISMATCH:
            return "tls_hostname"
        if code == _TLS_EXPIRED:
            return "tls_expired"
        reason = getattr(current, "reason", None)
        nested = [arg for arg in current.args if isinstance(arg, BaseException)]
        current = reason if isinstance(reason, BaseException) else (nested[0] if nested else current.__cause__)
    text = str(error).lower()
    if "hostname mismatch" in text or "ip address mismatch" in text or "doesn't match" in text:
        return "tls_hostname"
    if "certificate has expired" in text:
        return "tls_expired"
    return "tls"


def speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether `host`:`port` completes a TLS handshake (no certificate check, nothing sent after it)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=host):
                return True
    except (OSError, ValueError):
        return False


def plain_http_to_tls(error, url: str, timeout: float) -> bool:
    """True when a plain-http request to `url` failed because the server speaks TLS on that port.

    A TLS server drops (or answers with a TLS alert) an http request; the handshake of a probe then
    tells it apart from a plain-http server that really failed. Only asked for connection errors.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or not parts.hostname:
        return False
    if not isinstance(error, requests.exceptions.ConnectionError) or isinstance(
            error, (requests.exceptions.SSLError, requests.exceptions.ConnectTimeout)) or not_sent(error):
        return False
    return speaks_tls(parts.hostname, parts.port or 80, min(timeout, 5))


def transport_failure(error, host: str, timeout: float, url: str | None = None) -> TransportFailure:
    """What went wrong with a request that raised `error` (a requests exception) on its way to `host`.

    With the request's `url`, a plain-http request to a port that speaks TLS is told apart (kind plain_http).
    """
    if url is not None and plain_http_to_tls(error, url, timeout):
        return TransportFailure("plain_http", f"the server at {host} speaks TLS on that port and dropped the plain-http "
                                              f"request: the URL must be https://{host}")
    if isinstance(error, requests.exceptions.SSLError):
        kind = _tls_kind(error)
        found = {"tls_hostname": "the server's certificate was not issued for this host name; ",
                 "tls_expired": "the server's certificate has expired; "}.get(kind, "")
        return TransportFailure(kind, f"TLS verification of {host} failed: {found}{_root_cause(error)}")
    if isinstance(error, requests.exceptions.Timeout):
        return TransportFailure("timeout", f"no answer from {host} within {timeout:g} s")
    if not_sent(error):
        return TransportFailure("connect", f"could not connect to {host}: {_root_cause(error)}")
    return TransportFailure("connection", f"connection error with {host}: {_root_cause(error)}")


def transport_advice(kind: str, options: TransportOptions) -> str:
    """What to do about a TransportFailure of `kind`, in the caller's option names."""
    if kind == "tls":
        return (f"If a private CA or a TLS-inspecting proxy signed the server's certificate, set {options.ca_path} "
                f"to that CA's PEM file; set {options.validate_certs} to false only for a throwaway test server.")
    if kind == "tls_hostname":
        return (f"Give {options.url} the host name the certificate was issued for (the server's own DNS name, not an "
                f"IP address or an alias); {options.ca_path} cannot fix a name that does not match. Set "
                f"{options.validate_certs} to false only for a throwaway test server.")
    if kind == "tls_expired":
        return (f"Have the server's owner renew its certificate (for a TLS-inspecting proxy, the proxy's "
                f"administrator), and check this host's clock; {options.ca_path} cannot fix an expired certificate. "
                f"Set {options.validate_certs} to false only for a throwaway test server.")
    if kind == "timeout":
        return (f"Check that this host can reach the server {options.url} names (DNS, proxy, firewall), or raise "
                f"{options.timeout} if the server is slow to answer.")
    if kind == "connect":
        return f"Check {options.url} and that this host can reach it (DNS, proxy, firewall)."
    if kind == "plain_http":
        return f"Use https:// in {options.url}."
    return "Try again; if it keeps failing, check the proxies and firewalls between this host and the server."
