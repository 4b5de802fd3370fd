"""Bad input: each realistic mistake fails with a message that says what is wrong and what to do,
never with an exception escaping a module or a traceback in the message, and nothing is written to Okta.

Cases are batched, one task each, into a few ansible-playbook processes (bad_input_cases.py).
"""
from __future__ import annotations

import copy

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.test_assignment_helpers import app_users, seed_with_users
from tests.integration.test_provisioning_helpers import SALESFORCE_APP, WANTED, connection, credentials, enable_by_hand
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars, write_inventory
from tests.reliability import bad_input_cases as catalogue
from tests.reliability import figures
from tests.reliability.cases import Case, tasks_of, verdict

OKTA_FAMILIES = ["apps", "app", "app_users", "app_groups", "users", "groups", "schemas", "api", "oauth2"]


def org_state(simulator):
    """What a write would change: the Okta and Salesforce state, without the counters that reading moves
    (Okta's id counters, and the logins Salesforce records and the failed ones it counts)."""
    state = simulator.state()
    state["okta"].pop("counters", None)
    state["salesforce"].pop("login_history", None)
    for user in state["salesforce"]["users"].values():
        user.pop("failed_logins", None)
    return state


def add_duplicate_sandbox_app(simulator):
    """A second Salesforce app labelled 'Salesforce Sandbox' (someone cloned it in the Admin Console)."""
    app = copy.deepcopy(simulator.state()["okta"]["apps"]["0oasalesforce0002"])
    app["id"] = "0oasalesforce0003"
    simulator.patch(["okta", "apps", "0oasalesforce0003"], app)


def write_key_files(simulator, inputs):
    """public.pem: the registered public key (pasted instead of the private one); other.pem: an unregistered key."""
    client = next(iter(simulator.state()["okta"]["oauth_clients"].values()))
    (inputs / "public.pem").write_text(client["public_key_pem"])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    (inputs / "other.pem").write_text(pem)
    return [pem] + [line for line in pem.splitlines() if len(line) >= 16 and not line.startswith("-----")]


def case_vars(simulator, inputs):
    sso = simulator.state()["salesforce"]["users"]["okta.sso@acme.com"]
    return dict(credentials(simulator), sim_url=simulator.url, sim_ca=simulator.ca_path, inputs=str(inputs),
                oauth_client_id=simulator.oauth_client_id, oauth_private_key=simulator.oauth_private_key_pem,
                api_token_with_newline=simulator.api_token + "\n", sso_password=sso["password"], sso_token=sso["security_token"])


def run_batch(simulator, play, cases, extra_vars, extra_secrets=()):
    """Run the cases in one playbook; fail listing every case that did not behave, and any write."""
    before = org_state(simulator)
    simulator.clear_log()
    run = play(tasks_of(cases), extra_vars=extra_vars, extra_secrets=(catalogue.WRONG_PASSWORD, *extra_secrets))
    verdicts = {case.name: verdict(case, run) for case in cases}
    writes = [(entry["method"], entry["path"], entry["status"]) for entry in simulator.writes()]
    unchanged = org_state(simulator) == before
    passed = [name for name, problem in verdicts.items() if problem is None] if not writes and unchanged else []
    figures.add(bad_input_tried=len(cases), bad_input_passed=len(passed))
    problems = [f"{name}: {problem}" for name, problem in verdicts.items() if problem]
    assert not problems, f"{len(problems)} case(s) did not behave:\n" + "\n".join(problems)
    assert writes == []
    assert unchanged, "a case changed the org's state"
    return run


def test_connection_options_auth_and_app_selection(simulator, play, inputs_dir):
    add_duplicate_sandbox_app(simulator)
    other_key = write_key_files(simulator, inputs_dir)
    cases = catalogue.okta_connection_cases() + catalogue.okta_answer_cases()
    run_batch(simulator, play, cases, case_vars(simulator, inputs_dir), extra_secrets=other_key + ["00canary-wrong-token-not-issued-2b91"])


def test_provisioning_assignment_and_salesforce_options(simulator, play, inputs_dir):
    # Assignments exist, so that a mistaken exclusive list would have something to remove.
    simulator.reset(seed=seed_with_users(60, assignments={
        "users": [{"login": "user0001@acme.com"}, {"login": "user0002@acme.com"}], "groups": [{"name": "Sales", "priority": 0}]}))
    cases = catalogue.provisioning_cases() + catalogue.assignment_cases() + catalogue.salesforce_cases()
    run_batch(simulator, play, cases, case_vars(simulator, inputs_dir))


