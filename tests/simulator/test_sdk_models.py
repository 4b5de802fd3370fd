"""Every public endpoint accepts requests built with the official Okta SDK's models and answers
with bodies those models parse, with no property the models do not define (apart from the
modelled Salesforce connection fields). Bodies with unknown properties are refused as Okta does."""
from __future__ import annotations

import pytest
from okta import models as sdk

from tests.simulator.validation import unknown_keys

SF_APP = "/api/v1/apps/0oasalesforce0001"
API_USER = "okta.api@acme.com"


def parses(cls, body, allowed_extra=frozenset()):
    """Parse with the SDK model and make sure the answer holds nothing the model lacks."""
    assert unknown_keys(body, [cls], free_paths=allowed_extra) == []
    parsed = cls.from_dict(body)
    assert parsed is not None
    return parsed


def enable_provisioning(okta, sim):
    user = sim.state()["salesforce"]["users"][API_USER]
    request = sdk.ProvisioningConnectionTokenRequest(
        profile=sdk.ProvisioningConnectionTokenRequestProfile(auth_scheme="TOKEN", token=user["password"] + user["security_token"]))
    body = request.to_dict()
    body["profile"]["username"] = API_USER          # the modelled part (contract section 3)
    resp = okta.post(f"{SF_APP}/connections/default", params={"activate": "true"}, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_apps_answers_parse(okta):
    apps = okta.get("/api/v1/apps").json()
    for app in apps:
        assert sdk.Application.from_dict(app).id == app["id"]
    salesforce = next(a for a in apps if a["id"] == "0oasalesforce0001")
    parsed = parses(sdk.SalesforceApplication, salesforce, {"id", "created", "lastUpdated", "features", "orn"})
    assert parsed.settings.app.instance_type == "PRODUCTION"
    bookmark = next(a for a in apps if a["name"] == "bookmark")
    assert isinstance(parses(sdk.BookmarkApplication, bookmark), sdk.BookmarkApplication)


def test_app_created_from_the_sdk_model_and_put_back_unchanged(okta):
    request = sdk.SalesforceApplication(
        name="salesforce", label="Salesforce Partners", sign_on_mode="SAML_2_0",
        settings=sdk.SalesforceApplicationSettings(app=sdk.SalesforceApplicationSettingsApplication(
            instance_type="SANDBOX", integration_type="PORTAL")))
    created = okta.post("/api/v1/apps", params={"activate": "true"}, json=request.to_dict())
    assert created.status_code == 200, created.text
    app = created.json()
    assert app["status"] == "ACTIVE" and app["settings"]["app"]["integrationType"] == "PORTAL"
    app["label"] = "Salesforce Partner Portal"
    updated = okta.put(f"/api/v1/apps/{app['id']}", json=app)
    assert updated.status_code == 200, updated.text
    assert okta.get(f"/api/v1/apps/{app['id']}").json()["label"] == "Salesforce Partner Portal"


@pytest.mark.parametrize("body, code", [
    ({"name": "salesforce", "label": "X", "signOnMode": "SAML_2_0", "colour": "red",
      "settings": {"app": {"instanceType": "SANDBOX", "integrationType": "STANDARD"}}}, "E0000003"),
    ({"name": "salesforce", "label": "X", "signOnMode": "SAML_2_0",
      "settings": {"app": {"instanceType": "SANDBOX", "integrationType": "STANDARD", "orgId": "1"}}}, "E0000003"),
    ({"name": "salesforce", "label": "X", "signOnMode": "SAML_2_0", "settings": {"app": {"instanceType": "SANDBOX"}}},
     "E0000001"),
])
def test_app_bodies_outside_the_model_are_refused(okta, sim, body, code):
    resp = okta.post("/api/v1/apps", json=body)
    assert resp.status_code == 400 and resp.json()["errorCode"] == code
    assert len(sim.state()["okta"]["apps"]) == 3


def test_assignment_requests_and_answers(okta):
    uid = okta.get("/api/v1/users/user0010@acme.com").json()["id"]
    request = sdk.AppUserAssignRequest(id=uid, scope="USER", credentials=sdk.AppUserCredentials(user_name="u10@acme.sf"),
                                       profile={"profile": "Standard User"})
    answer = okta.post(f"{SF_APP}/users", json=request.to_dict())
    assert answer.status_code == 200, answer.text
    assert parses(sdk.AppUser, answer.json()).credentials.user_name == "u10@acme.sf"
    listed = okta.get(f"{SF_APP}/users", params={"expand": "user"}).json()
    assert parses(sdk.AppUser, listed[0]).embedded["user"]["profile"]["login"] == "user0010@acme.com"
    parses(sdk.User, listed[0]["_embedded"]["user"])
    update = okta.post(f"{SF_APP}/users/{uid}", json=sdk.AppUserProfileRequestPayload(profile={"role": "Rep"}).to_dict())
    assert parses(sdk.AppUser, update.json()).profile["role"] == "Rep"
    refused = okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER", "nickname": "x"})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000003"


def test_group_assignment_and_directory_answers(okta):
    group = okta.get("/api/v1/groups", params={"search": 'profile.name eq "Sales"'}).json()[0]
    parses(sdk.Group, group)
    parses(sdk.User, okta.get("/api/v1/users", params={"limit": 1}).json()[0])
    request = sdk.ApplicationGroupAssignment(priority=2, profile={"role": "Sales Rep"})
    answer = okta.put(f"{SF_APP}/groups/{group['id']}", json=request.to_dict())
    assert answer.status_code == 200, answer.text
    assert parses(sdk.ApplicationGroupAssignment, answer.json()).priority == 2
    listed = okta.get(f"{SF_APP}/groups", params={"expand": "group"}).json()
    assert [parses(sdk.ApplicationGroupAssignment, g).id for g in listed] == [group["id"]]
    refused = okta.put(f"{SF_APP}/groups/{group['id']}", json={"priority": 1, "weight": 3})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000003"


def test_connection_and_feature_answers(okta, sim):
    parses(sdk.ProvisioningConnectionResponse, okta.get(f"{SF_APP}/connections/default").json(), {"profile.username"})
    enabled = enable_provisioning(okta, sim)
    parsed = parses(sdk.ProvisioningConnectionResponse, enabled, {"profile.username", "profile.allowPushNullValues"})
    assert parsed.status.value == "ENABLED"
    caps = sdk.CapabilitiesObject(create=sdk.CapabilitiesCreateObject(lifecycle_create=sdk.LifecycleCreateSettingObject(status="ENABLED")))
    answer = okta.put(f"{SF_APP}/features/USER_PROVISIONING", json=caps.to_dict())
    assert answer.status_code == 200, answer.text
    assert parses(sdk.UserProvisioningApplicationFeature, answer.json()).capabilities.create.lifecycle_create.status.value == "ENABLED"
    inbound = okta.get(f"{SF_APP}/features/INBOUND_PROVISIONING").json()
    parses(sdk.InboundProvisioningApplicationFeature, inbound)
    back = okta.put(f"{SF_APP}/features/INBOUND_PROVISIONING", json=inbound["capabilities"])
    assert back.status_code == 200, back.text
    for feature in okta.get(f"{SF_APP}/features").json():
        sdk.ApplicationFeature.from_dict(feature)
    refused = okta.put(f"{SF_APP}/features/USER_PROVISIONING", json={"create": {"lifecycleCreate": {"status": "ENABLED", "x": 1}}})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000003"


def test_schema_and_error_answers(okta):
    schema = okta.get("/api/v1/meta/schemas/apps/0oasalesforce0001/default").json()
    parsed = sdk.UserSchema.from_dict(schema)
    assert "salesforceGroups" in schema["definitions"]["custom"]["properties"] and parsed is not None
    missing = okta.get("/api/v1/apps/0oanothere").json()
    error = parses(sdk.Error, missing)
    assert error.error_code == "E0000007"


def test_system_log_events_parse_as_log_events(okta, sim):
    """Events of every actor kind (API token owner, service app, Okta itself, Admin Console) hold only LogEvent fields."""
    enable_provisioning(okta, sim)
    okta.put(f"{SF_APP}/features/USER_PROVISIONING", json={"create": {"lifecycleCreate": {"status": "ENABLED"}}})
    uid = okta.get("/api/v1/users/user0012@acme.com").json()["id"]
    okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER"})
    sim.admin_console_change("0oasalesforce0001", "INBOUND_PROVISIONING", {"importSettings": {"username": {"userNameFormat": "EMAIL"}}})
    sim.inject_events("application.integration.authentication_failure", "0oasalesforce0001", reason="INVALID_LOGIN")
    events = okta.get("/api/v1/logs").json()
    assert {e["actor"]["type"] for e in events} == {"User", "SystemPrincipal"}
    assert {e["actor"]["alternateId"] for e in events} >= {"api.admin@acme.com", "jane.admin@acme.com", "system@okta.com"}
    for event in events:
        parsed = parses(sdk.LogEvent, event)
        assert parsed.outcome.result == event["outcome"]["result"] and parsed.actor.id == event["actor"]["id"]
        assert all(sdk.LogTarget.from_dict(t).type == t["type"] for t in event["target"])
