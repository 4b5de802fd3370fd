"""Unit tests of the modelled Salesforce API-integration adapter.

A small recording client stands in for OktaClient: it answers the connection calls with the shapes of
the contract (section 3) or raises OktaApiError as OktaClient does, and remembers what was sent.
"""
from __future__ import annotations

import json

import pytest
from werkzeug import Response

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _okta_api_integration as sfc
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, OktaClient
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import login_fault_remedy

ORG_URL = "https://acme.okta.com"
APP_ID = "0oasalesforce0001"
CONNECTION = f"/api/v1/apps/{APP_ID}/connections/default"
ADMIN_URL = f"https://acme-admin.okta.com/admin/app/salesforce/instance/{APP_ID}/#tab-user-management"


class RecordingClient:
    """Answers from `answers` ({(method, path): body, OktaApiError, or a list of them, one per call}) and records
    every call. A callable answer is called first (to change what later reads see) and its result used."""

    def __init__(self, answers):
        self.org_url = ORG_URL
        self.answers = answers
        self.sent = []
        self.secrets = []

    def add_secret(self, value):
        self.secrets.append(value)

    def _answer(self, method, path, **kwargs):
        self.sent.append((method, path, kwargs))
        answer = self.answers[(method, path)]
        if isinstance(answer, list):
            answer = answer.pop(0)
        if callable(answer) and not isinstance(answer, Exception):
            answer = answer()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def calls(self, method, path):
        return [call for call in self.sent if (call[0], call[1]) == (method, path)]

    def get(self, path, params=None):
        return self._answer("GET", path, params=params)

    def post(self, path, json=None, params=None, idempotent=False):  # pylint: disable=redefined-outer-name
        return self._answer("POST", path, json=json, params=params, idempotent=idempotent)


def okta_400(causes, summary="Api validation failed: connection"):
    return OktaApiError(status=400, error_code="E0000001", summary=summary, causes=causes,
                        request_id="req-42", method="POST", path=CONNECTION)


ENABLED_ANSWER = {
    "authScheme": "TOKEN", "status": "ENABLED",
    "profile": {"authScheme": "TOKEN", "username": "okta.api@acme.com", "allowPushNullValues": False},
}


# ---- credentials input ----------------------------------------------------------------------

def test_join_credentials_puts_the_token_right_after_the_password():
    assert sfc.join_credentials("Passw0rd!", "TOKEN123") == "Passw0rd!TOKEN123"
    assert sfc.join_credentials("Passw0rd!", None) == "Passw0rd!"


@pytest.mark.parametrize("password, token, option", [
    (" Passw0rd!", "TOKEN123", "sf_password"),
    ("Passw0rd! ", "TOKEN123", "sf_password"),
    ("Pass w0rd!", "TOKEN123", "sf_password"),
    ("Passw0rd!", "TOKEN123\n", "sf_security_token"),
    ("Passw0rd!", "TOK\tEN123", "sf_security_token"),
])
def test_whitespace_in_or_around_a_secret_is_refused_without_showing_it(password, token, option):
    with pytest.raises(sfc.CredentialsInputError) as raised:
        sfc.join_credentials(password, token)
    message = str(raised.value)
    assert option in message and "whitespace" in message and f"remove it from {option}" in message
    assert "w0rd" not in message and "EN123" not in message


def test_a_password_that_already_ends_with_the_token_is_refused_without_showing_either():
    with pytest.raises(sfc.CredentialsInputError) as raised:
        sfc.join_credentials("Passw0rd!TOKEN123", "TOKEN123")
    message = str(raised.value)
    assert message.startswith("sf_password already ends with sf_security_token") and "Nothing was sent to Okta" in message
    assert "w0rd" not in message and "EN123" not in message


def test_an_empty_password_is_refused():
    with pytest.raises(sfc.CredentialsInputError, match="sf_password is empty"):
        sfc.join_credentials("", "TOKEN123")


def test_username_with_whitespace_is_refused():
    with pytest.raises(sfc.CredentialsInputError, match="sf_username ends with whitespace .*'okta.api@acme.com'"):
        sfc.check_username("okta.api@acme.com ")
    sfc.check_username("okta.api@acme.com")
    sfc.check_username(None)


# ---- reading ----------------------------------------------------------------------------------