def test_credentials_mistakes_send_nothing(simulator, play, inputs_dir):
    """On an org whose API integration is already enabled by hand (where update_credentials=on_create sends no
    secret, so the mistake used to pass unnoticed), each mistake fails, names itself, and nothing reaches Okta's
    write API or Salesforce's login; plain http to the https port fails at the first attempt, without retries."""
    enable_by_hand(simulator)
    cases = catalogue.credentials_mistake_cases()
    run = run_batch(simulator, play, cases, case_vars(simulator, inputs_dir))
    assert [entry for entry in simulator.request_log() if entry["path"].startswith("/services/")] == []
    plain_http = run.result("org url over http to the https port")
    assert plain_http["api_calls"] == {"GET": 1, "total": 1}
    assert "gave up" not in plain_http["msg"]


def test_answers_slower_than_the_timeout(simulator, play, inputs_dir):
    simulator.configure(faults={"latency_ms": 2500, "families": OKTA_FAMILIES + ["salesforce"]})
    run_batch(simulator, play, catalogue.timeout_cases(), case_vars(simulator, inputs_dir))


def test_role_variables_with_mistakes(simulator, play, tmp_path, inputs_dir):
    """One org per mistake in one run of the enable playbook: each org fails with its own message."""
    cases = catalogue.role_cases()
    hosts = {name: org_vars(simulator, tmp_path / "reports", **{key: value(simulator) if callable(value) else value
                                                                for key, value in changes.items()})
             for name, (changes, _words) in cases.items()}
    before = org_state(simulator)
    simulator.clear_log()
    run = play(PLAYBOOKS / "enable_salesforce_provisioning.yml", inventory=write_inventory(inputs_dir / "orgs.json", hosts),
               extra_secrets=[catalogue.WRONG_PASSWORD])
    problems = {}
    for name, (_changes, words) in cases.items():
        failed = [r["result"] for r in run.results if r["host"] == name and r["status"] == "failed"]
        message = str(failed[-1].get("msg")) if failed else ""
        missing = [word for word in words if word.lower() not in message.lower()]
        if not failed or missing:
            problems[name] = f"lacks {missing}: {message[:500]}" if failed else "did not fail"
    writes = [(entry["method"], entry["path"], entry["status"]) for entry in simulator.writes()]
    unchanged = org_state(simulator) == before
    figures.add(bad_input_tried=len(cases), bad_input_passed=len(cases) - len(problems) if not writes and unchanged else 0)
    assert problems == {}
    assert writes == []
    assert unchanged, "a case changed the org's state"


def test_pasted_values_list_mistakes_and_unusual_secrets(simulator, play, inputs_dir):
    """Values pasted with what surrounds them, lists with a user twice or a group name two groups share; and
    secrets holding & < > % " ' and non-ASCII letters, which are no mistake and must work as given."""
    seed = seed_with_users(30)
    seed["okta"]["groups"] += [{"name": "Marketing", "description": "Marketing (Okta)"},
                               {"name": "Marketing", "description": "Marketing (imported from AD)"}]
    simulator.reset(seed=seed)
    (inputs_dir / "not-a-cert.pem").write_text("this is the password file, not a certificate\n")
    users = simulator.state()["okta"]["users"]
    user0001 = next(uid for uid, user in users.items() if user["profile"]["login"] == "user0001@acme.com")
    cases = catalogue.pasted_value_cases() + catalogue.list_mistake_cases() + catalogue.unusual_secret_cases()
    run_batch(simulator, play, cases, dict(case_vars(simulator, inputs_dir), api_token=simulator.api_token, user0001_id=user0001))


def save_logins(simulator):
    """The Salesforce logins Okta made while saving or activating an API integration (the modelled save)."""
    return [(entry["username"], entry["status"], entry["fault"])
            for entry in simulator.salesforce_logins(channel="okta_api_integration")]


