"""The System Log (`GET /api/v1/logs`, okta_system_log.py): Okta's polling and bounded queries, filters and keywords,
the events the simulated org writes for what happens in it, and the control calls that write events."""
from __future__ import annotations

import datetime
import re

import pytest
from okta import models as sdk

from tests.simulator.conftest import Client
from tests.simulator.validation import unknown_keys

from .test_okta_auth import assertion, token_request

SF = "0oasalesforce0001"
SF_APP = f"/api/v1/apps/{SF}"
API_USER = "okta.api@acme.com"
LOGS = "/api/v1/logs"
PUSH = "application.provision.user.push"


def links(resp) -> dict:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', resp.headers.get("Link", ""))}


def uuids(resp) -> list:
    assert resp.status_code == 200, resp.text
    return [e["uuid"] for e in resp.json()]


def bearer(sim, scope) -> Client:
    answer = token_request(sim, assertion(sim), scope=scope)
    assert answer.status_code == 200, answer.text
    return Client(sim, auth=f"Bearer {answer.json()['access_token']}")


def enable_push(okta, sim):
    user = sim.state()["salesforce"]["users"][API_USER]
    resp = okta.post(f"{SF_APP}/connections/default", params={"activate": "true"},
                     json={"profile": {"authScheme": "TOKEN", "username": API_USER,
                                       "token": user["password"] + user["security_token"]}})
    assert resp.status_code == 200, resp.text
    caps = {"create": {"lifecycleCreate": {"status": "ENABLED"}},
            "update": {"profile": {"status": "ENABLED"}, "lifecycleDeactivate": {"status": "ENABLED"}}}
    assert okta.put(f"{SF_APP}/features/USER_PROVISIONING", json=caps).status_code == 200


def user_id(okta, login):
    return okta.get(f"/api/v1/users/{login}").json()["id"]


# ----- polling -------------------------------------------------------------------------------
def test_polling_follows_next_through_pages_and_gets_new_events_later(okta, sim):
    first = sim.inject_events(PUSH, SF, count=5)
    resp = okta.get(LOGS, params={"limit": 2})
    seen = uuids(resp)
    pages = 1
    while resp.json():
        resp = okta.get(links(resp)["next"])
        seen += uuids(resp)
        pages += 1
    assert seen == first and pages == 4          # 2 + 2 + 1, then an empty page
    assert "next" in links(resp) and "self" in links(resp)
    again = okta.get(links(resp)["next"])          # nothing new: empty, and still a next link
    assert uuids(again) == [] and "next" in links(again)
    later = sim.inject_events("application.provision.user.deactivate", SF, count=3)
    got = uuids(okta.get(links(again)["next"]))
    assert got == later[:2] or got == later     # limit 2 carried in the link
    assert okta.get(links(again)["next"]).json()[0]["uuid"] == later[0]


def test_an_empty_first_poll_has_next_and_it_yields_events_written_after_it(okta, sim):
    resp = okta.get(LOGS)
    assert uuids(resp) == [] and "next" in links(resp)
    written = sim.inject_events(PUSH, SF, count=2)
    follow = okta.get(links(resp)["next"])
    assert uuids(follow) == written
    assert uuids(okta.get(links(follow)["next"])) == []


