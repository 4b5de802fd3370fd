"""The transport rules both clients share: secret masking, whitespace, https only, transport errors.

Transport errors are real requests exceptions from sockets on loopback, not hand-made ones.
"""
from __future__ import annotations

import html
import json
import socket
import ssl
import threading
from urllib.parse import quote, quote_plus

import pytest
import requests

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _transport as transport

# Every character some escaping rewrites, and one outside ASCII.
SECRET = "Pw&<>%\"'\u00e9-canary"
OKTA = transport.TransportOptions(url="org_url", ca_path="ca_path", validate_certs="validate_certs", timeout="timeout")


# ---------------------------------------------------------------- secrets

ESCAPED_FORMS = {
    "quote": quote(SECRET),
    "quote safe=''": quote(SECRET, safe=""),
    "quote_plus": quote_plus(SECRET),
    "json ensure_ascii": json.dumps(SECRET)[1:-1],
    "json not ensure_ascii": json.dumps(SECRET, ensure_ascii=False)[1:-1],
    "unicode_escape": SECRET.encode("unicode_escape").decode("ascii"),
    "html.escape": html.escape(SECRET),
    "html.escape quote=False": html.escape(SECRET, quote=False),
}


def test_mask_is_the_one_mask():
    assert transport.MASK == "********"


@pytest.mark.parametrize("form", [SECRET] + list(ESCAPED_FORMS.values()), ids=["raw"] + list(ESCAPED_FORMS))
def test_each_form_of_a_secret_is_masked(form):
    scrubber = transport.SecretScrubber([SECRET])
    assert scrubber.scrub(f"server said <{form}> twice: {form}") == f"server said <{transport.MASK}> twice: {transport.MASK}"


def test_the_escaped_forms_really_differ_from_the_secret():
    assert SECRET not in ESCAPED_FORMS.values()
    assert "\\u00e9" in ESCAPED_FORMS["json ensure_ascii"] and "\\xe9" in ESCAPED_FORMS["unicode_escape"]
    assert "&quot;&#x27;" in ESCAPED_FORMS["html.escape"] and "&amp;&lt;&gt;%\"'" in ESCAPED_FORMS["html.escape quote=False"]
    assert "%C3%A9" in ESCAPED_FORMS["quote"]


def test_line_breaks_and_surrounding_whitespace_are_masked_in_their_forms():
    secret = " line1\nline2 "
    scrubber = transport.SecretScrubber([secret])
    text = scrubber.scrub(f"a {json.dumps(secret)} b {secret.strip()} c")
    assert "line1" not in text and "line2" not in text


def test_the_joined_password_and_token_and_the_xml_escaped_password_are_masked():
    password, token = "Pw<&>canary-1", "tokenCanary42"
    scrubbed = transport.SecretScrubber([password, token, password + token]).scrub(
        f"echo {password + token} and {html.escape(password)}")
    assert password not in scrubbed and token not in scrubbed and html.escape(password) not in scrubbed
    assert scrubbed == "echo ******** and ********"


def test_secrets_added_later_and_overlapping_are_masked_whole():
    scrubber = transport.SecretScrubber()
    assert scrubber.scrub("nothing to hide") == "nothing to hide"
    scrubber.add("abcd")
    scrubber.add("abcdEFGH")
    assert scrubber.scrub("x abcdEFGH y abcd") == "x ******** y ********"


def test_short_and_non_string_values_are_not_secrets():
    scrubber = transport.SecretScrubber(["GET", None, 1234, "   x   "])
    assert scrubber.scrub("GET 1234 x") == "GET 1234 x"
    assert scrubber.scrub(None) is None


# ---------------------------------------------------------------- whitespace

@pytest.mark.parametrize("value, problem", [
    ("pw", None),
    ("", None),
    (None, None),
    (" pw", "sf_password starts with whitespace"),
    ("pw\n", "sf_password ends with whitespace"),
    ("p w", "sf_password contains whitespace"),
    ("p\u00a0w", "sf_password contains whitespace"),
    ("\tp w ", "sf_password starts with and ends with and contains whitespace"),
])
def test_whitespace_problem_names_option_and_place_never_the_value(value, problem):
    assert transport.whitespace_problem("sf_password", value) == problem


# ---------------------------------------------------------------- https only

@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1",
                                  "::FFFF:127.0.0.2"])
def test_loopback_hosts(host):
    assert transport.is_loopback(host)


@pytest.mark.parametrize("host", ["10.0.0.5", "128.0.0.1", "::2", "::ffff:10.0.0.5", "localhost.evil.example",
                                  "0.0.0.0", "", None])
def test_other_hosts_are_not_loopback(host):
    assert not transport.is_loopback(host)


@pytest.mark.parametrize("url", ["https://acme.okta.com", "http://localhost:9000", "http://127.0.0.1", "http://[::1]:8443",
                                 "http://[::ffff:127.0.0.1]:8443", "HTTPS://Acme.my.salesforce.com"])
def test_https_and_loopback_http_are_allowed(url):
    assert transport.plain_http_problem("sf_login_url", url) is None


def test_plain_http_elsewhere_is_refused_without_echoing_the_url():
    problem = transport.plain_http_problem("org_url", "http://admin:hunter2secret@acme.okta.com")
    assert problem.startswith("org_url uses plain http, which would send the credentials unencrypted: use https.")
    assert "loopback" in problem and "hunter2secret" not in problem


