"""Okta's two Salesforce integration versions (issue 13): the OAuth version's key/secret step, its pending
consent, version reporting, and version mismatches, with real ansible-playbook runs against the simulator
(seed two_versions.yaml: the default org plus an unsaved OAuth app, a consented OAuth app and a live
password + token app)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.integration.test_provisioning_helpers import connection, task, writes
from tests.simulator.seed import DEFAULT_SEED

TWO_VERSIONS = DEFAULT_SEED.with_name("two_versions.yaml")
NEW_OAUTH_APP = "0oasfoauth000001"
LIVE_OAUTH_APP = "0oasfoauth000002"
LIVE_TOKEN_APP = "0oasftoken000003"
CONSUMER_KEY = "3MVG9simNewConsumerKey0001"
CONSUMER_SECRET = "canary-sf-consumer-secret-new-5b8e0a"
INFO = "idm.okta_salesforce.okta_sf_provisioning_info"

OAUTH_WANTED = {
    "app_id": NEW_OAUTH_APP,
    "sf_auth": "oauth",
    "sf_consumer_key": CONSUMER_KEY,
    "sf_consumer_secret": "{{ sf_consumer_secret }}",
    "to_app": {"create_users": True, "update_user_attributes": True, "deactivate_users": True},
    "to_okta": {"match": {"criteria": "username"}},
}
SECRET_VARS = {"sf_consumer_secret": CONSUMER_SECRET}


@pytest.fixture
def two_versions(simulator):
    simulator.reset(TWO_VERSIONS)
    simulator.clear_log()
    return simulator


def test_oauth_version_saves_key_and_secret_leaves_consent_pending_then_verifies_it(two_versions, run_playbook):
    sim = two_versions
    # Check mode: the plan (consent would be pending), not one write.
    check = run_playbook([task(**OAUTH_WANTED)], extra_vars=SECRET_VARS, check=True, diff=True,
                         extra_secrets=[CONSUMER_SECRET])
    assert check.rc == 0, check.stdout
    planned = check.result("provisioning")
    assert planned["changed"] is True and writes(sim) == []
    assert planned["connection"]["version"] == "oauth" and planned["connection"]["consent"] == "pending"
    assert planned["diff"]["after"]["connection"]["credentials"] == "******** (will be sent)"

    # The real run at -vvvv with diffs: key and secret saved, To App / To Okta set, consent pending, not claimed.
    first = run_playbook([task(**OAUTH_WANTED)], extra_vars=SECRET_VARS, diff=True, verbosity=4,
                         extra_secrets=[CONSUMER_SECRET])
    assert first.rc == 0, first.stdout
    done = first.result("provisioning")
    assert writes(sim) == [("POST", f"/api/v1/apps/{NEW_OAUTH_APP}/connections/default"),
                           ("PUT", f"/api/v1/apps/{NEW_OAUTH_APP}/features/USER_PROVISIONING"),
                           ("PUT", f"/api/v1/apps/{NEW_OAUTH_APP}/features/INBOUND_PROVISIONING")]
    held = connection(sim, NEW_OAUTH_APP)
    assert held["authScheme"] == "OAUTH2" and held["profile"]["clientId"] == CONSUMER_KEY
    assert (held["profile"]["clientSecret"] == CONSUMER_SECRET) is True and held["consent"] == "pending"
    result = done["connection"]
    assert (result["version"], result["auth_scheme"], result["consent"]) == ("oauth", "OAUTH2", "pending")
    consent_query = parse_qs(urlsplit(result["consent_url"]).query)
    assert consent_query["client_id"] == [CONSUMER_KEY]
    assert any("Authenticate with Salesforce.com" in w and result["consent_url"] in w for w in done["warnings"])
    assert CONSUMER_SECRET not in first.output

    # A rerun before the consent: verifies it, still pending, 0 writes.
    sim.clear_log()
    pending = run_playbook([task(**OAUTH_WANTED)], extra_vars=SECRET_VARS, extra_secrets=[CONSUMER_SECRET])
    assert pending.rc == 0 and pending.result("provisioning")["changed"] is False
    assert pending.result("provisioning")["connection"]["consent"] == "pending"
    assert writes(sim) == []

    # The admin's browser gives the consent; the unchanged rerun then makes 0 writes and reports it given.
    sim.give_consent(NEW_OAUTH_APP)
    sim.clear_log()
    rerun = run_playbook([task(**OAUTH_WANTED)], extra_vars=SECRET_VARS, diff=True, verbosity=4,
                         extra_secrets=[CONSUMER_SECRET])
    assert rerun.rc == 0, rerun.stdout
    again = rerun.result("provisioning")
    assert again["changed"] is False and writes(sim) == []
    assert again["connection"]["consent"] == "given" and again["connection"]["consent_url"] is None
    assert not any("consent" in w for w in again.get("warnings", []))


def test_each_app_is_reported_with_its_version(two_versions, run_playbook):
    run = run_playbook([task(name="info", module=INFO, assignment_counts=False),
                        task(name="token app", app_id=LIVE_TOKEN_APP, check_mode=True),
                        task(name="oauth app", app_id=LIVE_OAUTH_APP, sf_auth="oauth", check_mode=True)])
    assert run.rc == 0, run.stdout
    by_id = {entry["app"]["id"]: entry["connection"] for entry in run.result("info")["apps"]}
    assert (by_id[LIVE_TOKEN_APP]["version"], by_id[LIVE_TOKEN_APP]["auth_scheme"]) == ("password_token", "TOKEN")
    assert (by_id[LIVE_OAUTH_APP]["version"], by_id[LIVE_OAUTH_APP]["consent"]) == ("oauth", "given")
    assert by_id[LIVE_OAUTH_APP]["consumer_key"] == "3MVG9simLiveConsumerKey0002"
    assert (by_id[NEW_OAUTH_APP]["version"], by_id[NEW_OAUTH_APP]["consent"]) == ("oauth", None)
    assert by_id["0oasalesforce0001"]["version"] == "password_token"
    assert run.result("token app")["connection"]["version"] == "password_token"
    assert run.result("oauth app")["connection"]["version"] == "oauth"
    assert run.result("token app")["changed"] is False and run.result("oauth app")["changed"] is False
    assert writes(two_versions) == []


def test_a_version_mismatch_changes_nothing_unless_told_to_switch(two_versions, run_playbook):
    sim = two_versions
    run = run_playbook([
        task(name="oauth on a token app", ignore_errors=True, app_id=LIVE_TOKEN_APP, sf_auth="oauth",
             sf_consumer_key=CONSUMER_KEY, sf_consumer_secret="{{ sf_consumer_secret }}"),
        task(name="token on an oauth app", ignore_errors=True, app_id=LIVE_OAUTH_APP,
             sf_username="okta.api@acme.com", sf_password="Whatever-pass-1", sf_security_token="tok1"),
    ], extra_vars=SECRET_VARS, extra_secrets=[CONSUMER_SECRET])
    oauth_on_token = run.result("oauth on a token app")
    assert run.status("oauth on a token app") == "failed" and oauth_on_token["changed"] is False
    assert "uses Okta's password_token Salesforce integration" in oauth_on_token["msg"]
    assert "switch_version=true" in oauth_on_token["msg"] and "Nothing was changed" in oauth_on_token["msg"]
    assert oauth_on_token["connection"]["version"] == "password_token"
    token_on_oauth = run.result("token on an oauth app")
    assert run.status("token on an oauth app") == "failed" and "uses Okta's oauth Salesforce integration" in token_on_oauth["msg"]
    assert writes(sim) == []
    assert sim.salesforce_logins(channel="okta_api_integration") == []

    # Told to switch: the token app moves to the OAuth version, consent pending.
    switched = run_playbook([task(app_id=LIVE_TOKEN_APP, sf_auth="oauth", switch_version=True,
                                  sf_consumer_key=CONSUMER_KEY, sf_consumer_secret="{{ sf_consumer_secret }}")],
                            extra_vars=SECRET_VARS, diff=True, extra_secrets=[CONSUMER_SECRET])
    assert switched.rc == 0, switched.stdout
    result = switched.result("provisioning")
    assert result["changed"] is True and result["connection"]["version"] == "oauth"
    assert result["connection"]["consent"] == "pending"
    assert result["diff"]["before"]["connection"]["version"] == "password_token"
    assert any("switch_version=true" in w for w in result["warnings"])
    held = connection(sim, LIVE_TOKEN_APP)
    assert held["authScheme"] == "OAUTH2" and "token" not in held["profile"]


def test_published_api_only_org_gets_the_oauth_handoff(two_versions, run_playbook):
    sim = two_versions
    sim.configure(published_api_only=True)
    run = run_playbook([task(ignore_errors=True, **OAUTH_WANTED)], extra_vars=SECRET_VARS,
                       extra_secrets=[CONSUMER_SECRET])
    assert run.status("provisioning") == "failed"
    failed = run.result("provisioning")
    message = failed["msg"]
    assert "does not expose Salesforce provisioning through its API" in message
    assert "https://system-admin.okta.com/admin/app/generic/oauth20redirect" in message
    assert "Manage user data via APIs (api)" in message and "(refresh_token, offline_access)" in message
    assert "consumer key and consumer secret" in message and "Authenticate with Salesforce.com" in message
    assert failed["admin_url"] in message and failed["changed"] is False
    assert writes(sim) == []
