"""OktaClient against a real HTTP server on loopback (pytest-httpserver): retries, rate limits, paging, errors."""
from __future__ import annotations

import http.server
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from urllib.parse import quote_plus

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug import Response

from tests.simulator import Simulator
from tests.unit.plugins.module_utils.fake_time import FakeTime

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import (
    OktaApiError,
    OktaClient,
    OktaConfigError,
    next_link,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_rate_limits import RESET_MARGIN

TOKEN = "00SSWS-canary-token-7f3a9c2e51d8b4"
SF_PASSWORD = "Sf-canary-Passw0rd!"
SF_SECURITY_TOKEN = "SecTokCanary9qXz"
NOW = 1_750_000_000.0


@pytest.fixture
def fake_time():
    return FakeTime(NOW)


@pytest.fixture
def server_date(monkeypatch):
    """Fix the Date header the test server sends (http.server adds it to every answer)."""
    def set_date(epoch):
        monkeypatch.setattr(http.server.BaseHTTPRequestHandler, "date_time_string",
                            lambda self, timestamp=None: formatdate(epoch, usegmt=True))
    return set_date


def make_client(httpserver, fake_time=None, **kwargs):
    options = {"api_token": TOKEN}
    if fake_time is not None:
        options.update(sleep=fake_time.sleep, clock=fake_time.clock)
    options.update(kwargs)
    return OktaClient(httpserver.url_for("/"), **options)


def json_response(body, status=200, headers=None):
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- rate limits -------------------------------------------------------------------------------------

def test_429_waits_until_reset_by_server_date_then_retries_with_retry_headers(httpserver, fake_time, server_date):
    reset = int(NOW) + 100
    server_date(reset - 7)  # the server's clock says the window resets in 7 s
    seen = []

    def handler(request):
        seen.append(dict(request.headers))
        if len(seen) == 1:
            return json_response({"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."},
                                 status=429, headers={"X-Okta-Request-Id": "req-429-a", "X-Rate-Limit-Limit": "100",
                                                      "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset)})
        return json_response({"id": "0oa1"}, headers={"X-Okta-Request-Id": "req-ok", "X-Rate-Limit-Limit": "100",
                                                      "X-Rate-Limit-Remaining": "99", "X-Rate-Limit-Reset": str(reset + 60)})

    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_handler(handler)
    client = make_client(httpserver, fake_time)

    assert client.get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    # The server's clock read at least Reset - 7 s when it answered: 7 s and a margin are enough (the contract's
    # Reset - Date + 1 s would be 8 s), although the local clock is far off.
    assert fake_time.sleeps == [pytest.approx(7 + RESET_MARGIN)]
    assert "X-Okta-Retry-For" not in seen[0]
    assert seen[1]["X-Okta-Retry-For"] == "req-429-a"
    assert seen[1]["X-Okta-Retry-Count"] == "1"
    assert client.calls == {"GET": 2}
    assert client.rate_limit.remaining == 99


def test_429_on_post_is_retried_because_okta_did_not_act(httpserver, fake_time, server_date):
    server_date(NOW)
    rate_limited = {"X-Rate-Limit-Reset": str(int(NOW) + 2), "X-Okta-Request-Id": "r1"}
    answers = [json_response({"errorCode": "E0000047"}, status=429, headers=rate_limited),
               json_response({"id": "0oanew"}, status=200)]
    httpserver.expect_request("/api/v1/apps", method="POST").respond_with_handler(lambda request: answers.pop(0))
    client = make_client(httpserver, fake_time)

    assert client.post("/api/v1/apps", json={"name": "salesforce"}) == {"id": "0oanew"}
    assert client.calls == {"POST": 2}
    assert fake_time.sleeps == [pytest.approx(2 + RESET_MARGIN)]


def test_429_until_retries_run_out_is_an_error(httpserver, fake_time, server_date):
    server_date(NOW)
    httpserver.expect_request("/api/v1/users").respond_with_json(
        {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."},
        status=429, headers={"X-Rate-Limit-Reset": str(int(NOW) + 5), "X-Okta-Request-Id": "rl"})
    client = make_client(httpserver, fake_time, max_retries=2)

    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/users")
    assert caught.value.status == 429
    assert caught.value.error_code == "E0000047"
    assert "gave up after 3 attempts" in str(caught.value)
    assert client.calls == {"GET": 3}


def test_low_budget_is_spent_then_the_next_request_waits_for_the_reset(httpserver, fake_time, server_date):
    server_date(NOW)
    remaining = iter(["2", "1", "99"])   # the server counts each request; the third is in the next window
    httpserver.expect_request("/api/v1/apps").respond_with_handler(lambda request: json_response(
        [], headers={"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": next(remaining),
                     "X-Rate-Limit-Reset": str(int(NOW) + 10)}))
    client = make_client(httpserver, fake_time)

    client.get("/api/v1/apps")
    client.get("/api/v1/apps")
    assert fake_time.sleeps == []  # the budget lasts: no spreading
    client.get("/api/v1/apps")
    assert fake_time.sleeps == [pytest.approx(10 + RESET_MARGIN)]  # one request kept in reserve: wait for the reset
    assert client.calls == {"GET": 3}


def test_plenty_of_budget_means_no_waiting(httpserver, fake_time, server_date):
    server_date(NOW)
    httpserver.expect_request("/api/v1/apps").respond_with_json(
        [], headers={"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "80", "X-Rate-Limit-Reset": str(int(NOW) + 10)})
    client = make_client(httpserver, fake_time)
    for _attempt in range(5):
        client.get("/api/v1/apps")
    assert fake_time.sleeps == []


# -- retries -----------------------------------------------------------------------------------------

def test_non_idempotent_post_is_not_retried_after_a_5xx(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps/0oa1/users", method="POST").respond_with_json(
        {"errorCode": "E0000009", "errorSummary": "Internal Server Error"}, status=500, headers={"X-Okta-Request-Id": "r500"})
    client = make_client(httpserver, fake_time)

    with pytest.raises(OktaApiError) as caught:
        client.post("/api/v1/apps/0oa1/users", json={"id": "00u1", "scope": "USER"})
    assert caught.value.status == 500
    assert len(httpserver.log) == 1
    assert client.calls == {"POST": 1}
    assert fake_time.sleeps == []


def test_get_and_idempotent_post_are_retried_after_a_5xx(httpserver, fake_time):
    for method in ("GET", "POST"):
        answers = [Response("busy", status=503), json_response({"ok": method})]
        httpserver.expect_request("/api/v1/thing", method=method).respond_with_handler(lambda request, a=answers: a.pop(0))
    client = make_client(httpserver, fake_time)

    assert client.get("/api/v1/thing") == {"ok": "GET"}
    assert client.post("/api/v1/thing", json={}, idempotent=True) == {"ok": "POST"}
    assert client.calls == {"GET": 2, "POST": 2}
    assert len(fake_time.sleeps) == 2 and all(0 < s <= 0.5 for s in fake_time.sleeps)


def test_backoff_grows_and_gives_up_after_max_retries(httpserver, fake_time):
    httpserver.expect_request("/api/v1/thing").respond_with_data("down", status=502)
    client = make_client(httpserver, fake_time, max_retries=3)

    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/thing")
    assert caught.value.status == 502
    assert client.calls == {"GET": 4}
    assert len(fake_time.sleeps) == 3
    assert fake_time.sleeps[0] < fake_time.sleeps[2]  # 0.25-0.5 s, then 1-2 s


def test_post_is_retried_when_the_connection_was_refused_before_sending(fake_time):
    client = OktaClient(f"http://127.0.0.1:{free_port()}", api_token=TOKEN, max_retries=2,
                        sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(OktaApiError) as caught:
        client.post("/api/v1/apps", json={"name": "salesforce"})
    assert caught.value.status is None
    assert "could not connect to 127.0.0.1:" in str(caught.value)
    assert "(gave up after 3 attempts). Check org_url and that this host can reach it" in str(caught.value)
    assert client.calls == {"POST": 3}


def test_post_is_not_retried_after_a_read_timeout_but_get_is(httpserver, fake_time):
    def slow(request):
        time.sleep(0.6)
        return json_response({})

    httpserver.expect_request("/api/v1/slow").respond_with_handler(slow)
    client = make_client(httpserver, fake_time, timeout=0.2, max_retries=1)

    with pytest.raises(OktaApiError) as caught:
        client.post("/api/v1/slow", json={})
    assert f"no answer from {httpserver.host}:{httpserver.port} within 0.2 s." in str(caught.value)
    assert "raise timeout" in str(caught.value)
    assert client.calls == {"POST": 1}

    with pytest.raises(OktaApiError):
        client.get("/api/v1/slow")
    assert client.calls == {"POST": 1, "GET": 2}


# -- pagination --------------------------------------------------------------------------------------

def test_paginate_follows_link_next_exactly_over_three_pages(httpserver, fake_time):
    base = httpserver.url_for("/").rstrip("/")
    # Opaque cursors, written the way the server chose: %7E and %41 must not be "normalised" to ~ and A.
    page2 = f"{base}/api/v1/users?after=00u%7Ecursor%2B2%3D%3D&limit=2"
    page3 = f"{base}/api/v1/users?limit=2&after=%41bc;def,ghi"
    pages = {
        b"limit=2": ([{"id": "u1"}, {"id": "u2"}], f'<{base}/api/v1/users?limit=2>; rel="self", <{page2}>; rel="next"'),
        page2.split("?", 1)[1].encode(): ([{"id": "u3"}, {"id": "u4"}], f'<{page2}>; rel="self", <{page3}>; rel="next"'),
        page3.split("?", 1)[1].encode(): ([{"id": "u5"}], f'<{page3}>; rel="self"'),
    }
    queries = []

    def handler(request):
        queries.append(request.query_string)
        items, link = pages[request.query_string]
        return json_response(items, headers={"Link": link})

    httpserver.expect_request("/api/v1/users").respond_with_handler(handler)
    client = make_client(httpserver, fake_time)

    ids = [user["id"] for user in client.paginate("/api/v1/users", params={"limit": 2})]
    assert ids == ["u1", "u2", "u3", "u4", "u5"]
    assert queries == list(pages)


def test_paginate_refuses_a_next_link_to_another_host(httpserver, fake_time):
    elsewhere = f"http://127.0.0.1:{free_port()}/api/v1/users?after=x"
    httpserver.expect_request("/api/v1/users").respond_with_json([{"id": "u1"}], headers={"Link": f'<{elsewhere}>; rel="next"'})
    client = make_client(httpserver, fake_time)

    with pytest.raises(OktaApiError) as caught:
        list(client.paginate("/api/v1/users"))
    assert "outside the org" in str(caught.value)
    assert client.calls == {"GET": 1}


def test_paginate_stops_on_a_link_loop(httpserver, fake_time):
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/api/v1/groups").respond_with_json(
        [{"id": "g1"}], headers={"Link": f'<{base}/api/v1/groups?after=g1>; rel="next"'})
    client = make_client(httpserver, fake_time)
    with pytest.raises(OktaApiError, match="points back to a page already read"):
        list(client.paginate("/api/v1/groups"))
    assert client.calls == {"GET": 2}


def test_next_link_parsing():
    assert next_link('<https://a.okta.com/x?after=1>; rel="self", <https://a.okta.com/x?after=2>; rel="next"') == \
        "https://a.okta.com/x?after=2"
    assert next_link('<https://a.okta.com/x?after=1>; rel="self"') is None
    assert next_link(None) is None
    assert next_link("<https://a.okta.com/x?a=b;c,d>; rel=next") == "https://a.okta.com/x?a=b;c,d"


# -- errors and secrets ------------------------------------------------------------------------------

def test_error_message_is_one_line_with_code_summary_causes_and_request_id(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps/0oa1/connections/default", method="POST").respond_with_json(
        {"errorCode": "E0000001", "errorSummary": "Api validation failed: profile", "errorId": "oaeX",
         "errorCauses": [{"errorSummary": "Provisioning is not enabled for the app instance."}]},
        status=400, headers={"X-Okta-Request-Id": "XyZ"})
    client = make_client(httpserver, fake_time)

    with pytest.raises(OktaApiError) as caught:
        client.post("/api/v1/apps/0oa1/connections/default", json={}, params={"activate": "true"})
    error = caught.value
    assert str(error) == ("Okta API error E0000001 (HTTP 400) on POST /api/v1/apps/0oa1/connections/default: "
                          "Api validation failed: profile. Causes: Provisioning is not enabled for the app instance. "
                          "Request id: XyZ")
    assert (error.status, error.error_code, error.request_id, error.path) == (400, "E0000001", "XyZ", "/api/v1/apps/0oa1/connections/default")
    assert error.causes == ["Provisioning is not enabled for the app instance."]


def _all_text(error):
    return " ".join([str(error), repr(error), json.dumps(error.to_dict()), " ".join(map(str, error.args))])


def _forms(secret):
    return [secret, quote_plus(secret)]


def test_4xx_body_echoing_secrets_is_scrubbed(httpserver, fake_time):
    joined = SF_PASSWORD + SF_SECURITY_TOKEN
    httpserver.expect_request("/api/v1/apps/0oa1/connections/default", method="POST").respond_with_json(
        {"errorCode": "E0000001", "errorSummary": f"Bad token SSWS {TOKEN} for {joined}",
         "errorCauses": [{"errorSummary": f"password={quote_plus(SF_PASSWORD)}"}, {"errorSummary": SF_SECURITY_TOKEN}]},
        status=400, headers={"X-Okta-Request-Id": "r4"})
    client = make_client(httpserver, fake_time)
    for secret in (SF_PASSWORD, SF_SECURITY_TOKEN, joined):
        client.add_secret(secret)

    with pytest.raises(OktaApiError) as caught:
        client.post("/api/v1/apps/0oa1/connections/default", json={"profile": {"token": joined}})
    text = _all_text(caught.value)
    for secret in (TOKEN, SF_PASSWORD, SF_SECURITY_TOKEN):
        for form in _forms(secret):
            assert form not in text
    assert "********" in text and "r4" in text


def test_non_json_5xx_body_echoing_the_token_is_scrubbed(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps").respond_with_data(f"<html>proxy saw Authorization: SSWS {TOKEN}</html>",
                                                                status=502, content_type="text/html")
    client = make_client(httpserver, fake_time, max_retries=0)
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps")
    assert TOKEN not in _all_text(caught.value)
    assert "proxy saw" in str(caught.value)


def test_transport_error_never_shows_a_secret(fake_time):
    client = OktaClient(f"http://127.0.0.1:{free_port()}", api_token=TOKEN, max_retries=1,
                        sleep=fake_time.sleep, clock=fake_time.clock)
    client.add_secret(SF_PASSWORD)
    with pytest.raises(OktaApiError) as caught:
        client.get(f"/api/v1/users/{SF_PASSWORD}", params={"q": SF_PASSWORD, "t": TOKEN})
    text = _all_text(caught.value)
    for secret in (TOKEN, SF_PASSWORD):
        for form in _forms(secret):
            assert form not in text
    assert caught.value.status is None
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_short_values_are_not_registered_as_secrets(httpserver, fake_time):
    client = make_client(httpserver, fake_time)
    client.add_secret("GET")
    client.add_secret(None)
    assert client.scrub("GET /api/v1/apps") == "GET /api/v1/apps"


# -- transport rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://acme.okta.com", "http://10.0.0.5:8080", "http://localhost.evil.example",
                                 "http://[::2]", "http://128.0.0.1", "http://[::ffff:10.0.0.5]"])
def test_plain_http_to_a_non_loopback_host_is_refused(url):
    with pytest.raises(OktaConfigError, match="plain http.*use https.*loopback"):
        OktaClient(url, api_token=TOKEN)


@pytest.mark.parametrize("url, normalised", [
    ("http://127.0.0.1:8443/", "http://127.0.0.1:8443"),
    ("http://127.9.9.9", "http://127.9.9.9"),
    ("http://[::1]:9000", "http://[::1]:9000"),
    ("http://[::ffff:127.0.0.1]:9000", "http://[::ffff:127.0.0.1]:9000"),
    ("http://LOCALHOST:1", "http://localhost:1"),
    ("https://Acme.Okta.com/", "https://acme.okta.com"),
    ("https://login.example.org", "https://login.example.org"),
])
def test_https_and_loopback_http_are_accepted(url, normalised):
    assert OktaClient(url, api_token=TOKEN).org_url == normalised


@pytest.mark.parametrize("url, message", [
    ("https://acme.okta.com/api/v1", "has a path"),
    ("acme.okta.com", "not an http"),
    ("ftp://acme.okta.com", "not an http"),
    ("", "org_url is required"),
    (None, "org_url is required"),
])
def test_malformed_org_urls_are_refused(url, message):
    with pytest.raises(OktaConfigError, match=message):
        OktaClient(url, api_token=TOKEN)


def test_org_url_with_credentials_is_refused_without_echoing_them():
    with pytest.raises(OktaConfigError) as caught:
        OktaClient("https://admin:hunter2secret@acme.okta.com", api_token=TOKEN)
    assert "hunter2secret" not in str(caught.value)


def test_unreadable_ca_path_is_a_config_error(tmp_path):
    with pytest.raises(OktaConfigError, match="Cannot read ca_path"):
        OktaClient("https://acme.okta.com", api_token=TOKEN, ca_path=str(tmp_path / "missing.pem"))


def test_requests_carry_auth_user_agent_and_json(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps/0oa1", method="PUT", json={"label": "x"}).respond_with_json({"label": "x"})
    with make_client(httpserver, fake_time) as client:
        assert client.put("/api/v1/apps/0oa1", json={"label": "x"}) == {"label": "x"}
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == f"SSWS {TOKEN}"
    assert request.headers["User-Agent"].startswith("idm.okta_salesforce ansible-core/")
    assert request.headers["Accept"] == "application/json"


def test_netrc_credentials_never_replace_the_okta_authorization(httpserver, fake_time, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login someone password netrc-secret\nmachine 127.0.0.1 login someone password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    httpserver.expect_request("/api/v1/apps").respond_with_json([])
    make_client(httpserver, fake_time).get("/api/v1/apps")
    assert httpserver.log[0][0].headers["Authorization"] == f"SSWS {TOKEN}"


def test_delete_and_204_return_none_and_calls_are_counted_by_method(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps/0oa1/users/00u1", method="DELETE").respond_with_data("", status=204)
    httpserver.expect_request("/api/v1/apps/0oa1", method="GET").respond_with_json({"id": "0oa1"})
    client = make_client(httpserver, fake_time)
    assert client.delete("/api/v1/apps/0oa1/users/00u1", params={"sendEmail": "false"}) is None
    client.get("/api/v1/apps/0oa1")
    client.get("/api/v1/apps/0oa1")
    assert client.calls == {"GET": 2, "DELETE": 1}
    assert client.api_calls == 3
    assert httpserver.log[0][0].query_string == b"sendEmail=false"


def test_query_parameters_use_percent_20_and_lower_case_booleans(httpserver, fake_time):
    httpserver.expect_request("/api/v1/users").respond_with_json([])
    client = make_client(httpserver, fake_time)
    client.get("/api/v1/users", params={"search": 'profile.login eq "a b@x.com"', "limit": 200, "activate": True, "after": None})
    client.get(httpserver.url_for("/api/v1/users?limit=5"), params={"sendEmail": False})
    assert [entry[0].query_string for entry in httpserver.log] == [
        b"search=profile.login%20eq%20%22a%20b%40x.com%22&limit=200&activate=true", b"limit=5&sendEmail=false"]


def test_redirects_are_not_followed(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps").respond_with_data("", status=302, headers={"Location": "https://elsewhere.example/login"})
    client = make_client(httpserver, fake_time)
    with pytest.raises(OktaApiError, match="unexpected redirect to https://elsewhere.example/login: check org_url"):
        client.get("/api/v1/apps")
    assert len(httpserver.log) == 1


def test_a_success_answer_that_is_not_json_is_an_error(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps").respond_with_data("<html>login page</html>", content_type="text/html")
    client = make_client(httpserver, fake_time)
    with pytest.raises(OktaApiError, match="not JSON.*org_url"):
        client.get("/api/v1/apps")


def test_one_client_shared_by_eight_threads_counts_every_call(httpserver):
    httpserver.expect_request("/api/v1/users").respond_with_json(
        {"ok": True}, headers={"X-Rate-Limit-Limit": "10000", "X-Rate-Limit-Remaining": "9000",
                               "X-Rate-Limit-Reset": str(int(time.time()) + 60)})
    client = make_client(httpserver)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _index: client.get("/api/v1/users"), range(120)))
    assert results == [{"ok": True}] * 120
    assert client.calls == {"GET": 120}
    assert client.rate_limit.limit == 10000


# -- the OAuth token request inside the retry loop -----------------------------------------------------

def test_every_attempt_of_the_token_request_is_built_anew_and_none_counts_as_a_write(httpserver, fake_time):
    """`_send` calls the token request's builder per attempt: a retry after a 5xx carries a new assertion (jti)."""
    forms = []

    def token(request):
        forms.append(request.form.to_dict())
        if len(forms) == 1:
            return json_response({"errorCode": "E0000009", "errorSummary": "Internal Server Error"}, status=503)
        return json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": "tok-1"})

    httpserver.expect_request("/oauth2/v1/token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/api/v1/apps", method="POST").respond_with_json({"id": "0oa1"})
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    client = make_client(httpserver, fake_time, api_token=None, client_id="0oaservice0001", private_key=pem)

    assert client.post("/api/v1/apps", json={"name": "salesforce"}) == {"id": "0oa1"}
    jtis = [jwt.decode(form["client_assertion"], options={"verify_signature": False})["jti"] for form in forms]
    assert len(jtis) == 2 and jtis[0] != jtis[1]
    assert client.calls == {"POST": 3}
    assert client.writes_accepted == 1   # the app POST; the two token requests are not writes


def test_a_501_is_final_and_never_resent(httpserver, fake_time):
    httpserver.expect_request("/api/v1/apps/0oa1/features/USER_PROVISIONING").respond_with_json(
        {"errorCode": "E0000009", "errorSummary": "Not Implemented"}, status=501)
    client = make_client(httpserver, fake_time)
    with pytest.raises(OktaApiError) as raised:
        client.get("/api/v1/apps/0oa1/features/USER_PROVISIONING")
    assert raised.value.status == 501 and len(httpserver.log) == 1 and fake_time.sleeps == []


# -- org URL mistakes ------------------------------------------------------------------------------

@pytest.mark.parametrize("url, org", [
    ("https://acme-admin.okta.com", "https://acme.okta.com"),
    ("https://ACME-admin.oktapreview.com/", "https://acme.oktapreview.com"),
    ("https://acme-admin.okta-emea.com/admin/dashboard", "https://acme.okta-emea.com"),
])
def test_an_admin_console_url_is_refused_with_the_org_url_to_use(url, org):
    with pytest.raises(OktaConfigError) as caught:
        OktaClient(url, api_token=TOKEN)
    assert "Admin Console" in str(caught.value) and str(caught.value).endswith(f"Use org_url {org}.")


@pytest.mark.parametrize("url", ["https://acme.okta.com", "https://okta-admin.acme.example", "https://x-admin.acme.okta.com"])
def test_other_hosts_with_admin_in_them_are_org_urls(url):
    assert OktaClient(url, api_token=TOKEN).org_url == url


def test_plain_http_to_a_tls_port_fails_at_the_first_attempt_and_says_so(tmp_path, fake_time):
    with Simulator(workdir=tmp_path) as sim:
        client = OktaClient(sim.url.replace("https://", "http://"), api_token=TOKEN, max_retries=4,
                            sleep=fake_time.sleep, clock=fake_time.clock)
        with pytest.raises(OktaApiError) as caught:
            client.get("/api/v1/apps")
        assert sim.request_log() == []
    host = sim.url.split("//")[1]
    assert str(caught.value) == (f"Okta API request GET /api/v1/apps failed: the server at {host} speaks TLS on that "
                                 f"port and dropped the plain-http request: the URL must be https://{host}. "
                                 "Use https:// in org_url.")
    assert client.calls == {"GET": 1} and fake_time.sleeps == []


def test_a_plain_http_server_that_drops_the_connection_is_still_retried(fake_time):
    """No TLS behind the port: the probe's handshake fails, so this is an ordinary connection error."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.settimeout(5)
        port = server.getsockname()[1]

        def drop_all():
            for _attempt in range(4):   # three requests and the probe
                try:
                    connection, _address = server.accept()
                except OSError:
                    return
                connection.recv(1024)
                connection.close()
        with ThreadPoolExecutor(1) as pool:
            pool.submit(drop_all)
            client = OktaClient(f"http://127.0.0.1:{port}", api_token=TOKEN, max_retries=2,
                                sleep=fake_time.sleep, clock=fake_time.clock)
            with pytest.raises(OktaApiError) as caught:
                client.get("/api/v1/apps")
    assert client.calls == {"GET": 3}
    assert "gave up after 3 attempts" in str(caught.value) and "TLS" not in str(caught.value)


def test_the_environment_is_read_once_per_origin_not_for_every_request(httpserver, monkeypatch):
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json({"id": "0oa1"})
    client = make_client(httpserver)
    reads = []
    read_environment = client._session.merge_environment_settings
    monkeypatch.setattr(client._session, "merge_environment_settings",
                        lambda url, *args: reads.append(url) or read_environment(url, *args))
    for _request in range(5):
        assert client.get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    assert len(reads) == 1


def test_a_proxy_from_the_environment_is_still_used(httpserver, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        proxy_port = closed.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpserver.expect_request("/api/v1/apps/0oa1").respond_with_json({"id": "0oa1"})
    client = make_client(httpserver, max_retries=0)
    with pytest.raises(OktaApiError) as caught:
        client.get("/api/v1/apps/0oa1")
    assert caught.value.status is None and not httpserver.log


@pytest.mark.parametrize("options, words", [
    ({"timeout": 0}, ("timeout must be a number of seconds above 0, not 0",)),
    ({"timeout": -5}, ("timeout must be", "not -5")),
    ({"max_retries": -1}, ("max_retries must be 0 or more, not -1",)),
])
def test_a_timeout_or_max_retries_out_of_range_is_refused_not_corrected(options, words):
    with pytest.raises(OktaConfigError) as raised:
        OktaClient("https://acme.okta.com", api_token="00canary-token-1234", **options)
    assert all(word in str(raised.value) for word in words), str(raised.value)