def test_read_connection_maps_the_modelled_shape():
    client = RecordingClient({("GET", CONNECTION): ENABLED_ANSWER})
    state = sfc.read_connection(client, APP_ID)
    assert state == sfc.ConnectionState("ENABLED", "TOKEN", "okta.api@acme.com", False)
    assert state.enabled and state.exposed
    assert state.as_result() == {"status": "ENABLED", "auth_scheme": "TOKEN", "username": "okta.api@acme.com",
                                 "allow_push_null_values": False, "version": "password_token", "consumer_key": None,
                                 "consent": None, "consent_url": None}


def test_read_connection_maps_the_oauth_version_and_its_consent_link():
    authorize = "https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVGkey"
    pending = {"status": "ENABLED", "profile": {"authScheme": "OAUTH2", "clientId": "3MVGkey"},
               "_links": {"authorize": {"href": authorize, "hints": {"allow": ["GET"]}}}}
    state = sfc.read_connection(RecordingClient({("GET", CONNECTION): pending}), APP_ID)
    assert (state.version, state.consent, state.consent_url if hasattr(state, "consent_url") else state.authorize_url) \
        == ("oauth", "pending", authorize)
    assert state.enabled and not state.working
    given = {"status": "ENABLED", "profile": {"authScheme": "OAUTH2", "clientId": "3MVGkey"}, "_links": {}}
    state = sfc.read_connection(RecordingClient({("GET", CONNECTION): given}), APP_ID)
    assert (state.version, state.consent, state.working) == ("oauth", "given", True)
    fresh = {"status": "DISABLED", "profile": {"authScheme": "OAUTH2"}}
    state = sfc.read_connection(RecordingClient({("GET", CONNECTION): fresh}), APP_ID)
    assert (state.version, state.consent, state.working) == ("oauth", None, False)


def test_an_org_without_the_api_answers_unknown_and_is_not_exposed():
    client = RecordingClient({("GET", CONNECTION): {"authScheme": "UNKNOWN", "status": "UNKNOWN",
                                                    "profile": {"authScheme": "UNKNOWN"}}})
    state = sfc.read_connection(client, APP_ID)
    assert not state.exposed and not state.enabled and state.username is None


# ---- saving -----------------------------------------------------------------------------------

def test_save_posts_the_modelled_body_with_activate_and_registers_the_secret():
    client = RecordingClient({("POST", CONNECTION): ENABLED_ANSWER})
    current = sfc.ConnectionState("DISABLED", "TOKEN")
    state = sfc.save_connection(client, APP_ID, "okta.api@acme.com", "Passw0rd!TOKEN123", False, current)
    method, path, sent = client.sent[0]
    assert (method, path) == ("POST", CONNECTION)
    assert sent["params"] == {"activate": "true"}
    assert sent["json"] == {"profile": {"authScheme": "TOKEN", "username": "okta.api@acme.com",
                                        "token": "Passw0rd!TOKEN123", "allowPushNullValues": False}}
    assert client.secrets == ["Passw0rd!TOKEN123"]
    assert state.enabled and state.username == "okta.api@acme.com"


def test_save_with_an_empty_answer_assumes_what_was_sent():
    client = RecordingClient({("POST", CONNECTION): None})
    state = sfc.save_connection(client, APP_ID, "okta.api@acme.com", "Passw0rd!TOKEN123", True,
                                sfc.ConnectionState("DISABLED", "TOKEN"))
    assert state == sfc.ConnectionState("ENABLED", "TOKEN", "okta.api@acme.com", True)


@pytest.mark.parametrize("cause, code", [
    ("Salesforce login failed: INVALID_LOGIN: Invalid username, password, security token; or user locked out.",
     "INVALID_LOGIN"),
    ("sf:API_CURRENTLY_DISABLED API is disabled for this User", "API_CURRENTLY_DISABLED"),
    ("sf:SOME_NEW_FAULT something Salesforce says", "SOME_NEW_FAULT"),
])
def test_a_salesforce_refusal_names_the_fault_code_and_request_id(cause, code):
    client = RecordingClient({("POST", CONNECTION): okta_400([cause])})
    with pytest.raises(sfc.CredentialsRejected) as raised:
        sfc.save_connection(client, APP_ID, "okta.api@acme.com", "Passw0rd!TOKEN123", False,
                            sfc.ConnectionState("DISABLED", "TOKEN"))
    error = raised.value
    assert error.fault_code == code
    assert code in str(error) and "req-42" in str(error) and "okta.api@acme.com" in str(error)
    assert f" {login_fault_remedy(code)} Okta request id: req-42." in str(error)
    assert "Passw0rd" not in str(error)
    assert error.fields["okta_error"]["request_id"] == "req-42"


