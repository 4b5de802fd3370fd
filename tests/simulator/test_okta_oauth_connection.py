"""The OAuth version of the Salesforce connection (modelled on the public OAUTH2 shape): consumer key and
secret saved, `_links.authorize` offered while the consent is pending, the control call that gives it."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.simulator import Simulator
from tests.simulator.conftest import Client
from tests.simulator.seed import DEFAULT_SEED

TWO_VERSIONS = DEFAULT_SEED.with_name("two_versions.yaml")
NEW_OAUTH = "/api/v1/apps/0oasfoauth000001"
SECRET = "canary-consumer-secret-sim-test-0001"


@pytest.fixture
def sim(tmp_path):
    with Simulator(seed=TWO_VERSIONS, workdir=tmp_path / "sim") as running:
        yield running


@pytest.fixture
def okta(sim):
    return Client(sim)


def save(okta, key="3MVG9simKey", secret=SECRET, app=NEW_OAUTH):
    return okta.post(f"{app}/connections/default", params={"activate": "true"},
                     json={"profile": {"authScheme": "OAUTH2", "clientId": key, "clientSecret": secret}})


def test_seeded_versions_answer_their_scheme(okta):
    fresh = okta.get(f"{NEW_OAUTH}/connections/default").json()
    assert fresh["status"] == "DISABLED" and fresh["profile"] == {"authScheme": "OAUTH2"} and "authorize" not in fresh["_links"]
    live = okta.get("/api/v1/apps/0oasfoauth000002/connections/default").json()
    assert live["status"] == "ENABLED" and live["profile"]["clientId"] == "3MVG9simLiveConsumerKey0002"
    assert "authorize" not in live["_links"] and "clientSecret" not in live["profile"]
    token = okta.get("/api/v1/apps/0oasftoken000003/connections/default").json()
    assert token["authScheme"] == "TOKEN" and token["status"] == "ENABLED"


def test_save_offers_the_consent_link_until_the_consent_is_given(okta, sim):
    answer = save(okta)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ENABLED" and body["profile"] == {"authScheme": "OAUTH2", "clientId": "3MVG9simKey"}
    query = parse_qs(urlsplit(body["_links"]["authorize"]["href"]).query)
    assert query["client_id"] == ["3MVG9simKey"] and query["scope"] == ["api refresh_token offline_access"]
    assert query["redirect_uri"] == ["https://system-admin.okta.com/admin/app/generic/oauth20redirect"]
    assert SECRET not in answer.text
    assert okta.get(NEW_OAUTH).json()["features"] == []          # no consent: nothing can be provisioned
    assert okta.get(f"{NEW_OAUTH}/features/USER_PROVISIONING").status_code == 200   # settings can be set already
    assert sim.give_consent("0oasfoauth000001") == {"app_id": "0oasfoauth000001", "consent": "given"}
    after = okta.get(f"{NEW_OAUTH}/connections/default").json()
    assert after["status"] == "ENABLED" and "authorize" not in after["_links"]
    assert okta.get(NEW_OAUTH).json()["features"]
    assert save(okta).json()["_links"]["authorize"]              # new client credentials: consent again
    assert SECRET in sim.secrets


def test_oauth_body_is_checked_against_the_sdk_model(okta):
    missing = okta.post(f"{NEW_OAUTH}/connections/default",
                        json={"profile": {"authScheme": "OAUTH2", "clientId": "3MVG9simKey"}})
    assert missing.status_code == 400 and "clientSecret" in missing.text
    unknown = okta.post(f"{NEW_OAUTH}/connections/default",
                        json={"profile": {"authScheme": "OAUTH2", "clientId": "k", "clientSecret": SECRET, "refreshToken": "x"}})
    assert unknown.status_code == 400
