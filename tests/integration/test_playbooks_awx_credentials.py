"""The playbooks with AWX credentials: connection and secrets come only from the credential types' injectors.

The injectors are applied the way AWX applies them (tests/integration/test_awx_helpers.py): file templates
written to files, env templates rendered in a Jinja sandbox, unset optional fields rendered as empty strings.
"""
from __future__ import annotations

from pathlib import Path

from tests.ansible_env import REPO
from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_awx_helpers import inject
from tests.integration.test_provisioning_helpers import API_USER, connection, salesforce_connected_app, sf_user
from tests.integration.test_role_helpers import PLAYBOOKS, read_report, write_inventory

ENABLE = PLAYBOOKS / "enable_salesforce_provisioning.yml"


def salesforce_credential(sim, workdir, with_ca=True):
    """The API user's credential; the domain is left empty (AWX then injects an empty string)."""
    user = sf_user(sim)
    inputs = {"username": API_USER, "password": user["password"], "security_token": user["security_token"],
              "login_url": sim.url}
    if with_ca:
        inputs["ca_cert"] = Path(sim.ca_path).read_text()
    return inject("salesforce_api_user.yml", inputs, workdir)


def job_inventory(tmp_path, reports, **more_vars):
    """The inventory of a job template: no connection variable and no secret, only what to configure."""
    return write_inventory(tmp_path / "orgs.json", {"acme": dict(
        okta_sf_report_path=str(reports), okta_sf_groups=[{"name": "Sales"}], **more_vars)})


def test_api_token_and_salesforce_credentials_from_the_environment(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    env = inject("okta_api_token.yml", {
        "org_url": simulator.url, "api_token": simulator.api_token, "ca_cert": Path(simulator.ca_path).read_text(),
    }, tmp_path)
    assert env["OKTA_CA_PATH"] and Path(env["OKTA_CA_PATH"]).read_text() == Path(simulator.ca_path).read_text()
    # No CA in the Salesforce credential: SF_CA_PATH is empty, and the inventory names the CA instead.
    env.update(salesforce_credential(simulator, tmp_path, with_ca=False))
    assert env["SF_DOMAIN"] == "" and env["SF_CA_PATH"] == ""
    inventory = job_inventory(tmp_path, reports, okta_sf_salesforce_ca_path=simulator.ca_path)

    run = run_playbook(ENABLE, inventory=inventory, env=env)
    assert run.rc == 0, run.stdout
    assert connection(simulator)["status"] == "ENABLED"
    assert connection(simulator)["profile"]["username"] == API_USER
    assert set(app_groups(simulator)) == {"Sales"}
    assert {entry["auth"] for entry in simulator.request_log() if entry["path"].startswith("/api/")} == {"SSWS"}
    report = read_report(reports, "acme", simulator.secrets)[0]
    assert report["org_url"] == simulator.url
    assert report["credentials_test"]["passed"] is True


def test_oauth_service_app_credential_from_the_environment(simulator, run_playbook, tmp_path):
    reports = tmp_path / "reports"
    env = inject("okta_api_oauth.yml", {
        "org_url": simulator.url, "client_id": simulator.oauth_client_id,
        "private_key": simulator.oauth_private_key_pem, "key_id": simulator.oauth_key_id,
        "ca_cert": Path(simulator.ca_path).read_text(),
    }, tmp_path)
    assert "OKTA_API_TOKEN" not in env
    env.update(salesforce_credential(simulator, tmp_path))
    assert Path(env["SF_CA_PATH"]).read_text() == Path(simulator.ca_path).read_text()

    run = run_playbook(ENABLE, inventory=job_inventory(tmp_path, reports), env=env)
    assert run.rc == 0, run.stdout
    assert connection(simulator)["status"] == "ENABLED"
    assert {entry["auth"] for entry in simulator.request_log() if entry["path"].startswith("/api/")} == {"Bearer"}
    read_report(reports, "acme", simulator.secrets)


def test_salesforce_oauth_app_credential_runs_the_oauth_version(simulator, run_playbook, tmp_path):
    """The OAuth version's credential alone selects the version (SF_AUTH) and brings the consumer key and secret."""
    simulator.reset(REPO / "tests" / "simulator" / "seeds" / "two_versions.yaml")
    reports = tmp_path / "reports"
    secret = "canary-sf-consumer-secret-awx-4c2a91"
    env = inject("okta_api_token.yml", {
        "org_url": simulator.url, "api_token": simulator.api_token, "ca_cert": Path(simulator.ca_path).read_text(),
    }, tmp_path)
    env.update(inject("salesforce_oauth_app.yml", {"consumer_key": "3MVG9simAwxConsumerKey", "consumer_secret": secret},
                      tmp_path))
    assert env["SF_AUTH"] == "oauth"
    # Where the org's Salesforce logs in (the inventory's or the Salesforce credential's login URL and CA).
    env.update(SF_LOGIN_URL=simulator.url, SF_CA_PATH=simulator.ca_path)
    salesforce_connected_app(simulator, "3MVG9simAwxConsumerKey", secret)
    inventory = job_inventory(tmp_path, reports, okta_sf_app_label="Salesforce OAuth")

    run = run_playbook(ENABLE, inventory=inventory, env=env, extra_secrets=[secret])
    assert run.rc != 0   # the consent is pending: the run says so and fails until an admin gives it
    held = connection(simulator, "0oasfoauth000001")
    assert "clientId" in held["profile"], run.stdout[-3000:]
    assert held["profile"]["clientId"] == "3MVG9simAwxConsumerKey" and held["consent"] == "pending"
    report = read_report(reports, "acme", list(simulator.secrets) + [secret])[0]
    assert (report["version"], report["consent"]) == ("oauth", "pending consent")
    assert simulator.salesforce_logins() == []