def test_a_400_from_an_org_without_the_api_is_the_published_api_only_error():
    client = RecordingClient({("POST", CONNECTION): okta_400(["The app does not support this operation."])})
    with pytest.raises(sfc.PublishedApiOnly) as raised:
        sfc.save_connection(client, APP_ID, "okta.api@acme.com", "Passw0rd!TOKEN123", False,
                            sfc.ConnectionState("UNKNOWN", "UNKNOWN"))
    message = str(raised.value)
    assert "does not expose Salesforce provisioning through its API" in message
    assert ADMIN_URL in message and raised.value.admin_url == ADMIN_URL
    assert "manage_connection=false" in message and "req-42" in message


def test_other_okta_errors_pass_through_unchanged():
    error = okta_400(["profile.username: must not be blank"])
    client = RecordingClient({("POST", CONNECTION): error})
    with pytest.raises(OktaApiError) as raised:
        sfc.save_connection(client, APP_ID, "okta.api@acme.com", "Passw0rd!TOKEN123", False,
                            sfc.ConnectionState("DISABLED", "TOKEN"))
    assert raised.value is error


def test_okta_error_codes_are_not_taken_for_salesforce_faults():
    error = OktaApiError(status=400, error_code="E0000001", summary="Api validation failed: E0000001",
                         causes=["VALIDATION_ERROR in profile"], request_id="r", method="POST", path=CONNECTION)
    assert sfc.salesforce_fault_code(error) is None


# ---- lifecycle --------------------------------------------------------------------------------

def test_activate_and_deactivate_use_the_lifecycle_calls():
    client = RecordingClient({("POST", CONNECTION + "/lifecycle/activate"): None,
                              ("POST", CONNECTION + "/lifecycle/deactivate"): None})
    sfc.activate_connection(client, APP_ID)
    sfc.deactivate_connection(client, APP_ID)
    assert [(call[0], call[1]) for call in client.sent] == [
        ("POST", CONNECTION + "/lifecycle/activate"), ("POST", CONNECTION + "/lifecycle/deactivate")]
    assert all(call[2]["json"] is None for call in client.sent)


def test_published_api_only_message_without_an_okta_error():
    error = sfc.published_api_only(ORG_URL, APP_ID)
    assert "authScheme UNKNOWN" in str(error) and ADMIN_URL in str(error)


# ---- not exposed: one rule for every connection and features read ----------------------------

def okta_error(status, code=None, summary="refused", method="GET", path=CONNECTION, hint=None):
    return OktaApiError(status=status, error_code=code, summary=summary, request_id="req-7", method=method,
                        path=path, hint=hint)


@pytest.mark.parametrize("status, exposed", [
    (400, False), (403, False), (404, False), (405, False), (409, False), (501, False),
    (401, True), (407, True), (408, True), (429, True), (500, True), (502, True), (503, True), (None, True),
])
def test_which_answers_mean_not_exposed(status, exposed):
    assert sfc.not_exposed(okta_error(status)) is (not exposed)


@pytest.mark.parametrize("status, code", [(400, "E0000001"), (403, "E0000006"), (404, "E0000007"), (501, None)])
def test_a_refused_connection_read_is_an_unknown_state_that_keeps_the_answer(status, code):
    refusal = okta_error(status, code, summary="Not Implemented" if status == 501 else "refused")
    state = sfc.read_connection(RecordingClient({("GET", CONNECTION): refusal}), APP_ID)
    assert (state.status, state.auth_scheme, state.exposed) == ("UNKNOWN", "UNKNOWN", False)
    assert state.refusal is refusal
    assert f"the connection endpoint answered HTTP {status}" in state.not_exposed_reason
    assert "request id req-7" in state.not_exposed_reason


@pytest.mark.parametrize("status", [401, 429, 500, None])
def test_other_errors_of_the_connection_read_are_raised(status):
    error = okta_error(status)
    with pytest.raises(OktaApiError) as raised:
        sfc.read_connection(RecordingClient({("GET", CONNECTION): error}), APP_ID)
    assert raised.value is error


def test_a_403_says_it_may_also_be_a_missing_permission():
    refusal = okta_error(403, "E0000006", "You do not have permission to perform the requested action",
                         hint="This call needs the OAuth scope okta.apps.read.")
    text = sfc.refusal_text(refusal, "the connection endpoint")
    assert text.startswith("the connection endpoint answered HTTP 403 E0000006: You do not have permission")
    assert "Okta does not expose this call for the app, or that the credentials lack the permission" in text
    assert "okta.apps.read" in text
    assert "lack the permission" not in sfc.refusal_text(okta_error(404, "E0000007"), "x")
    error = sfc.published_api_only(ORG_URL, APP_ID, refusal, text)
    assert str(error).startswith("This Okta org does not expose Salesforce provisioning through its API, or the "
                                 "credentials lack the permission for it (the connection endpoint answered HTTP 403")
    assert ADMIN_URL in str(error) and str(error).count("req-7") == 1


