"""Unit tests of the modelled Salesforce API-integration adapter.

A small recording client stands in for OktaClient: it answers the connection calls with the shapes of
the contract (section 3) or raises OktaApiError as OktaClient does, and remembers what was sent.
"""
from __future__ import annotations

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _okta_api_integration as sfc
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import login_fault_remedy

ORG_URL = "https://acme.okta.com"
APP_ID = "0oasalesforce0001"
CONNECTION = f"/api/v1/apps/{APP_ID}/connections/default"
ADMIN_URL = f"https://acme-admin.okta.com/admin/app/salesforce/instance/{APP_ID}/#tab-user-management"


class RecordingClient:
    """Answers from `answers` ({(method, path): body or OktaApiError}) and records every call."""

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
        if isinstance(answer, Exception):
            raise answer
        return answer

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
                                 "allow_push_null_values": False}


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