def test_a_wrong_or_locked_salesforce_password_given_to_okta_is_refused_once(simulator, play):
    """okta_sf_provisioning sends the credentials to Okta, which logs in to Salesforce: a wrong password and a
    locked user are refused (400 with Salesforce's fault code), said with what to do, and never resent."""
    permset = "okta.permset@acme.com"
    simulator.patch(["salesforce", "users", permset, "locked"], True)
    before = org_state(simulator)
    simulator.clear_log()
    enable = {"app_id": SALESFORCE_APP, "sf_security_token": "{{ sf_security_token }}"}
    cases = [
        Case("wrong salesforce password given to okta", catalogue.PROVISIONING,
             dict(enable, sf_username=catalogue.API_USER, sf_password=catalogue.WRONG_PASSWORD),
             ("INVALID_LOGIN", "Nothing was written to Okta")),
        Case("locked salesforce user given to okta", catalogue.PROVISIONING,
             dict(enable, sf_username=permset, sf_password="{{ permset_password }}", sf_security_token="{{ permset_token }}"),
             ("PASSWORD_LOCKOUT", "Unlock", "no login was retried", "Nothing was written to Okta")),
    ]
    permset_user = simulator.state()["salesforce"]["users"][permset]
    run = play(tasks_of(cases), extra_vars=dict(credentials(simulator), permset_password=permset_user["password"],
                                                permset_token=permset_user["security_token"]),
               extra_secrets=[catalogue.WRONG_PASSWORD])

    verdicts = {case.name: verdict(case, run) for case in cases}
    saves = [(entry["method"], entry["status"]) for entry in simulator.writes()]
    logins = save_logins(simulator)
    figures.add(bad_input_tried=len(cases), bad_input_passed=sum(v is None for v in verdicts.values()) if len(saves) == 2 else 0)
    assert {name: v for name, v in verdicts.items() if v} == {}
    assert [run.result(case.name)["fault_code"] for case in cases] == ["INVALID_LOGIN", "PASSWORD_LOCKOUT"]
    # One refused save each (Okta's answer 400 names the fault), one Salesforce login each: nothing resent.
    assert saves == [("POST", 400), ("POST", 400)]
    assert [(user.lower(), fault) for user, _status, fault in logins] == [
        (catalogue.API_USER.lower(), "INVALID_LOGIN"), (permset, "PASSWORD_LOCKOUT")]
    assert org_state(simulator)["okta"] == before["okta"]   # nothing stored in Okta


def test_a_read_only_admin_token_stops_cleanly_and_says_what_was_and_was_not_written(simulator, play):
    """An admin whose role loses its write permission in the middle of a run (Okta answers 403 E0000006 to the
    next write): the module stops, says what Okta accepted before and what it did not write, reports changed;
    a rerun with a token that may write completes the rest."""
    token = simulator.api_token
    provisioning = dict(WANTED)
    assign = {"app_id": SALESFORCE_APP, "users": [{"login": f"user000{n}@acme.com"} for n in range(1, 5)], "max_workers": 1}
    users_before = set(app_users(simulator))
    simulator.patch(["okta", "read_only_tokens"], {token: 1})   # the connection save goes through, then no more
    simulator.clear_log()
    run = play([{"name": "enable", "idm.okta_salesforce.okta_sf_provisioning": provisioning, "ignore_errors": True}],
               extra_vars=credentials(simulator))
    result = run.result("enable")
    message = result["msg"]
    statuses = [entry["status"] for entry in simulator.writes()]
    words = ("E0000006", "403", "Written before this failure: the API integration (credentials saved and tested, enabled)",
             "Not written: the To App settings, the To Okta settings", "run the task again")
    provisioning_ok = run.status("enable") == "failed" and result["changed"] is True and all(word in message for word in words)

    simulator.patch(["okta", "read_only_tokens"], {token: 2})
    simulator.clear_log()
    run = play([{"name": "assign", "idm.okta_salesforce.okta_app_assignment": assign, "ignore_errors": True}])
    assigned = run.result("assign")
    assign_statuses = [entry["status"] for entry in simulator.writes()]
    assign_words = ("E0000006", "2 added", "the other 1 write(s) were not sent", "run the task again")
    assignment_ok = (run.status("assign") == "failed" and assigned["changed"] is True
                     and all(word.lower() in assigned["msg"].lower() for word in assign_words)
                     and sorted(assigned["added"]) == ["user0001@acme.com", "user0002@acme.com"])
    figures.add(bad_input_tried=2, bad_input_passed=int(provisioning_ok) + int(assignment_ok))

    assert statuses == [200, 403], statuses
    assert provisioning_ok, message
    assert connection(simulator)["status"] == "ENABLED"
    assert assignment_ok, assigned["msg"]
    assert assign_statuses == [200, 200, 403], assign_statuses   # nothing sent after the refusal
    assert set(app_users(simulator)) == users_before | {"user0001@acme.com", "user0002@acme.com"}

    # An admin who may write again: the rerun completes what is missing, nothing twice.
    simulator.patch(["okta", "read_only_tokens"], {})
    simulator.clear_log()
    run = play([{"name": "enable", "idm.okta_salesforce.okta_sf_provisioning": provisioning},
                {"name": "assign", "idm.okta_salesforce.okta_app_assignment": assign}], extra_vars=credentials(simulator))
    assert [run.status("enable"), run.status("assign")] == ["changed", "changed"]
    assert not [entry for entry in simulator.writes() if entry["path"].endswith("/connections/default")]
    assert sorted(run.result("assign")["added"]) == ["user0003@acme.com", "user0004@acme.com"]