def test_published_api_only_after_creating_the_app_names_it_and_says_what_to_do_next():
    app = {"id": APP_ID, "label": "Salesforce UAT", "admin_url": ADMIN_URL}
    error = sfc.published_api_only(ORG_URL, APP_ID, None, "it answers authScheme UNKNOWN", created_app=app)
    message = str(error)
    assert message.startswith(f"Created the Salesforce app 'Salesforce UAT' (id {APP_ID})")
    assert ADMIN_URL in message and f"app_id={APP_ID}" in message and "manage_connection=false" in message
    assert error.result_fields()["app"] == app and error.admin_url == ADMIN_URL


# ---- saving safely: a Salesforce login per save ------------------------------------------------

USER = "okta.api@acme.com"
SECRET = "Passw0rd!TOKEN123"
DISABLED = sfc.ConnectionState("DISABLED", "TOKEN")
LOST = OktaApiError(status=None, summary="connection reset by peer", method="POST", path=CONNECTION)


def okta_5xx(status=502):
    return OktaApiError(status=status, summary="Bad Gateway", method="POST", path=CONNECTION)


class OktaThatLosesAnswers(RecordingClient):
    """The connection as Okta holds it, and a POST that applies the save and/or loses the answer, per call."""

    def __init__(self, posts, connection=None):
        self.connection = connection or {"authScheme": "TOKEN", "status": "DISABLED", "profile": {"authScheme": "TOKEN"}}
        super().__init__({("GET", CONNECTION): lambda: dict(self.connection),
                          ("POST", CONNECTION): [self._post(apply, answer) for apply, answer in posts]})

    def _post(self, apply, answer):
        def post():
            if apply:
                self.connection = dict(ENABLED_ANSWER)
            return answer if answer is not None else dict(self.connection)
        return post


def save(client, current=DISABLED, username=USER):
    return sfc.save_connection(client, APP_ID, username, SECRET, False, current)


def test_the_save_is_posted_as_not_idempotent_so_the_client_never_resends_it_blindly():
    client = OktaThatLosesAnswers([(True, None)])
    save(client)
    assert client.calls("POST", CONNECTION)[0][2]["idempotent"] is False


@pytest.mark.parametrize("cause", ["Salesforce refused the API credentials: INVALID_LOGIN: Invalid username",
                                   "sf:PASSWORD_LOCKOUT Your account has been locked out"])
def test_rejected_credentials_are_sent_once_and_never_read_back(cause):
    client = RecordingClient({("POST", CONNECTION): [okta_400([cause]), AssertionError("resent")]})
    with pytest.raises(sfc.CredentialsRejected):
        save(client)
    assert [(call[0], call[1]) for call in client.sent] == [("POST", CONNECTION)]


@pytest.mark.parametrize("lost", [okta_5xx(502), okta_5xx(500), okta_5xx(503), okta_5xx(504), LOST])
def test_a_lost_answer_after_okta_applied_the_save_is_read_back_and_not_resent(lost):
    client = OktaThatLosesAnswers([(True, lost)])
    state = save(client)
    assert [(call[0], call[1]) for call in client.sent] == [("POST", CONNECTION), ("GET", CONNECTION)]
    assert state.enabled and state.username == USER


def test_a_lost_answer_before_okta_applied_the_save_is_resent_once():
    client = OktaThatLosesAnswers([(False, okta_5xx()), (True, None)])
    state = save(client)
    assert [(call[0], call[1]) for call in client.sent] == [("POST", CONNECTION), ("GET", CONNECTION),
                                                            ("POST", CONNECTION)]
    assert state.enabled


def test_a_read_back_for_another_user_does_not_count_as_the_save():
    other = {"authScheme": "TOKEN", "status": "ENABLED", "profile": {"authScheme": "TOKEN", "username": "old@acme.com"}}
    client = OktaThatLosesAnswers([(False, okta_5xx()), (True, None)], connection=other)
    save(client, current=sfc.ConnectionState("ENABLED", "TOKEN", "old@acme.com", False))
    assert len(client.calls("POST", CONNECTION)) == 2


