"""Secrets: the Okta API token, the OAuth private key, the Salesforce password and security token, and
what the servers issue (OAuth client assertions, DPoP proofs, access tokens, Salesforce session ids) never
show, at -vvvv with --diff, in success and failure paths of every module and playbook, in the output, the
results, Ansible's log file, the reports, or any other file a run leaves behind, raw or URL-, JSON-,
XML- or HTML-escaped (tests/canaries.py: the secrets hold characters each escaping changes).

The scan itself is the `play` fixture's (every run of this suite is scanned); these runs take every
module and playbook through the paths where a secret is at hand: sent, refused, mistyped, from the
environment, through OAuth.
"""
from __future__ import annotations

import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, WANTED, connection, credentials, task
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars, write_inventory
from tests.reliability.org_states import ROLE_TO_OKTA, WANTED_GROUPS, WANTED_USERS

# Wrong secrets that a run sends and that must not show either, with characters escaping changes.
WRONG_PASSWORD = "Canary-wrong-pässwörd&<>%\"'+/7f3e"
WRONG_TOKEN = "canaryWrongToken5d21&<>'"
WRONG_API_TOKEN = "00canary-revoked&okta<token>%\"'+/9a4c"
DPOP_CLIENT = "0oadpopservice01"
SF_LOGIN = {"sf_username": API_USER, "sf_password": "{{ sf_password }}", "sf_security_token": "{{ sf_security_token }}",
            "sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}"}


def mod(name, module, options, **keywords):
    return dict({"name": name, f"idm.okta_salesforce.{module}": options, "ignore_errors": True}, **keywords)


def secret_vars(simulator):
    return dict(credentials(simulator), sim_url=simulator.url, sim_ca=simulator.ca_path,
                oauth_private_key=simulator.oauth_private_key_pem)


def unregistered_key(inputs):
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()
    (inputs / "unregistered.pem").write_text(pem)
    return [pem] + [line for line in pem.splitlines() if len(line) >= 16 and not line.startswith("-----")]


def test_modules_with_an_api_token_success_and_failure_paths(simulator, play):
    tasks = [
        mod("test the API user", "okta_sf_credentials_test", dict(SF_LOGIN, app_id=SALESFORCE_APP)),
        task("enable", **WANTED),
        task("rotate", **dict(WANTED, update_credentials="always")),
        mod("assign", "okta_app_assignment", {"app_id": SALESFORCE_APP, "users": WANTED_USERS, "groups": WANTED_GROUPS}),
        # Failures with a secret at hand: refused by Salesforce through Okta, refused by the login, by Okta.
        task("rotate with a wrong password", ignore_errors=True, **{**WANTED, "update_credentials": "always", "sf_password": WRONG_PASSWORD}),
        mod("test a wrong security token", "okta_sf_credentials_test", dict(SF_LOGIN, sf_security_token=WRONG_TOKEN)),
        mod("revoked api token", "okta_sf_provisioning", dict(WANTED, api_token=WRONG_API_TOKEN)),
        # Mistakes caught before any request, with every secret in the arguments.
        mod("to_okta given as a string", "okta_sf_provisioning", dict(WANTED, to_okta="0 2 * * 0")),
        mod("users given as a string", "okta_app_assignment", {"app_id": SALESFORCE_APP, "users": "user0001@acme.com"}),
        mod("password with a trailing space", "okta_sf_provisioning", dict(WANTED, sf_password="{{ sf_password }} ")),
        mod("password in the username", "okta_sf_credentials_test", dict(SF_LOGIN, sf_username="{{ sf_password }}")),
        # The read-only module, both ways.
        mod("read the app", "okta_sf_provisioning_info", {"app_id": SALESFORCE_APP}),
        mod("read with a revoked token", "okta_sf_provisioning_info", {"app_id": SALESFORCE_APP, "api_token": WRONG_API_TOKEN}),
    ]
    run = play(tasks, extra_vars=secret_vars(simulator), diff=True, verbosity=4,
               extra_secrets=[WRONG_PASSWORD, WRONG_TOKEN, WRONG_API_TOKEN])
    statuses = {r["task"]: r["status"] for r in run.results}
    assert [statuses[name] for name in ("test the API user", "enable", "rotate", "assign", "read the app")] == [
        "ok", "changed", "changed", "changed", "ok"]
    assert {name: status for name, status in statuses.items() if status != "failed"}.keys() == {
        "test the API user", "enable", "rotate", "assign", "read the app"}
    assert "INVALID_LOGIN" in run.result("rotate with a wrong password")["msg"]
    assert connection(simulator)["status"] == "ENABLED"
    # The masks are shown where the secrets were.
    assert "******** (will be sent)" in run.stdout
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout


