"""Unit tests of the okta_sf_provisioning reconcile logic: the decisions the integration scenarios do not reach.

`SmallOkta` answers the calls the reconciler makes from an in-memory org with one Salesforce app,
following the contract's shapes (features answer 400 until the connection is enabled).
"""
from __future__ import annotations

import copy

import pytest

from ansible_collections.idm.okta_salesforce.plugins.module_utils import _provisioning as prov
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import AppLookupError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._provisioning_settings import SettingsInputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_api_integration import (
    CredentialsInputError,
    PublishedApiOnly,
)

from .test__provisioning_settings import DEFAULT_TO_APP

APP_ID = "0oasf1"
APP_PATH = f"/api/v1/apps/{APP_ID}"
CONNECTION_PATH = f"{APP_PATH}/connections/default"


class SmallOkta:
    """Just enough of Okta for the reconciler; `writes` lists every write as (method, path)."""

    org_url = "https://acme.okta.com"

    def __init__(self, connection=None, label="Salesforce.com", refuse=None):
        self.app = {"id": APP_ID, "name": "salesforce", "label": label, "status": "ACTIVE",
                    "settings": {"app": {"instanceType": "PRODUCTION", "integrationType": "STANDARD"}}, "features": []}
        self.connection = connection or {"authScheme": "TOKEN", "status": "DISABLED", "profile": {"authScheme": "TOKEN"}}
        self.features = {"USER_PROVISIONING": {}, "INBOUND_PROVISIONING": {}}
        self.refuse = refuse or {}   # {"connection": status, "features": status}: reads refused with that status
        self.writes = []
        self.api_calls = 0

    def add_secret(self, value):
        pass

    def _error(self, status, path):
        return OktaApiError(status=status, error_code="E0000001", summary="Api validation failed",
                            causes=["Provisioning is not enabled for the app instance."], request_id="r1",
                            method="GET", path=path)

    def get(self, path, params=None):
        self.api_calls += 1
        if path == APP_PATH:
            return copy.deepcopy(self.app)
        if path == CONNECTION_PATH:
            if "connection" in self.refuse:
                raise self._error(self.refuse["connection"], path)
            return copy.deepcopy(self.connection)
        if path.startswith(f"{APP_PATH}/features/"):
            if "features" in self.refuse:
                raise self._error(self.refuse["features"], path)
            if self.connection["status"] != "ENABLED":
                raise self._error(400, path)
            return {"capabilities": copy.deepcopy(self.features[path.rsplit("/", 1)[1]])}
        raise AssertionError(f"unexpected GET {path}")

    def paginate(self, path, params=None):
        self.api_calls += 1
        return iter([copy.deepcopy(self.app)])

    def post(self, path, json=None, params=None, idempotent=False):  # pylint: disable=redefined-outer-name
        self.api_calls += 1
        self.writes.append(("POST", path))
        if path == CONNECTION_PATH:
            self.connection = {"authScheme": "TOKEN", "status": "ENABLED",
                               "profile": {k: v for k, v in json["profile"].items() if k != "token"}}
            return copy.deepcopy(self.connection)
        if path == f"{CONNECTION_PATH}/lifecycle/activate":
            self.connection["status"] = "ENABLED"
            return None
        raise AssertionError(f"unexpected POST {path}")

    def put(self, path, json=None, params=None):  # pylint: disable=redefined-outer-name
        self.api_calls += 1
        self.writes.append(("PUT", path))
        return {}


def enabled_connection(username="okta.api@acme.com", push_null=False):
    return {"authScheme": "TOKEN", "status": "ENABLED",
            "profile": {"authScheme": "TOKEN", "username": username, "allowPushNullValues": push_null}}


def wanted(**options):
    params = {"app_label": "Salesforce.com", "state": "enabled", "manage_connection": True,
              "update_credentials": "on_create"}
    params.update(options)
    return prov.wanted_from_params(params)


