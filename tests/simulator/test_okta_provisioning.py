"""The Salesforce provisioning connection (modelled, contract section 3), the features API and
the "published API only" mode, and the per-app `api_exposure` answers (400/403/404/501)."""
from __future__ import annotations

import yaml
from okta import models as sdk

from tests.simulator import Simulator
from tests.simulator.conftest import Client
from tests.simulator.seed import DEFAULT_SEED

SF_APP = "/api/v1/apps/0oasalesforce0001"
API_USER = "okta.api@acme.com"


def secret(sim, username=API_USER):
    user = sim.state()["salesforce"]["users"][username]
    return user["password"] + user["security_token"]


def connect(okta, sim, token, username=API_USER):
    return okta.post(f"{SF_APP}/connections/default", params={"activate": "true"},
                     json={"profile": {"authScheme": "TOKEN", "username": username, "token": token,
                                       "allowPushNullValues": False}})


def test_features_refused_before_provisioning_is_on(okta):
    resp = okta.get(f"{SF_APP}/features")
    assert resp.status_code == 400
    assert resp.json()["errorCode"] == "E0000001"
    assert resp.json()["errorCauses"] == [{"errorSummary": "Provisioning is not enabled for the app instance."}]
    assert okta.get(SF_APP).json()["features"] == []


def test_connection_checks_credentials_against_salesforce(okta, sim):
    resp = connect(okta, sim, "Wrong-password-and-token")
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E0000001"
    assert "INVALID_LOGIN" in resp.json()["errorCauses"][0]["errorSummary"]
    assert sim.state()["okta"]["connections"]["0oasalesforce0001"]["status"] == "DISABLED"

    resp = connect(okta, sim, secret(sim))
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ENABLED"
    assert body["profile"] == {"authScheme": "TOKEN", "username": API_USER, "allowPushNullValues": False}
    assert secret(sim) not in okta.get(f"{SF_APP}/connections/default").text
    assert sim.state()["okta"]["connections"]["0oasalesforce0001"]["profile"]["token"] == secret(sim)


def test_features_after_provisioning_is_on(okta, sim):
    assert connect(okta, sim, secret(sim)).status_code == 200
    resp = okta.put(f"{SF_APP}/features/USER_PROVISIONING",
                    json={"create": {"lifecycleCreate": {"status": "ENABLED"}},
                          "update": {"profile": {"status": "ENABLED"}}})
    assert resp.status_code == 200, resp.text
    caps = resp.json()["capabilities"]
    assert caps["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert caps["update"]["password"] == {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}
    assert okta.get(SF_APP).json()["features"][:2] == ["PUSH_NEW_USERS", "PUSH_PROFILE_UPDATES"]
    resp = okta.put(f"{SF_APP}/features/INBOUND_PROVISIONING",
                    json={"importSettings": {"username": {"userNameFormat": "EMAIL"},
                                             "schedule": {"status": "ENABLED",
                                                          "fullImport": {"expression": "0 0 * * 0", "timezone": "Europe/Paris"}}},
                          "importRules": {"userCreateAndMatch": {"exactMatchCriteria": "USERNAME"}}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["capabilities"]["importRules"]["userCreateAndMatch"]["exactMatchCriteria"] == "USERNAME"
    assert resp.json()["capabilities"]["importSettings"]["username"] == {"usernameFormat": "EMAIL"}


def test_published_api_only_mode(okta, sim):
    assert connect(okta, sim, secret(sim)).status_code == 200
    sim.configure(published_api_only=True)
    conn = okta.get(f"{SF_APP}/connections/default").json()
    assert conn["profile"]["authScheme"] == "UNKNOWN" and conn["status"] == "UNKNOWN"
    assert sdk.ProvisioningConnectionResponse.from_dict(conn).profile.auth_scheme.value == "UNKNOWN"
    assert connect(okta, sim, secret(sim)).json()["errorCode"] == "E0000001"
    assert okta.get(f"{SF_APP}/features/USER_PROVISIONING").json()["errorCode"] == "E0000001"
    assert "IMPORT_NEW_USERS" in okta.get(SF_APP).json()["features"]


def test_api_exposure_per_app_answers_the_status_it_names(okta, sim):
    assert connect(okta, sim, secret(sim)).status_code == 200
    expected = {400: "E0000001", 403: "E0000006", 404: "E0000007", 501: None}
    for status, code in expected.items():
        sim.patch(["okta", "api_exposure", "0oasalesforce0001"], {"connection_status": status, "features_status": status})
        for method, path in [("GET", "/connections/default"), ("POST", "/connections/default/lifecycle/activate"),
                             ("GET", "/features"), ("GET", "/features/USER_PROVISIONING"),
                             ("PUT", "/features/USER_PROVISIONING")]:
            resp = okta(method, SF_APP + path, json={} if method == "PUT" else None)
            assert resp.status_code == status, (method, path, resp.text)
            assert resp.json()["errorCode"] == code and resp.json()["errorSummary"]
    # Only the parts named are refused, only for that app; the app object still shows its features.
    sim.patch(["okta", "api_exposure", "0oasalesforce0001"], {"features_status": 404})
    assert okta.get(f"{SF_APP}/connections/default").json()["status"] == "ENABLED"
    assert okta.get("/api/v1/apps/0oasalesforce0002/connections/default").status_code == 200
    assert "IMPORT_NEW_USERS" in okta.get(SF_APP).json()["features"]


def test_api_exposure_from_the_seed(tmp_path):
    data = yaml.safe_load(DEFAULT_SEED.read_text())
    data["okta"]["apps"][0]["api_exposure"] = {"connection_status": 501}
    with Simulator(seed=data, workdir=tmp_path / "sim") as running:
        client = Client(running)
        assert client.get(f"{SF_APP}/connections/default").status_code == 501
        assert "api_exposure" not in client.get(SF_APP).json()
        assert running.state()["okta"]["api_exposure"] == {"0oasalesforce0001": {"connection_status": 501}}
