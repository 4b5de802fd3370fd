"""The playbooks as AWX runs them: ansible-runner jobs, a private data directory, credentials injected.

Two Okta orgs, each a simulator with its own API token and Salesforce API user, in one inventory:
- `acme` uses the job's credentials: AWX's "Okta API token" and "Salesforce API user" credential types,
  injected into `env/envvars` the way AWX does (OKTA_ORG_URL is acme's);
- `globex` has its own credentials in its host variables (what a vault gives);
- `stray` names globex's URL but has no Okta credential of its own: the job's token belongs to acme, so
  the host must fail before any request, and the other two must not be held up.
The simulators' request logs (with a fingerprint of each credential presented) prove where each token went.
The job runs from a "launcher" directory given as PWD, which must stay empty.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from pathlib import Path

import ansible_runner
import pytest
import yaml

from tests.ansible_env import ANSIBLE_PLAYBOOK, ansible_env
from tests.canaries import find_leaks
from tests.integration.conftest import DEFAULT_SEED, count_scan, hide_secrets
from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_awx_helpers import inject, org_seed
from tests.integration.test_playbooks_awx_credentials import salesforce_credential
from tests.integration.test_provisioning_helpers import API_USER, connection
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars, read_report
from tests.playbook_checks import escaped_exceptions, read_results
from tests.simulator import Simulator

GLOBEX_TOKEN = "00canary-ssws-globex-okta-token-8e2d41"
ISOLATION_TASK = "Stop when the Okta credential of the job belongs to another org"


def globex_seed():
    """The default org with its own API token and Salesforce secrets: another customer's org."""
    return org_seed("globex", 2, api_token=GLOBEX_TOKEN)


def fingerprint(credential):
    """As the simulator logs it (tests/simulator/server.py)."""
    return hashlib.sha256(credential.encode()).hexdigest()[:16]


def okta_requests(sim):
    return [entry for entry in sim.request_log() if entry["path"].startswith(("/api/", "/oauth2/"))]


# Both simulators run as child processes: ansible-runner forks a pty, which is safe only in a
# process without other threads.
@pytest.fixture
def simulator(tmp_path):
    with Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim-acme", subprocess=True) as sim:
        yield sim


@pytest.fixture
def globex(tmp_path):
    with Simulator(seed=globex_seed(), workdir=tmp_path / "sim-globex", subprocess=True) as sim:
        yield sim


@pytest.fixture
def job(simulator, globex, tmp_path):
    """The private data directory of an AWX job on both orgs, and a function that runs one playbook in it."""
    private = tmp_path / "job"
    shutil.copytree(PLAYBOOKS, private / "project" / "playbooks")   # AWX copies the project for each job
    (private / "inventory").mkdir(parents=True)
    (private / "env").mkdir()
    launcher = tmp_path / "launcher"
    launcher.mkdir()
    (private / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"okta_orgs": {
        "hosts": {
            "acme": {"okta_sf_groups": [{"name": "Sales"}]},
            "globex": org_vars(globex, okta_sf_groups=[{"name": "Support"}]),
            "stray": {"okta_sf_org_url": globex.url, "okta_sf_ca_path": globex.ca_path, "okta_sf_groups": [{"name": "Sales"}]},
        },
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }}))
    credentials_dir = tmp_path / "credentials"
    credentials_dir.mkdir()
    injected = inject("okta_api_token.yml", {"org_url": simulator.url, "api_token": simulator.api_token,
                                             "ca_cert": Path(simulator.ca_path).read_text()}, credentials_dir)
    injected.update(salesforce_credential(simulator, credentials_dir))
    (private / "env" / "envvars").write_text(yaml.safe_dump(injected))
    secrets = sorted(set(simulator.secrets) | set(globex.secrets))

    def run(playbook, ident):
        results_file = tmp_path / f"{ident}-results.jsonl"
        # ansible-runner starts the ansible-playbook it finds on PATH: this Python's.
        env = ansible_env({"PWD": str(launcher), "PATH": os.pathsep.join([str(Path(ANSIBLE_PLAYBOOK).parent), os.environ["PATH"]])},
                          tmp_path / ident, results_file)
        runner = ansible_runner.run(private_data_dir=str(private), playbook=f"playbooks/{playbook}", ident=ident,
                                    envvars=env, quiet=True, timeout=600)
        artifacts = private / "artifacts" / ident
        # `command` is ansible-runner's record of the job's input (its environment, with the injected
        # credentials, like env/envvars); everything else there is output.
        outputs = [path.read_text(errors="replace") for path in sorted(artifacts.rglob("*"))
                   if path.is_file() and path.name != "command"]
        leaks = find_leaks("\n".join(outputs), secrets)
        count_scan(len(outputs), leaks, loud=False)
        leaked = sorted({secret for secret, _form in leaks})
        assert not leaked, f"{len(leaked)} secret canaries in the job's artifacts (stdout, events, reports)"
        escaped = escaped_exceptions(read_results(results_file))
        assert not escaped, hide_secrets("\n".join(escaped), secrets)
        failed_events = Counter(event["event_data"]["host"] for event in runner.events
                                if event["event"] == "runner_on_failed" and not event["event_data"].get("ignore_errors"))
        stdout = hide_secrets((artifacts / "stdout").read_text(errors="replace"), secrets)
        return runner, failed_events, read_results(results_file), stdout

    run.private, run.launcher = private, launcher
    return run