def test_modules_over_oauth(simulator, play, inputs_dir):
    other_key = unregistered_key(inputs_dir)
    oauth = {"api_token": "{{ omit }}", "client_id": simulator.oauth_client_id, "private_key": "{{ oauth_private_key }}"}
    key_file = {"api_token": "{{ omit }}", "client_id": simulator.oauth_client_id}
    dpop = {"api_token": "{{ omit }}", "client_id": DPOP_CLIENT, "private_key": "{{ dpop_private_key }}",
            "key_id": simulator.oauth_clients[DPOP_CLIENT]["key_id"]}
    (inputs_dir / "registered.pem").write_text(simulator.oauth_private_key_pem)
    tasks = [
        task("enable over oauth", **dict(WANTED, **oauth)),
        mod("assign over oauth", "okta_app_assignment", dict(oauth, app_id=SALESFORCE_APP, users=WANTED_USERS)),
        mod("key file", "okta_sf_provisioning", dict(key_file, app_id=SALESFORCE_APP, private_key_file=str(inputs_dir / "registered.pem"))),
        mod("test and compare over oauth", "okta_sf_credentials_test", dict(SF_LOGIN, app_id=SALESFORCE_APP, **oauth)),
        mod("unregistered key", "okta_app_assignment", dict(key_file, app_id=SALESFORCE_APP, users=WANTED_USERS,
                                                            private_key_file=str(inputs_dir / "unregistered.pem"))),
        mod("unregistered key pasted", "okta_sf_provisioning", dict(WANTED, private_key="{{ other_key }}", **key_file)),
        mod("token without the manage scope", "okta_sf_provisioning", dict(WANTED, update_credentials="always", scopes=["okta.apps.read"], **oauth)),
        # A service app that requires DPoP: its proofs and DPoP-bound access tokens are canaries too.
        mod("read over dpop", "okta_sf_provisioning_info", dict(dpop, app_id=SALESFORCE_APP)),
        mod("assign over dpop", "okta_app_assignment", dict(dpop, app_id=SALESFORCE_APP, users=WANTED_USERS)),
    ]
    simulator.clear_log()
    seeded = set(simulator.secrets)
    run = play(tasks, extra_vars=dict(secret_vars(simulator), other_key=other_key[0],
                                      dpop_private_key=simulator.oauth_clients[DPOP_CLIENT]["private_key_pem"]),
               diff=True, verbosity=4, extra_secrets=other_key)
    statuses = {r["task"]: r["status"] for r in run.results}
    assert statuses == {"enable over oauth": "changed", "assign over oauth": "changed", "key file": "ok", "test and compare over oauth": "ok",
                        "unregistered key": "failed", "unregistered key pasted": "failed", "token without the manage scope": "failed",
                        "read over dpop": "ok", "assign over dpop": "ok"}
    log = simulator.request_log()
    assert {entry["auth"] for entry in log if entry["path"].startswith("/api/") and entry["status"] != 401} == {"Bearer", "DPoP"}
    # What the scan looked for: client assertions, DPoP proofs and access tokens the simulator issued or saw.
    # (each was a canary of this run's scan), and the session id of the Salesforce login.
    issued = set(simulator.secrets) - seeded
    tokens = [entry for entry in log if entry["path"] == "/oauth2/v1/token"]
    assert sum(1 for entry in log if entry["dpop"]) >= 3
    assert len(issued) >= len(tokens) + sum(1 for entry in tokens if entry["dpop"]) + 1, (len(issued), len(tokens))