def test_a_deactivated_connection_is_turned_back_on_without_credentials():
    okta = SmallOkta(connection=dict(enabled_connection(), status="DISABLED"))
    planned = prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com"), check_mode=True).run()
    assert planned["changed"] is True and okta.writes == []
    assert planned["connection"]["status"] == "ENABLED"
    assert "credentials" not in planned["diff"]["after"]["connection"]

    done = prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com")).run()
    assert okta.writes == [("POST", f"{CONNECTION_PATH}/lifecycle/activate")]
    assert done["changed"] is True and done["to_app"] == DEFAULT_TO_APP


def test_changing_push_null_values_needs_the_credentials_and_writes_nothing():
    okta = SmallOkta(connection=enabled_connection())
    with pytest.raises(prov.ProvisioningError, match="allow_push_null_values changes.*sf_password"):
        prov.ProvisioningReconciler(okta, wanted(allow_push_null_values=True)).run()
    assert okta.writes == []


def test_changing_push_null_values_with_the_credentials_saves_once():
    okta = SmallOkta(connection=enabled_connection())
    result = prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com", sf_password="Passw0rd!",
                                                      sf_security_token="tok3n", allow_push_null_values=True)).run()
    assert okta.writes == [("POST", CONNECTION_PATH)]
    assert result["connection"]["allow_push_null_values"] is True
    assert result["diff"]["before"]["connection"]["allow_push_null_values"] is False


def test_enabling_without_credentials_fails_before_any_write():
    okta = SmallOkta()
    with pytest.raises(prov.ProvisioningError, match="not enabled.*sf_username, sf_password and sf_security_token"):
        prov.ProvisioningReconciler(okta, wanted(to_app={"create_users": True})).run()
    assert okta.writes == []


def test_create_app_never_duplicates_a_label_in_another_letter_case():
    okta = SmallOkta(label="salesforce.com")
    with pytest.raises(AppLookupError) as raised:
        prov.ProvisioningReconciler(okta, wanted(create_app=True, sf_username="a@b.c", sf_password="Passw0rd!")).run()
    assert "salesforce.com" in str(raised.value) and APP_ID in str(raised.value)
    assert okta.writes == []


def test_a_timezone_without_any_import_schedule_is_refused_before_writing():
    okta = SmallOkta(connection=enabled_connection())
    with pytest.raises(SettingsInputError, match="timezone applies"):
        prov.ProvisioningReconciler(okta, wanted(to_okta={"schedule": {"timezone": "UTC"}})).run()
    assert okta.writes == []


def test_manage_connection_false_refuses_state_disabled_and_create_app():
    okta = SmallOkta(connection=enabled_connection())
    with pytest.raises(prov.ProvisioningError, match="manage_connection=false"):
        prov.ProvisioningReconciler(okta, wanted(manage_connection=False, state="disabled")).run()
    with pytest.raises(prov.ProvisioningError, match="create_app=true"):
        prov.ProvisioningReconciler(okta, wanted(manage_connection=False, create_app=True)).run()
    assert okta.writes == []


def test_state_disabled_ignores_settings_with_a_warning():
    okta = SmallOkta()
    result = prov.ProvisioningReconciler(okta, wanted(state="disabled", to_app={"create_users": True})).run()
    assert result["changed"] is False and okta.writes == []
    assert any("ignored with state=disabled" in warning for warning in result["warnings"])
    assert result["to_app"] is None and result["settings_source"] is None


def test_wanted_from_params_checks_input_and_never_shows_a_secret():
    with pytest.raises(CredentialsInputError) as raised:
        wanted(sf_username="okta.api@acme.com", sf_password="Passw0rd!", sf_security_token=" tok3n")
    assert "tok3n" not in str(raised.value)
    with pytest.raises(CredentialsInputError, match="update_credentials=always"):
        wanted(update_credentials="always")
    assert "Passw0rd" not in repr(wanted(sf_username="a@b.c", sf_password="Passw0rd!"))


# ---- reads Okta does not expose for Salesforce: 400, 403, 404, 501 -------------------------------

HAND_MADE_FEATURES = ["PUSH_NEW_USERS", "PUSH_USER_DEACTIVATION"]


