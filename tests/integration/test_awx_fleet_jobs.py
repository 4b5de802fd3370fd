"""The three playbooks as AWX job templates run them on a fleet of Okta orgs: ansible-runner jobs, the
collection's credential types injected as AWX injects them (tests/integration/test_awx_helpers.py), job events.

Three Okta orgs, each a simulator with its own secrets, in one inventory:
- `acme` takes the job's credentials ("Okta API token" + "Salesforce API user for Okta"), injected as AWX does;
- `globex` has its own credentials in its host variables (what a vault gives);
- `initech` too, but its API token was revoked: Okta refuses it, so initech fails in every job, and the
  other orgs must finish as if it were not there.
The jobs, in order: enable (Run, Show changes), audit as a Run job (Variables okta_sf_fail_on_drift),
an admin changes a setting in globex, audit as a Check job at verbosity 4, the audit of acme alone with the
"Okta API service app" credential (one job per org), a password reset and rotate (verbosity 4).
Every job's artifacts (stdout, job events, reports) and every file it wrote are scanned for every secret
in raw, URL-, JSON-, XML/HTML-escaped form.
"""
from __future__ import annotations

import os
import shlex
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import ansible_runner
import pytest
import yaml

from tests.ansible_env import ANSIBLE_PLAYBOOK, ansible_env
from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_awx_helpers import Injected, inject_credential, org_seed, secret_leaks
from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, connection, features, sf_user, stored_secret_is
from tests.integration.test_role_helpers import PLAYBOOKS, org_vars
from tests.playbook_checks import escaped_exceptions, read_results
from tests.simulator import Simulator

REVOKED_TOKEN = "00canary-revoked-initech-okta-token-41c7"
ORGS = ("acme", "globex", "initech")
HEALTHY = ("acme", "globex")


@pytest.fixture
def fleet(tmp_path):
    """The three orgs' simulators, as child processes (ansible-runner forks a pty: no threads here)."""
    sims = {}
    try:
        for number, name in enumerate(ORGS, start=1):
            seed = org_seed(name, number)
            sims[name] = Simulator(seed=seed, workdir=tmp_path / f"sim-{name}", subprocess=True)
        yield SimpleNamespace(**sims)
    finally:
        for sim in sims.values():
            sim.close()