def test_two_orgs_two_credentials_and_a_host_that_names_the_wrong_org(simulator, globex, job):
    acme_token, globex_token = fingerprint(simulator.api_token), fingerprint(GLOBEX_TOKEN)

    runner, failed_events, results, stdout = job("enable_salesforce_provisioning.yml", "enable")
    assert runner.status == "failed" and runner.rc == 2, stdout[-3000:]
    assert runner.stats["failures"] == {"stray": 1}, runner.stats
    assert set(runner.stats["ok"]) == {"acme", "globex", "stray"}
    assert failed_events == {"stray": 1}, failed_events          # one failed event per failed org
    stray_failure = [r for r in results if r["host"] == "stray" and r["status"] == "failed"]
    assert [r["task"].split(" : ")[-1] for r in stray_failure] == [ISOLATION_TASK]
    message = stray_failure[0]["result"]["msg"]
    assert globex.url in message and simulator.url in message and "Nothing was sent to Okta" in message
    assert "okta_sf_api_token" in message
    # stray ran no module of the collection: no request, no Salesforce login.
    assert not [r for r in results if r["host"] == "stray" and r["action"].startswith("idm.okta_salesforce.")
                and r["status"] != "skipped"]

    # Each org was configured with its own Salesforce API user, and only its own token reached it.
    assert connection(simulator)["status"] == "ENABLED" and connection(globex)["status"] == "ENABLED"
    assert connection(globex)["profile"]["username"] == API_USER
    assert set(app_groups(simulator)) == {"Sales"} and set(app_groups(globex)) == {"Support"}
    acme_log, globex_log = okta_requests(simulator), okta_requests(globex)
    assert acme_log and globex_log
    assert {entry["credential"] for entry in acme_log} == {acme_token}
    assert {entry["credential"] for entry in globex_log} == {globex_token}   # acme's token never went to globex
    assert {entry["auth"] for entry in acme_log + globex_log} == {"SSWS"}    # and no request was refused
    enable_counts = (len(acme_log), len(globex_log))

    simulator.clear_log()
    globex.clear_log()
    runner, failed_events, results, stdout = job("audit_salesforce_provisioning.yml", "audit")
    assert runner.status == "failed" and runner.stats["failures"] == {"stray": 1}, stdout[-3000:]
    assert failed_events == {"stray": 1}, failed_events
    assert simulator.writes() == [] and globex.writes() == []
    assert {entry["credential"] for entry in okta_requests(simulator)} == {acme_token}
    assert {entry["credential"] for entry in okta_requests(globex)} == {globex_token}

    # The reports are in the job's artifacts directory (docs/job_templates.md), not where it was launched.
    reports = job.private / "artifacts" / "audit" / "okta_sf_reports"
    acme = read_report(reports, "acme", simulator.secrets)[0]
    globex_report = read_report(reports, "globex", globex.secrets)[0]
    stray, stray_markdown = read_report(reports, "stray", simulator.secrets + globex.secrets)
    assert (acme["org_url"], acme["outcome"], acme["drift"]) == (simulator.url, "ok", False)
    assert (globex_report["org_url"], globex_report["outcome"], globex_report["drift"]) == (globex.url, "ok", False)
    assert stray["outcome"] == "failed" and simulator.url in stray["failure"]["message"]
    assert "failed" in stray_markdown
    assert list(job.launcher.iterdir()) == []
    assert not (job.private / "project" / "okta_sf_reports").exists()
    print(f"Okta requests, enable job: acme {enable_counts[0]}, globex {enable_counts[1]}, stray 0; "
          f"audit job: acme {len(okta_requests(simulator))}, globex {len(okta_requests(globex))}, stray 0")