# ---------------------------------------------------------------- transport errors

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _error_of(url, **kwargs):
    with pytest.raises(requests.exceptions.RequestException) as caught:
        requests.get(url, **kwargs)
    return caught.value


@pytest.fixture
def silent_server():
    """Accepts connections and reads, but never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        yield server.getsockname()[1]


@pytest.fixture
def hanging_up_server():
    """Reads the request, then closes the connection without an answer."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve():
        for _attempt in range(2):
            try:
                connection, _address = server.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()


def test_connection_refused_is_could_not_connect_and_not_sent():
    port = _free_port()
    error = _error_of(f"http://127.0.0.1:{port}/api/v1/users/secret-path", timeout=5)
    failure = transport.transport_failure(error, f"127.0.0.1:{port}", 5)
    assert failure.kind == "connect" and transport.not_sent(error)
    assert failure.reason.startswith(f"could not connect to 127.0.0.1:{port}: ")
    assert "Connection refused" in failure.reason
    assert "object at 0x" not in failure.reason and "secret-path" not in failure.reason
    assert failure.sentence == failure.reason[0].upper() + failure.reason[1:] + "."


def test_no_answer_is_a_timeout(silent_server):
    error = _error_of(f"http://127.0.0.1:{silent_server}/", timeout=0.2)
    failure = transport.transport_failure(error, f"127.0.0.1:{silent_server}", 0.2)
    assert failure == transport.TransportFailure("timeout", f"no answer from 127.0.0.1:{silent_server} within 0.2 s")
    assert not transport.not_sent(error)


def test_a_closed_connection_after_sending_is_a_connection_error(hanging_up_server):
    error = _error_of(f"http://127.0.0.1:{hanging_up_server}/", timeout=5)
    failure = transport.transport_failure(error, f"127.0.0.1:{hanging_up_server}", 5)
    assert failure.kind == "connection" and not transport.not_sent(error)
    assert failure.reason == (f"connection error with 127.0.0.1:{hanging_up_server}: "
                              "Remote end closed connection without response")


def test_tls_to_a_server_that_does_not_speak_it_is_a_tls_failure(httpserver):
    httpserver.expect_request("/").respond_with_data("plain http")
    error = _error_of(f"https://127.0.0.1:{httpserver.port}/", timeout=5)
    failure = transport.transport_failure(error, f"127.0.0.1:{httpserver.port}", 5)
    assert failure.kind == "tls" and not transport.not_sent(error)
    assert failure.reason.startswith(f"TLS verification of 127.0.0.1:{httpserver.port} failed: ")
    assert failure.sentence.startswith("TLS verification of")


@pytest.mark.parametrize("kind, words", [
    ("tls", ("set ca_path to that CA's PEM file", "validate_certs to false only")),
    ("tls_hostname", ("Give org_url the host name the certificate was issued for", "ca_path cannot fix")),
    ("tls_expired", ("renew its certificate", "check this host's clock", "ca_path cannot fix")),
    ("timeout", ("reach the server org_url names", "raise timeout")),
    ("connect", ("Check org_url and that this host can reach it (DNS, proxy, firewall).",)),
    ("connection", ("Try again",)),
])
def test_advice_names_the_callers_options(kind, words):
    advice = transport.transport_advice(kind, OKTA)
    assert all(word in advice for word in words), advice
    assert "sf_" not in advice
    assert kind in transport.TRANSPORT_KINDS


# ---------------------------------------------------------------- the security token appended to the password

def test_a_password_that_ends_with_the_token_is_named_without_either_value():
    problem = transport.token_appended_problem("Pw-canary-1234" + "TokCanary99", "TokCanary99")
    assert problem.startswith("sf_password already ends with sf_security_token: give the password alone")
    assert "Pw-canary" not in problem and "TokCanary99" not in problem


@pytest.mark.parametrize("password, token", [("Pw-canary-1234", "TokCanary99"), ("Pw-canary-1234", None),
                                             ("Pw-canary-1234", ""), (None, "TokCanary99")])
def test_a_password_without_the_token_on_its_end_is_fine(password, token):
    assert transport.token_appended_problem(password, token) is None


# ---------------------------------------------------------------- TLS failures that ca_path cannot fix

@pytest.mark.parametrize("text, kind", [
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'x'.", "tls_hostname"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'.",
     "tls_hostname"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1000)", "tls_expired"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate", "tls"),
])
def test_a_name_mismatch_or_an_expired_certificate_is_its_own_kind(text, kind):
    failure = transport.transport_failure(requests.exceptions.SSLError(text), "acme.okta.com", 5)
    assert failure.kind == kind
    assert failure.reason.startswith("TLS verification of acme.okta.com failed: ")


@pytest.mark.parametrize("code, kind", [(62, "tls_hostname"), (64, "tls_hostname"), (10, "tls_expired"), (20, "tls")])
def test_the_kind_is_read_from_openssls_verify_code(code, kind):
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cause.verify_code = code
    error = requests.exceptions.SSLError(cause)
    assert transport.transport_failure(error, "acme.okta.com", 5).kind == kind