def test_answers_lost_twice_stop_after_two_saves_and_say_why():
    client = OktaThatLosesAnswers([(False, okta_5xx()), (False, LOST), (True, None)])
    with pytest.raises(sfc.SaveOutcomeUnknown) as raised:
        save(client)
    assert len(client.calls("POST", CONNECTION)) == 2 and len(client.calls("GET", CONNECTION)) == 2
    message = str(raised.value)
    assert "was lost twice" in message and "not sent a third time" in message and "lock that user out" in message
    assert ADMIN_URL in message and SECRET not in message
    assert raised.value.result_fields()["admin_url"] == ADMIN_URL


def test_a_rejection_on_the_resend_is_not_resent_again():
    rejected = okta_400(["Salesforce refused the API credentials: INVALID_LOGIN: Invalid username"])
    client = OktaThatLosesAnswers([(False, okta_5xx()), (False, rejected), (True, None)])
    with pytest.raises(sfc.CredentialsRejected):
        save(client)
    assert len(client.calls("POST", CONNECTION)) == 2


def test_a_failed_read_back_stops_without_resending():
    client = RecordingClient({("POST", CONNECTION): [okta_5xx(), AssertionError("resent")],
                              ("GET", CONNECTION): OktaApiError(status=503, summary="Service Unavailable",
                                                                method="GET", path=CONNECTION)})
    with pytest.raises(sfc.SaveOutcomeUnknown, match="reading the connection back failed too"):
        save(client)
    assert len(client.calls("POST", CONNECTION)) == 1


def test_a_rotation_cannot_be_proven_by_a_read_so_it_is_resent_once():
    # ENABLED for the same user before and after: the read cannot show whether the new secret was stored.
    client = OktaThatLosesAnswers([(True, okta_5xx()), (True, None)], connection=dict(ENABLED_ANSWER))
    state = save(client, current=sfc.ConnectionState("ENABLED", "TOKEN", USER, False))
    assert len(client.calls("POST", CONNECTION)) == 2 and state.enabled


def test_a_404_or_501_to_the_save_is_the_published_api_only_error():
    for status in (403, 404, 501):
        client = RecordingClient({("POST", CONNECTION): okta_error(status, method="POST")})
        with pytest.raises(sfc.PublishedApiOnly, match=f"the API-integration call answered HTTP {status}"):
            save(client)
        assert len(client.sent) == 1


def test_activation_lost_answer_is_read_back_and_a_rejection_names_the_fault():
    activate = CONNECTION + "/lifecycle/activate"
    enabled = dict(ENABLED_ANSWER)
    client = RecordingClient({("POST", activate): [okta_5xx()], ("GET", CONNECTION): enabled})
    state = sfc.activate_connection(client, APP_ID, sfc.ConnectionState("DISABLED", "TOKEN", USER, False))
    assert state.enabled and len(client.calls("POST", activate)) == 1
    assert client.calls("POST", activate)[0][2]["idempotent"] is False

    client = RecordingClient({("POST", activate): [okta_400(["sf:INVALID_LOGIN bad"]), AssertionError("resent")]})
    with pytest.raises(sfc.CredentialsRejected, match=f"credentials of {USER}"):
        sfc.activate_connection(client, APP_ID, sfc.ConnectionState("DISABLED", "TOKEN", USER, False))
    assert len(client.sent) == 1


def test_the_real_client_does_not_resend_a_save_whose_answer_was_lost(httpserver):
    """OktaClient with its default retries: Okta applies the save, then answers 503; one POST, then a read."""
    held = {"status": "DISABLED", "profile": {"authScheme": "TOKEN"}}
    posts = []

    def post(request):
        posts.append(request)
        held.update(ENABLED_ANSWER)
        return Response('{"errorCode": "E0000009", "errorSummary": "Internal Server Error"}', status=503,
                        content_type="application/json")

    httpserver.expect_request(CONNECTION, method="POST").respond_with_handler(post)
    httpserver.expect_request(CONNECTION, method="GET").respond_with_handler(
        lambda request: Response(json.dumps(dict(held, authScheme="TOKEN")), content_type="application/json"))
    client = OktaClient(httpserver.url_for("/"), api_token="00SSWS-canary-token-4b8e1d0c93a7f2", sleep=lambda s: None)
    state = sfc.save_connection(client, APP_ID, USER, SECRET, False, DISABLED)
    assert len(posts) == 1 and client.calls == {"POST": 1, "GET": 1}
    assert state.enabled and state.username == USER