@pytest.mark.parametrize("status", [400, 403, 404, 501])
@pytest.mark.parametrize("refused", [("connection",), ("features",), ("connection", "features")])
def test_manage_connection_false_verifies_from_the_features_array_whatever_read_is_refused(status, refused):
    okta = SmallOkta(connection=enabled_connection(), refuse={name: status for name in refused})
    okta.app["features"] = list(HAND_MADE_FEATURES)
    okta.features = {"USER_PROVISIONING": {"create": {"lifecycleCreate": {"status": "ENABLED"}}},
                     "INBOUND_PROVISIONING": {"importSettings": {"username": {"usernameFormat": "EMAIL"}}}}
    result = prov.ProvisioningReconciler(okta, wanted(manage_connection=False, to_app={"create_users": True},
                                                      to_okta={"username_format": "email"})).run()
    assert okta.writes == [] and result["changed"] is False
    if "connection" in refused:
        assert result["connection"]["status"] == "UNKNOWN"
    if "features" in refused:
        assert result["settings_source"] == "app_features"
        assert result["unverified"] == ["to_okta.username_format"]
        assert any(f"its features API answered HTTP {status}" in warning for warning in result["warnings"])
    else:
        assert result["settings_source"] == "features_api" and result["unverified"] == []


@pytest.mark.parametrize("status", [400, 403, 404, 501])
def test_manage_connection_false_fails_cleanly_naming_what_is_off(status):
    okta = SmallOkta(connection=enabled_connection(), refuse={"connection": status, "features": status})
    okta.app["features"] = list(HAND_MADE_FEATURES)
    with pytest.raises(prov.ProvisioningError, match=r"to_app.update_user_attributes: wanted True, shown False"):
        prov.ProvisioningReconciler(okta, wanted(manage_connection=False, to_app={"update_user_attributes": True})).run()
    okta.app["features"] = []
    with pytest.raises(prov.ProvisioningError, match="Provisioning is not enabled on app"):
        prov.ProvisioningReconciler(okta, wanted(manage_connection=False)).run()
    assert okta.writes == []


@pytest.mark.parametrize("status", [400, 403, 404, 501])
def test_manage_connection_true_gives_the_published_api_only_failure_not_an_okta_error(status):
    okta = SmallOkta(refuse={"connection": status})
    with pytest.raises(PublishedApiOnly) as raised:
        prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com", sf_password="Passw0rd!")).run()
    assert f"the connection endpoint answered HTTP {status}" in str(raised.value)
    assert f"/admin/app/salesforce/instance/{APP_ID}/#tab-user-management" in str(raised.value)
    okta = SmallOkta(connection=enabled_connection(), refuse={"features": status})
    with pytest.raises(PublishedApiOnly, match=f"its features API answered HTTP {status}.*although the connection is enabled"):
        prov.ProvisioningReconciler(okta, wanted(to_app={"create_users": True})).run()
    assert okta.writes == []


@pytest.mark.parametrize("status", [403, 404, 501])
def test_features_not_there_before_enabling_fails_before_the_save_and_its_salesforce_login(status):
    # A 400 is Okta's documented "provisioning is not enabled yet"; the others say the features API is not there.
    okta = SmallOkta(refuse={"features": status})
    with pytest.raises(PublishedApiOnly, match=f"its features API answered HTTP {status}"):
        prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com", sf_password="Passw0rd!")).run()
    assert okta.writes == []
    okta = SmallOkta()   # 400 until the connection is enabled, as Okta documents
    prov.ProvisioningReconciler(okta, wanted(sf_username="okta.api@acme.com", sf_password="Passw0rd!")).run()
    assert okta.writes == [("POST", CONNECTION_PATH)]


@pytest.mark.parametrize("status", [401, 429, 500])
def test_errors_that_say_nothing_about_exposure_still_fail(status):
    for refuse in ({"connection": status}, {"features": status}):
        okta = SmallOkta(connection=enabled_connection(), refuse=refuse)
        okta.app["features"] = list(HAND_MADE_FEATURES)
        with pytest.raises(OktaApiError) as raised:
            prov.ProvisioningReconciler(okta, wanted(manage_connection=False, to_app={"create_users": True})).run()
        assert raised.value.status == status