class AwxJobs:
    """A project, an inventory and the launcher of AWX jobs: each job gets a private data directory
    (project copied, inventory, credentials injected into env/), as AWX's job runner builds it."""

    def __init__(self, fleet, tmp_path):
        self.fleet, self.tmp_path = fleet, tmp_path
        self.launcher = tmp_path / "launcher"   # the directory AWX's worker runs from: must stay empty
        self.launcher.mkdir()
        self.extra_secrets = {REVOKED_TOKEN}
        self.job_id = 0
        self.inventory = {"okta_orgs": {
            "hosts": {
                "acme": {"okta_sf_groups": [{"name": "Sales"}]},
                "globex": org_vars(fleet.globex, okta_sf_groups=[{"name": "Support"}]),
                "initech": org_vars(fleet.initech, okta_sf_api_token=REVOKED_TOKEN, okta_sf_groups=[{"name": "Sales"}]),
            },
            "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        }}

    def secrets(self):
        return set().union(*(sim.secrets for sim in vars(self.fleet).values())) | self.extra_secrets

    def okta_token_credential(self, private):
        sim = self.fleet.acme
        return inject_credential("okta_api_token.yml", {
            "org_url": sim.url, "api_token": sim.api_token, "ca_cert": Path(sim.ca_path).read_text()}, private)

    def okta_service_app_credential(self, private):
        sim = self.fleet.acme
        return inject_credential("okta_api_oauth.yml", {
            "org_url": sim.url, "client_id": sim.oauth_client_id, "private_key": sim.oauth_private_key_pem,
            "key_id": sim.oauth_key_id, "dpop": "", "ca_cert": Path(sim.ca_path).read_text()}, private)

    def salesforce_credential(self, private):
        sim, user = self.fleet.acme, sf_user(self.fleet.acme)
        return inject_credential("salesforce_api_user.yml", {
            "username": API_USER, "password": user["password"], "security_token": user["security_token"],
            "domain": "", "login_url": sim.url, "ca_cert": Path(sim.ca_path).read_text()}, private)

    def launch(self, ident, playbook, okta="token", job_type="run", diff=False, verbosity=0, variables=None, limit=None):
        """One job; returns what a user sees of it. Fails the test when a secret is in any output."""
        private = self.tmp_path / "jobs" / ident
        shutil.copytree(PLAYBOOKS, private / "project" / "playbooks")
        (private / "inventory").mkdir(parents=True)
        (private / "inventory" / "hosts.yml").write_text(yaml.safe_dump(self.inventory))
        okta_credential = self.okta_token_credential if okta == "token" else self.okta_service_app_credential
        credentials = Injected().update(okta_credential(private)).update(self.salesforce_credential(private))
        # AWX's command line: the credentials' extra vars files, --check for a Check job, --diff for Show changes.
        cmdline = credentials.args + (["--check"] if job_type == "check" else []) + (["--diff"] if diff else [])
        work = self.tmp_path / "work" / ident
        results_file = work / "results.jsonl"
        self.job_id += 1
        env = ansible_env({"PWD": str(self.launcher), "JOB_ID": str(self.job_id),
                           "PATH": os.pathsep.join([str(Path(ANSIBLE_PLAYBOOK).parent), os.environ["PATH"]])},
                          work, results_file)
        env.update(credentials.env)
        runner = ansible_runner.run(private_data_dir=str(private), playbook=f"playbooks/{playbook}", ident=ident,
                                    envvars=env, extravars=variables or {}, cmdline=shlex.join(cmdline) or None,
                                    limit=limit, verbosity=verbosity or None, quiet=True, timeout=600)
        artifacts = private / "artifacts" / ident
        secrets = self.secrets()
        # Outputs: the job's artifacts (stdout, job_events/, reports; `command` is ansible-runner's record of
        # the job's input environment, the injected credentials included, as env/ is), the events as
        # ansible-runner hands them over, and every file the run wrote outside the private data directory.
        outputs = {str(path): path.read_text(errors="replace") for path in sorted(artifacts.rglob("*"))
                   if path.is_file() and path.name != "command"}
        outputs["events"] = repr(list(runner.events))
        outputs.update({str(path): path.read_text(errors="replace") for path in sorted(work.rglob("*")) if path.is_file()})
        leaks = {Path(name).name: found for name, text in outputs.items() if (found := secret_leaks(text, secrets))}
        assert not leaks, f"secrets (number, form) in the outputs of job {ident}: {leaks}"
        assert list(self.launcher.iterdir()) == []
        escaped = escaped_exceptions(read_results(results_file))
        assert not escaped, f"{len(escaped)} exceptions escaped a module in job {ident}"
        events = list(runner.events)
        failed = Counter(event["event_data"]["host"] for event in events
                         if event["event"] == "runner_on_failed" and not event["event_data"].get("ignore_errors"))
        stats = [event["event_data"] for event in events if event["event"] == "playbook_on_stats"]
        assert len(stats) == 1, [event["event"] for event in events][-5:]
        return SimpleNamespace(runner=runner, failed=failed, stats=stats[0], results=read_results(results_file),
                               artifacts=artifacts, stdout=(artifacts / "stdout").read_text(errors="replace"),
                               events=events, outputs=len(outputs))


def okta_requests(sim):
    return [entry for entry in sim.request_log() if entry["path"].startswith(("/api/", "/oauth2/"))]


def clear_logs(fleet):
    for sim in vars(fleet).values():
        sim.clear_log()


def assert_only_initech_failed(job):
    assert job.runner.status == "failed" and job.runner.rc == 2, job.stdout[-3000:]
    assert job.stats["failures"] == {"initech": 1}, job.stats
    assert job.failed == {"initech": 1}, job.failed                    # one failed event, for the failed org
    assert set(job.stats["ok"]) >= set(HEALTHY), job.stats


def initech_failure(job):
    failures = [r for r in job.results if r["host"] == "initech" and r["status"] == "failed"]
    assert len(failures) == 1, failures
    return failures[0]["result"]["msg"]


def read_reports(job, hosts):
    reports = job.artifacts / "okta_sf_reports"
    return {host: yaml.safe_load((reports / f"{host}.json").read_text()) for host in hosts}


def test_enable_audit_and_rotate_jobs_across_three_orgs(fleet, tmp_path):
    jobs = AwxJobs(fleet, tmp_path)
    figures = []

    # ---- enable, Run with Show changes ----
    job = jobs.launch("enable", "enable_salesforce_provisioning.yml", diff=True)
    assert_only_initech_failed(job)
    # initech stopped at its first Okta request, with what to do; the revoked token itself is not shown.
    assert "(HTTP 401)" in initech_failure(job) and "Check api_token" in initech_failure(job), initech_failure(job)
    for name in HEALTHY:
        sim = getattr(fleet, name)
        assert connection(sim)["status"] == "ENABLED" and connection(sim)["profile"]["username"] == API_USER
    assert set(app_groups(fleet.acme)) == {"Sales"} and set(app_groups(fleet.globex)) == {"Support"}
    assert fleet.initech.writes() == [] and connection(fleet.initech)["status"] != "ENABLED"
    assert {entry["auth"] for entry in okta_requests(fleet.acme) + okta_requests(fleet.globex)} == {"SSWS"}
    figures.append(f"enable: {len(job.events)} events, {job.outputs} outputs scanned")

    # ---- audit, Run job; the job template's Variables ask to fail on drift ----
    clear_logs(fleet)
    job = jobs.launch("audit-run", "audit_salesforce_provisioning.yml", variables={"okta_sf_fail_on_drift": True})
    assert_only_initech_failed(job)
    assert all(sim.writes() == [] for sim in vars(fleet).values())
    reports = read_reports(job, ORGS)
    assert [(reports[name]["outcome"], reports[name]["drift"]) for name in HEALTHY] == [("ok", False)] * 2
    assert reports["initech"]["outcome"] == "failed"
    published = job.stats["artifact_data"]["okta_sf_audit"]      # set_stats: the job's artifacts in AWX
    assert sorted(published) == list(HEALTHY) and not any(published[name]["drift"] for name in HEALTHY)
    figures.append(f"audit run: {len(job.events)} events")

    # ---- an admin unticks "Deactivate Users" in globex; audit as a Check job at verbosity 4 ----
    fleet.globex.patch(["okta", "features", SALESFORCE_APP, "USER_PROVISIONING", "update", "lifecycleDeactivate",
                        "status"], "DISABLED")
    clear_logs(fleet)
    job = jobs.launch("audit-check", "audit_salesforce_provisioning.yml", job_type="check", verbosity=4,
                      variables={"okta_sf_fail_on_drift": True})
    assert job.runner.status == "failed" and job.stats["failures"] == {"globex": 1, "initech": 1}, job.stats
    assert job.failed == {"globex": 1, "initech": 1}
    assert all(sim.writes() == [] for sim in vars(fleet).values())
    assert features(fleet.globex)["USER_PROVISIONING"]["update"]["lifecycleDeactivate"]["status"] == "DISABLED"
    reports = read_reports(job, ORGS)
    assert (reports["acme"]["outcome"], reports["acme"]["drift"]) == ("ok", False)
    assert reports["globex"]["drift"] is True
    assert [row["setting"] for row in reports["globex"]["settings"] if row["status"] == "drift"], reports["globex"]
    assert reports["initech"]["outcome"] == "failed"
    figures.append(f"audit check -vvvv: {len(job.events)} events")

    # ---- audit of acme alone with the Okta API service app credential (one job per org) ----
    clear_logs(fleet)
    job = jobs.launch("audit-acme-oauth", "audit_salesforce_provisioning.yml", okta="oauth", limit="acme")
    assert job.runner.status == "successful" and job.runner.rc == 0, job.stdout[-3000:]
    assert {entry["auth"] for entry in okta_requests(fleet.acme) if entry["path"].startswith("/api/")} == {"Bearer"}
    assert okta_requests(fleet.globex) == [] and okta_requests(fleet.initech) == []
    assert read_reports(job, ["acme"])["acme"]["drift"] is False

    # ---- the API users' passwords are reset in Salesforce; the credentials (AWX's and the vault's) are
    # updated; rotate at verbosity 4 ----
    new = {}
    for number, name in enumerate(ORGS, start=1):
        sim = getattr(fleet, name)
        new[name] = (f"Canary-rotated-{name}-password-{number}e9", f"canaryRotated{name.title()}Token{number}f")
        sim.patch(["salesforce", "users", API_USER, "password"], new[name][0])
        sim.patch(["salesforce", "users", API_USER, "security_token"], new[name][1])
    for name in ("globex", "initech"):
        jobs.inventory["okta_orgs"]["hosts"][name].update(
            okta_sf_salesforce_password=new[name][0], okta_sf_salesforce_security_token=new[name][1])
    clear_logs(fleet)
    job = jobs.launch("rotate", "rotate_salesforce_credentials.yml", verbosity=4)
    assert_only_initech_failed(job)
    for name in HEALTHY:
        assert stored_secret_is(getattr(fleet, name), *new[name]), f"Okta of {name} does not hold the new credentials"
        assert connection(getattr(fleet, name))["status"] == "ENABLED"
    assert fleet.initech.writes() == []
    figures.append(f"rotate -vvvv: {len(job.events)} events")
    print("; ".join(figures))


def test_the_scan_finds_every_form_of_a_secret():
    """The scanner the jobs' outputs go through finds a secret however it was escaped, and names no secret."""
    secret = "Canary p@ss/wörd&<x>\"'+1"
    texts = {
        "raw": f"x {secret} y",
        "url": "https://h/?p=Canary%20p%40ss%2Fw%C3%B6rd%26%3Cx%3E%22%27%2B1",
        "form": "p=Canary+p%40ss%2Fw%C3%B6rd%26%3Cx%3E%22%27%2B1",
        "json": '{"p": "Canary p@ss/w\\u00f6rd&<x>\\"\'+1"}',
        "html": "<td>Canary p@ss/wörd&amp;&lt;x&gt;&quot;&#x27;+1</td>",
        "xml": "<p>Canary p@ss/wörd&amp;&lt;x&gt;&quot;&apos;+1</p>",
    }
    for form, text in texts.items():
        assert secret_leaks(text, [secret]), form
    assert secret_leaks("nothing here", [secret]) == []
    assert str(secret_leaks(texts["raw"], [secret])).find("Canary") == -1