def test_bounded_query_with_until_and_descending(okta, sim):
    written = sim.inject_events(PUSH, SF, count=5)
    events = sim.system_log()
    until = events[2]["published"]
    bounded = okta.get(LOGS, params={"since": events[0]["published"], "until": until})
    assert set(uuids(bounded)) >= set(written[:3]) and all(e["published"] <= until for e in bounded.json())
    window = {"since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}
    assert uuids(okta.get(LOGS, params={"until": "2099-01-01T00:00:00Z"})) == []   # since: 7 days before until
    full = okta.get(LOGS, params={**window, "limit": 10})
    assert uuids(full) == written and "next" not in links(full)
    paged = okta.get(LOGS, params={**window, "limit": 3})
    assert uuids(paged) == written[:3] and "next" in links(paged)
    assert uuids(okta.get(links(paged)["next"])) == written[3:]
    down = okta.get(LOGS, params={"sortOrder": "DESCENDING", "limit": 3})
    assert uuids(down) == written[::-1][:3] and "next" in links(down)
    rest = okta.get(links(down)["next"])
    assert uuids(rest) == written[::-1][3:] and "next" not in links(rest)
    past = okta.get(LOGS, params={"since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00.000Z"})
    assert uuids(past) == [] and "next" not in links(past)


# ----- filter and q --------------------------------------------------------------------------
def test_filters_on_event_type_target_id_outcome_and_or(okta, sim):
    pushes = sim.inject_events(PUSH, SF, result="FAILURE", reason="INVALID_SESSION", count=2)
    sandbox = sim.inject_events("application.provision.user.deactivate", "0oasalesforce0002", result="SUCCESS")
    auth = sim.inject_events("application.integration.authentication_failure", SF, reason="INVALID_LOGIN")
    assert uuids(okta.get(LOGS, params={"filter": f'eventType eq "{PUSH}"'})) == pushes
    assert uuids(okta.get(LOGS, params={"filter": 'target.id eq "0oasalesforce0002"'})) == sandbox
    assert uuids(okta.get(LOGS, params={"filter": 'eventType sw "application.provision"'})) == pushes + sandbox
    assert uuids(okta.get(LOGS, params={"filter": 'outcome.result eq "FAILURE"'})) == pushes + auth
    either = f'eventType eq "{PUSH}" or eventType eq "application.integration.authentication_failure"'
    assert uuids(okta.get(LOGS, params={"filter": either})) == pushes + auth
    both = f'target.id eq "{SF}" and outcome.result eq "SUCCESS"'
    assert uuids(okta.get(LOGS, params={"filter": both})) == []
    user = sim.system_log()[0]["target"][2]["id"]        # the User target of the first push
    assert pushes[0] in uuids(okta.get(LOGS, params={"filter": f'target.id eq "{user}"'}))
    auth_event = sim.system_log()[-1]
    assert [t["type"] for t in auth_event["target"]] == ["AppInstance"]
    assert [t["type"] for t in sim.system_log()[0]["target"]] == ["AppInstance", "AppUser", "User"]


def test_q_keywords_are_case_insensitive_and_all_must_occur(okta, sim):
    failed = sim.inject_events(PUSH, SF, reason="LICENSE_LIMIT_EXCEEDED")
    sim.inject_events(PUSH, "0oasalesforce0002", reason="INVALID_SESSION")
    assert uuids(okta.get(LOGS, params={"q": "license_limit_exceeded"})) == failed
    assert uuids(okta.get(LOGS, params={"q": "Salesforce.com LICENSE_LIMIT_EXCEEDED"})) == failed
    assert uuids(okta.get(LOGS, params={"q": "Sandbox LICENSE_LIMIT_EXCEEDED"})) == []


@pytest.mark.parametrize("params, what", [
    ({"since": "yesterday"}, "since"),
    ({"until": "2026-13-45"}, "until"),
    ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since"),
    ({"after": "not-a-cursor"}, "after"),
    ({"limit": "1001"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"sortOrder": "UP"}, "sortOrder"),
    ({"q": " ".join(f"w{n}" for n in range(11))}, "q"),
    ({"q": "x" * 41}, "q"),
])
def test_bad_parameters_are_400_with_okta_error_shape(okta, params, what):
    resp = okta.get(LOGS, params=params)
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["errorCode"] == "E0000001" and body["errorSummary"] == f"Api validation failed: {what}"
    assert body["errorId"] == resp.headers["X-Okta-Request-Id"] and body["errorCauses"]


def test_bad_filter_is_an_invalid_search(okta):
    resp = okta.get(LOGS, params={"filter": "eventType ~ x"})
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E0000031"


def test_limit_zero_answers_an_empty_page_whose_next_skips_nothing(okta, sim):
    written = sim.inject_events(PUSH, SF, count=2)
    resp = okta.get(LOGS, params={"limit": 0})
    assert uuids(resp) == []
    follow = links(resp)["next"].replace("limit=0", "limit=10")
    assert uuids(okta.get(follow)) == written


# ----- actors, /users/me, scope, rate limits -------------------------------------------------
def test_ssws_and_oauth_requests_are_logged_with_their_principals(okta, sim):
    okta.post(f"{SF_APP}/lifecycle/deactivate")
    service = bearer(sim, "okta.apps.manage okta.logs.read")
    assert service.post(f"{SF_APP}/lifecycle/activate").status_code == 200
    by_token, by_app = service.get(LOGS).json()
    assert (by_token["eventType"], by_app["eventType"]) == ("application.lifecycle.deactivate", "application.lifecycle.activate")
    assert by_token["actor"] == {"id": "00uapiadmin000001", "type": "User", "alternateId": "api.admin@acme.com",
                                 "displayName": "API Admin", "detailEntry": None}
    assert by_app["actor"] == {"id": sim.oauth_client_id, "type": "PublicClientApp", "alternateId": sim.oauth_client_id,
                               "displayName": sim.oauth_client_id, "detailEntry": None}
    assert by_app["target"] == [{"id": SF, "type": "AppInstance", "alternateId": "Salesforce.com",
                                 "displayName": "Salesforce.com", "detailEntry": None}]
    assert by_app["transaction"]["type"] == "WEB"
    assert by_app["debugContext"]["debugData"]["requestId"] == by_app["transaction"]["id"]


def test_users_me_is_the_token_owner_for_ssws_and_404_for_a_service_app(okta, sim):
    me = okta.get("/api/v1/users/me")
    assert me.status_code == 200
    assert me.json()["id"] == "00uapiadmin000001" and me.json()["profile"]["login"] == "api.admin@acme.com"
    assert unknown_keys(me.json(), [sdk.User]) == [] and sdk.User.from_dict(me.json()) is not None
    missing = bearer(sim, "okta.users.read").get("/api/v1/users/me")
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "E0000007"
    assert missing.json()["errorSummary"] == "Not found: Resource not found: me (User)"


def test_token_owner_comes_from_the_seed(okta, sim):
    sim.patch(["okta", "api_token_owner"], {"id": "00uowner00000001", "login": "ops@acme.com", "name": "Ops Bot"})
    assert okta.get("/api/v1/users/me").json()["profile"]["login"] == "ops@acme.com"
    okta.post(f"{SF_APP}/lifecycle/activate")
    assert sim.system_log()[-1]["actor"]["displayName"] == "Ops Bot"


def test_a_bearer_token_needs_okta_logs_read(sim):
    refused = bearer(sim, "okta.apps.read").get(LOGS)
    assert refused.status_code == 403 and refused.json()["errorCode"] == "E0000006"
    assert 'scope="okta.logs.read"' in refused.headers["WWW-Authenticate"]
    assert bearer(sim, "okta.logs.read").get(LOGS).status_code == 200


def test_logs_have_their_own_rate_limit_family(okta, sim):
    sim.configure(rate_limit={"limit": 100, "window": 60, "families": {"logs": {"limit": 2, "window": 60}}})
    answers = [okta.get(LOGS), okta.get(LOGS), okta.get(LOGS)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["X-Rate-Limit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert {a.headers["X-Rate-Limit-Limit"] for a in answers} == {"2"} and answers[0].headers["X-Rate-Limit-Reset"]
    assert answers[2].json()["errorCode"] == "E0000047"
    assert okta.get("/api/v1/apps").status_code == 200     # another family's budget is untouched
    assert {e["family"] for e in sim.request_log() if e["path"] == LOGS} == {"logs"}


# ----- events written by what happens in the org ---------------------------------------------
def test_app_create_update_and_lifecycle_are_logged(okta, sim):
    created = okta.post("/api/v1/apps", json={"name": "salesforce", "label": "SF Partners", "signOnMode": "SAML_2_0",
                                              "settings": {"app": {"instanceType": "SANDBOX", "integrationType": "STANDARD"}}})
    app = created.json()
    app["label"] = "SF Partner Portal"
    assert okta.put(f"/api/v1/apps/{app['id']}", json=app).status_code == 200
    okta.post(f"/api/v1/apps/{app['id']}/lifecycle/deactivate")
    refused = okta.put(f"/api/v1/apps/{app['id']}", json={**app, "signOnMode": "NOPE"})
    assert refused.status_code == 400                      # not applied: no event
    events = okta.get(LOGS, params={"filter": f'target.id eq "{app["id"]}"'}).json()
    assert [e["eventType"] for e in events] == ["application.lifecycle.create", "application.lifecycle.update",
                                                "application.lifecycle.deactivate"]
    assert events[1]["target"][0]["displayName"] == "SF Partner Portal"
    assert all(e["outcome"] == {"result": "SUCCESS", "reason": None} for e in events)


def test_connection_save_and_feature_update_are_logged_as_app_updates(okta, sim):
    enable_push(okta, sim)
    okta.post(f"{SF_APP}/connections/default/lifecycle/deactivate")
    events = okta.get(LOGS, params={"filter": 'eventType eq "application.lifecycle.update"'}).json()
    debug = [e["debugContext"]["debugData"] for e in events]
    assert debug[0]["connection"] == "API integration" and debug[0]["action"] == "save"
    assert debug[1]["feature"] == "USER_PROVISIONING"
    assert debug[2]["connection"] == "API integration" and debug[2]["action"] == "deactivate"
    assert {e["actor"]["alternateId"] for e in events} == {"api.admin@acme.com"}
    refused = okta.put(f"{SF_APP}/features/USER_PROVISIONING", json={"create": {"lifecycleCreate": {"status": "MAYBE"}}})
    assert refused.status_code == 400 and len(sim.system_log()) == 3


def test_assignments_and_provisioning_pushes_are_logged(okta, sim):
    enable_push(okta, sim)
    uid = user_id(okta, "user0005@acme.com")
    sim.clear_log()
    assigned = okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER", "credentials": {"userName": "u5@acme.sf"},
                                                  "profile": {"profile": "Standard User"}})
    assert assigned.status_code == 200, assigned.text
    okta.post(f"{SF_APP}/users/{uid}", json={"profile": {"role": "Rep"}})
    okta.delete(f"{SF_APP}/users/{uid}")
    group = okta.get("/api/v1/groups", params={"search": 'profile.name eq "Salesforce Admins"'}).json()[0]
    okta.put(f"{SF_APP}/groups/{group['id']}", json={})
    okta.delete(f"{SF_APP}/groups/{group['id']}")
    types = [e["eventType"] for e in okta.get(LOGS, params={"filter": f'target.id eq "{SF}"', "limit": 50}).json()]
    start = types.index("application.user_membership.add")
    assert types[start:start + 5] == ["application.user_membership.add", PUSH,
                                      "application.provision.user.push_profile",
                                      "application.user_membership.remove", "application.provision.user.deactivate"]
    assert types[start + 5] == "group.application_assignment.add"
    assert types[start + 6:start + 9] == [PUSH] * 3        # the group's three members pushed
    assert types[start + 9:] == ["group.application_assignment.remove"] + ["application.provision.user.deactivate"] * 3
    push = okta.get(LOGS, params={"filter": f'eventType eq "{PUSH}" and target.id eq "{uid}"'}).json()[0]
    assert push["actor"]["type"] == "SystemPrincipal" and push["actor"]["id"] == "0000000000000000000"
    assert push["target"][1] == {"id": uid, "type": "AppUser", "alternateId": "u5@acme.sf", "displayName": "User 0005",
                                 "detailEntry": None}
    assert push["target"][2]["alternateId"] == "user0005@acme.com" and push["transaction"]["type"] == "JOB"
    membership = next(e for e in sim.system_log() if e["eventType"] == "application.user_membership.add")
    assert [t["type"] for t in membership["target"]] == ["AppInstance", "User"]


def test_a_failed_push_is_logged_as_a_failure(okta, sim):
    enable_push(okta, sim)
    uid = user_id(okta, "user0007@acme.com")
    sim.configure(faults={"fail_users": [{"user": "user0007@acme.com", "errorCauses": ["Salesforce refused: DUPLICATE_USERNAME"]}]})
    assert okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER"}).status_code == 400
    failed = okta.get(LOGS, params={"filter": 'outcome.result eq "FAILURE"'}).json()
    assert len(failed) == 1 and failed[0]["eventType"] == PUSH
    assert failed[0]["outcome"] == {"result": "FAILURE", "reason": "Salesforce refused: DUPLICATE_USERNAME"}
    assert not okta.get(LOGS, params={"filter": 'eventType eq "application.user_membership.add"'}).json()


def test_no_push_events_while_provisioning_is_off(okta, sim):
    uid = user_id(okta, "user0009@acme.com")
    okta.post(f"{SF_APP}/users", json={"id": uid, "scope": "USER"})
    assert [e["eventType"] for e in sim.system_log()] == ["application.user_membership.add"]


# ----- control calls -------------------------------------------------------------------------
def test_admin_console_change_edits_settings_and_writes_one_event(okta, sim):
    enable_push(okta, sim)
    before = len(sim.system_log())
    event = sim.admin_console_change(SF, "USER_PROVISIONING", {"update": {"lifecycleDeactivate": {"status": "DISABLED"}}})
    caps = okta.get(f"{SF_APP}/features/USER_PROVISIONING").json()["capabilities"]
    assert caps["update"]["lifecycleDeactivate"]["status"] == "DISABLED" and caps["update"]["profile"]["status"] == "ENABLED"
    assert "PUSH_USER_DEACTIVATION" not in okta.get(SF_APP).json()["features"]
    log = sim.system_log()
    assert len(log) == before + 1 and log[-1] == event
    assert event["eventType"] == "application.lifecycle.update"
    assert event["actor"] == {"id": "00uconsoleadmin01", "type": "User", "alternateId": "jane.admin@acme.com",
                              "displayName": "Jane Admin", "detailEntry": None}
    assert event["client"]["userAgent"]["browser"] == "CHROME" and event["transaction"]["type"] == "WEB"
    assert event["debugContext"]["debugData"]["feature"] == "USER_PROVISIONING"
    inbound = sim.admin_console_change(SF, "INBOUND_PROVISIONING", {"importRules": {"userCreateAndMatch": {"autoActivateNewUsers": True}}})
    assert inbound["target"][0]["id"] == SF
    assert sim.state()["okta"]["features"][SF]["INBOUND_PROVISIONING"]["importRules"]["userCreateAndMatch"]["autoActivateNewUsers"] is True
    with pytest.raises(ValueError):
        sim.admin_console_change(SF, "PUSH_NEW_USERS", {})


def test_injected_events_name_users_and_actor(okta, sim):
    for login in ("user0030@acme.com", "user0031@acme.com"):
        okta.post(f"{SF_APP}/users", json={"id": user_id(okta, login), "scope": "USER"})
    ids = sim.inject_events(PUSH, SF, count=3, reason="boom")
    events = [e for e in sim.system_log() if e["uuid"] in ids]
    assert len(events) == 3 and all(e["outcome"] == {"result": "FAILURE", "reason": "boom"} for e in events)
    logins = [e["target"][2]["alternateId"] for e in events]
    assert logins == ["user0030@acme.com", "user0031@acme.com", "user0030@acme.com"]   # the app's users, cycling
    assert all(e["actor"]["type"] == "SystemPrincipal" for e in events)
    named = sim.inject_events(PUSH, SF, result="SUCCESS", user_logins=["user0042@acme.com"])
    assert sim.system_log()[-1]["uuid"] == named[0]
    assert sim.system_log()[-1]["target"][2]["alternateId"] == "user0042@acme.com"
    actor = {"id": "00ux", "type": "User", "alternateId": "x@acme.com", "displayName": "X", "detailEntry": None}
    sim.inject_events("application.integration.rate_limit_exceeded", SF, actor=actor)
    assert sim.system_log()[-1]["actor"] == actor and len(sim.system_log()[-1]["target"]) == 1
    sim.reset()
    assert sim.system_log() == [] and sim.state()["okta"]["system_log"] == []


def test_every_event_parses_with_the_sdk_model(okta, sim):
    enable_push(okta, sim)
    okta.post(f"{SF_APP}/users", json={"id": user_id(okta, "user0003@acme.com"), "scope": "USER"})
    sim.admin_console_change(SF, "USER_PROVISIONING", {"update": {"password": {"status": "ENABLED"}}})
    sim.inject_events("application.integration.authentication_failure", SF)
    events = okta.get(LOGS).json()
    assert len(events) >= 5
    for event in events:
        assert unknown_keys(event, [sdk.LogEvent]) == []
        parsed = sdk.LogEvent.from_dict(event)
        assert parsed.uuid == event["uuid"] and parsed.event_type == event["eventType"]
        published = datetime.datetime.strptime(event["published"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert published.year >= 2024 and event["published"].endswith("Z") and len(event["published"]) == 24