def test_check_mode_create_app_says_the_connection_is_unknown():
    okta = SmallOkta(label="Salesforce.com")
    result = prov.ProvisioningReconciler(okta, wanted(app_label="Salesforce UAT", create_app=True, sf_username="a@b.c",
                                                      sf_password="Passw0rd!"), check_mode=True).run()
    assert okta.writes == [] and result["changed"] is True
    assert (result["connection"]["status"], result["connection"]["auth_scheme"]) == ("UNKNOWN", "UNKNOWN")
    assert result["diff"]["after"]["connection"]["status"] == "UNKNOWN"
    assert any("connection.status is UNKNOWN, not a prediction of success" in warning for warning in result["warnings"])


# ---- Okta's OAuth version (issue 13) --------------------------------------------------------------

def oauth_connection(status="ENABLED", key="3MVGkey", authorize=None):
    answer = {"status": status, "profile": {"authScheme": "OAUTH2", "clientId": key}, "_links": {}}
    if authorize:
        answer["_links"]["authorize"] = {"href": authorize}
    return answer


def test_oauth_input_is_checked_before_any_request_and_never_shows_the_secret():
    with pytest.raises(CredentialsInputError) as raised:
        wanted(sf_auth="oauth", sf_consumer_key="3MVGkey", sf_consumer_secret="s3cret-value\n")
    assert "sf_consumer_secret ends with whitespace" in str(raised.value) and "s3cret" not in str(raised.value)
    with pytest.raises(CredentialsInputError, match="goes with sf_consumer_key"):
        wanted(sf_auth="oauth", sf_consumer_secret="s3cret-value")
    with pytest.raises(CredentialsInputError, match="sf_consumer_key and sf_consumer_secret"):
        wanted(sf_auth="oauth", update_credentials="always")
    assert "s3cret" not in repr(wanted(sf_auth="oauth", sf_consumer_key="3MVGkey", sf_consumer_secret="s3cret-value"))


def test_oauth_pending_consent_is_verified_not_written_and_a_given_one_is_reactivated():
    okta = SmallOkta(connection=oauth_connection(authorize="https://login.salesforce.com/services/oauth2/authorize?x"))
    result = prov.ProvisioningReconciler(okta, wanted(sf_auth="oauth")).run()
    assert okta.writes == [] and result["changed"] is False
    assert (result["connection"]["consent"], result["connection"]["consent_url"]) == (
        "pending", "https://login.salesforce.com/services/oauth2/authorize?x")
    assert any("Authenticate with Salesforce.com" in warning for warning in result["warnings"])

    okta = SmallOkta(connection=oauth_connection(status="DISABLED"))
    result = prov.ProvisioningReconciler(okta, wanted(sf_auth="oauth")).run()
    assert okta.writes == [("POST", f"{CONNECTION_PATH}/lifecycle/activate")]
    assert (result["connection"]["status"], result["connection"]["consent"]) == ("ENABLED", "given")


def test_oauth_new_consumer_key_without_its_secret_writes_nothing():
    okta = SmallOkta(connection=oauth_connection())
    with pytest.raises(prov.ProvisioningError, match="sf_consumer_key changes.*sf_consumer_key and sf_consumer_secret"):
        prov.ProvisioningReconciler(okta, wanted(sf_auth="oauth", sf_consumer_key="3MVGother",
                                                 sf_consumer_secret=None)).run()
    assert okta.writes == []


def test_published_api_only_names_the_oauth_steps():
    okta = SmallOkta(connection={"status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}})
    with pytest.raises(PublishedApiOnly) as raised:
        prov.ProvisioningReconciler(okta, wanted(sf_auth="oauth", sf_consumer_key="k", sf_consumer_secret="s3cret-value")).run()
    message = str(raised.value)
    assert "https://system-admin.okta.com/admin/app/generic/oauth20redirect" in message
    assert "Authenticate with Salesforce.com" in message and "s3cret" not in message