def test_modules_with_secrets_from_the_environment(simulator, play):
    """As AWX credentials give them: OKTA_API_TOKEN, SF_PASSWORD and SF_SECURITY_TOKEN, none in the tasks."""
    secrets = credentials(simulator)
    env = {"OKTA_API_TOKEN": simulator.api_token, "SF_PASSWORD": secrets["sf_password"], "SF_SECURITY_TOKEN": secrets["sf_security_token"]}
    no_token = {"module_defaults": {"group/idm.okta_salesforce.okta": {"org_url": simulator.url, "ca_path": simulator.ca_path}}}
    tasks = [
        mod("enable from the environment", "okta_sf_provisioning", dict(WANTED, sf_password="{{ omit }}", sf_security_token="{{ omit }}")),
        mod("rotate from the environment", "okta_sf_provisioning",
            {"app_id": SALESFORCE_APP, "sf_username": API_USER, "update_credentials": "always"}),
        mod("test from the environment", "okta_sf_credentials_test",
            {"sf_login_url": "{{ sim_url }}", "sf_ca_path": "{{ sim_ca }}", "sf_username": API_USER, "app_id": SALESFORCE_APP}),
        mod("environment and a mistyped option", "okta_app_assignment", {"app_id": SALESFORCE_APP, "groups": "Sales"}),
        mod("environment token with oauth options too", "okta_app_assignment",
            {"app_id": SALESFORCE_APP, "users": WANTED_USERS, "client_id": simulator.oauth_client_id, "private_key": "{{ oauth_private_key }}"}),
    ]
    run = play(tasks, extra_vars=secret_vars(simulator), diff=True, verbosity=4, env=env, extra_play=no_token)
    statuses = {r["task"]: r["status"] for r in run.results}
    assert statuses == {"enable from the environment": "changed", "rotate from the environment": "changed", "test from the environment": "ok",
                        "environment and a mistyped option": "failed", "environment token with oauth options too": "failed"}
    assert connection(simulator)["status"] == "ENABLED"


def test_playbooks_reports_and_failed_runs(simulator, play, tmp_path, inputs_dir):
    reports = tmp_path / "reports"
    good = org_vars(simulator, reports, okta_sf_users=WANTED_USERS, okta_sf_groups=WANTED_GROUPS, **ROLE_TO_OKTA)
    wrong = dict(good, okta_sf_salesforce_password=WRONG_PASSWORD)
    inventory = write_inventory(inputs_dir / "orgs.json", {"acme_prod": good, "acme_wrong_password": wrong})
    options = {"inventory": inventory, "diff": True, "verbosity": 4, "extra_secrets": [WRONG_PASSWORD]}

    enable = play(PLAYBOOKS / "enable_salesforce_provisioning.yml", **options)
    # The audit logs in to Salesforce (and so fails on the wrong password) only when asked to.
    audit = play(PLAYBOOKS / "audit_salesforce_provisioning.yml", extra_vars={"okta_sf_audit_test_credentials": True},
                 **options)
    rotate = play(PLAYBOOKS / "rotate_salesforce_credentials.yml", **options)

    assert re.search(r"acme_prod\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", enable.stdout), enable.stdout[-2000:]
    assert enable.rc != 0   # the wrong password stops its own org only
    assert connection(simulator)["status"] == "ENABLED"
    assert audit.rc != 0 and rotate.rc != 0
    for host in ("acme_prod", "acme_wrong_password"):
        assert (reports / f"{host}.json").exists() and (reports / f"{host}.md").exists()
    assert "INVALID_LOGIN" in (reports / "acme_wrong_password.md").read_text()
