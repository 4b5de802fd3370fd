"""OAuth 2.0 service apps that require DPoP, and a token answer lost on the way: real ansible-playbook runs.

The simulator's seeded service app 0oadpopservice01 requires DPoP the way new Okta service apps do
(https://developer.okta.com/docs/guides/dpop/oktaresourceserver/main/): no proof, 400 invalid_dpop_proof;
a proof without a nonce, 400 use_dpop_nonce; its API calls are asked for a nonce once too. Every count
below is read from the simulator's request log. Every run is scanned for the client assertions, DPoP
proofs and access tokens the simulator saw (they are canaries, like the private keys).
"""
from __future__ import annotations

import pytest

from tests.integration.test_assignment_helpers import APPS_USERS_PATH, app_users, assignment_task, logins

DPOP_CLIENT = "0oadpopservice01"
TOKEN_PATH = "/oauth2/v1/token"
WANTED = [{"login": login} for login in logins(1, 2)]


def oauth_options(simulator, client_id, **more):
    client = simulator.oauth_clients[client_id]
    return dict({"api_token": "{{ omit }}", "client_id": client_id, "private_key": "{{ oauth_private_key }}",
                 "key_id": client["key_id"]}, **more)


def key_vars(simulator, client_id):
    return {"oauth_private_key": simulator.oauth_clients[client_id]["private_key_pem"]}


def token_requests(log):
    return [entry for entry in log if entry["path"] == TOKEN_PATH]


def test_a_service_app_that_requires_dpop_works_with_the_default_auto(simulator, run_playbook):
    simulator.clear_log()
    run = run_playbook([assignment_task(users=WANTED, **oauth_options(simulator, DPOP_CLIENT))],
                       extra_vars=key_vars(simulator, DPOP_CLIENT))

    assert run.rc == 0, run.stdout[-3000:]
    assert run.status("assign") == "changed"
    assert sorted(app_users(simulator)) == logins(1, 2)
    log = simulator.request_log()
    tokens = token_requests(log)
    # auto: no proof, refused; a proof, asked for a nonce; a proof with the nonce, a DPoP token.
    assert [(e["status"], e["dpop"], e["details"].get("error"), e["details"].get("token_type")) for e in tokens] == [
        (400, False, "invalid_dpop_proof", None), (400, True, "use_dpop_nonce", None), (200, True, None, "DPoP")]
    assert len({e["details"]["assertion_jti"] for e in tokens}) == 3   # a new client assertion every time
    api = [e for e in log if e["path"].startswith("/api/")]
    assert all(e["dpop"] for e in api)                                   # a proof with every API call
    assert [e["details"].get("error") for e in api if e["status"] == 401] == ["use_dpop_nonce"]   # the API's nonce round
    assert {e["auth"] for e in api if e["status"] != 401} == {"DPoP"}
    assert [(w["method"], w["path"]) for w in simulator.writes()] == [("POST", APPS_USERS_PATH)] * 2
    # The module counts every request it sent: token requests and the nonce retries included.
    assert run.result("assign")["api_calls"]["total"] == len(log)
    proofs = sum(1 for e in log if e["dpop"])
    print(f"\nDPoP auto: {len(log)} requests, {len(tokens)} token requests, {proofs} DPoP proofs, "
          f"{len(api)} API calls ({sum(1 for e in api if e['status'] == 401)} answered use_dpop_nonce)")
    assert proofs == len(log) - 1                                          # all but the first token request


@pytest.mark.parametrize("how", ["option", "environment"])
def test_dpop_never_with_such_an_app_fails_naming_the_setting(simulator, run_playbook, how):
    options = oauth_options(simulator, DPOP_CLIENT, **({"dpop": "never"} if how == "option" else {}))
    simulator.clear_log()
    run = run_playbook([assignment_task(users=WANTED, **options)], extra_vars=key_vars(simulator, DPOP_CLIENT),
                       env={"OKTA_DPOP": "never"} if how == "environment" else None)

    assert run.rc != 0 and run.status("assign") == "failed"
    result = run.result("assign")
    assert "The DPoP proof JWT header is missing." in result["msg"]
    assert "dpop is never" in result["msg"] and "set dpop: auto" in result["msg"] and "Require DPoP" in result["msg"]
    assert result["changed"] is False and result["api_calls"] == {"POST": 1, "total": 1}
    log = simulator.request_log()
    assert [(e["path"], e["status"], e["dpop"]) for e in log] == [(TOKEN_PATH, 400, False)]
    assert app_users(simulator) == {}


def test_a_lost_token_answer_is_retried_with_a_new_assertion(simulator, run_playbook):
    """The token was issued but its answer never arrived: resending that assertion would be a replay."""
    client_id = simulator.oauth_client_id   # a Bearer service app: the first answer lost is a token
    simulator.configure(faults={"drop_after": {TOKEN_PATH: 1}})
    simulator.clear_log()
    run = run_playbook([assignment_task(users=WANTED, **oauth_options(simulator, client_id))],
                       extra_vars=key_vars(simulator, client_id))

    assert run.rc == 0, run.stdout[-3000:]
    assert sorted(app_users(simulator)) == logins(1, 2)
    tokens = token_requests(simulator.request_log())
    assert [(e["status"], e["fault"], e["details"].get("dropped_status"), e["details"].get("token_type")) for e in tokens] == [
        (None, "drop_after", 200, "Bearer"), (200, None, None, "Bearer")]   # two tokens issued
    jtis = [e["details"]["assertion_jti"] for e in tokens]
    assert len(set(jtis)) == 2
    print(f"\nlost token answer: {len(tokens)} token requests, {len(set(jtis))} assertion jtis, 2 tokens issued")
