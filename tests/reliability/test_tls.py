"""TLS, for Okta (every module) and for Salesforce, in real ansible-playbook runs: a certificate from an
unknown CA, a wrong ca_path (another CA), a certificate for another host name and an expired one are
refused, each with a message that says what is wrong and what to do; ca_path makes real runs work
(writes included); validate_certs: false works but warns.

The simulator's certificate is signed by a throwaway CA that no system store holds (the environment's
REQUESTS_CA_BUNDLE is the system bundle), exactly like a proxy or a private CA. Two more simulators serve
a certificate for other names (sim.example.com, where the URL says 127.0.0.1) and an expired one, both
from their own CA, so that ca_path is right and only the name or the date is wrong.
"""
from __future__ import annotations

from tests.integration.conftest import DEFAULT_SEED
from tests.integration.test_assignment_helpers import app_users
from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, connection, credentials
from tests.reliability import figures
from tests.reliability.cases import Case, tasks_of, verdict
from tests.simulator import Simulator
from tests.simulator.tls import write_unrelated_ca

# Check mode: the module reads everything and plans the enabling, which needs the credentials.
READ_APP = {"app_id": SALESFORCE_APP, "sf_username": API_USER, "sf_password": "{{ sf_password }}",
            "sf_security_token": "{{ sf_security_token }}"}
ASSIGN_ONE = {"app_id": SALESFORCE_APP, "users": [{"login": "user0001@acme.com"}]}
CHECK = {"check_mode": True}
UNTRUSTED = ("certificate", "ca_path")
WRONG_NAME = ("not issued for this host name", "the host name the certificate was issued for", "cannot fix")
EXPIRED = ("certificate has expired", "renew", "clock")


def sf_login(**options):
    return dict({"sf_username": API_USER, "sf_password": "{{ sf_password }}", "sf_security_token": "{{ sf_security_token }}",
                 "sf_login_url": "{{ sim_url }}"}, **options)


def tls_cases():
    ca = {"ca_path": "{{ sim_ca }}"}
    wrong_ca = {"ca_path": "{{ other_ca }}"}
    insecure = {"validate_certs": False}
    return [
        Case("provisioning, unknown CA", "okta_sf_provisioning", READ_APP, UNTRUSTED, task_extra=CHECK),
        Case("assignment, unknown CA", "okta_app_assignment", ASSIGN_ONE, UNTRUSTED, task_extra=CHECK),
        Case("info, unknown CA", "okta_sf_provisioning_info", {"app_id": SALESFORCE_APP}, UNTRUSTED),
        Case("credentials test, unknown CA for Okta", "okta_sf_credentials_test",
             sf_login(sf_ca_path="{{ sim_ca }}", app_id=SALESFORCE_APP), UNTRUSTED),
        Case("credentials test, unknown CA for Salesforce", "okta_sf_credentials_test", sf_login(), ("TLS", "sf_ca_path")),
        Case("provisioning, ca_path of another CA", "okta_sf_provisioning", dict(READ_APP, **wrong_ca), UNTRUSTED),
        Case("assignment, ca_path of another CA", "okta_app_assignment", dict(ASSIGN_ONE, **wrong_ca), UNTRUSTED),
        Case("credentials test, sf_ca_path of another CA", "okta_sf_credentials_test", sf_login(sf_ca_path="{{ other_ca }}"),
             ("TLS", "sf_ca_path")),
        # Real runs with ca_path: the writes go through.
        Case("provisioning, ca_path", "okta_sf_provisioning", dict(READ_APP, **ca), fails=False),
        Case("assignment, ca_path", "okta_app_assignment", dict(ASSIGN_ONE, **ca), fails=False),
        Case("info, ca_path", "okta_sf_provisioning_info", dict({"app_id": SALESFORCE_APP}, **ca), fails=False),
        Case("credentials test, ca_path", "okta_sf_credentials_test",
             sf_login(sf_ca_path="{{ sim_ca }}", app_id=SALESFORCE_APP, **ca), fails=False),
        Case("provisioning, validate_certs false", "okta_sf_provisioning", dict(READ_APP, **insecure),
             ("validate_certs is false", "not checked"), fails=False, task_extra=CHECK),
        Case("assignment, validate_certs false", "okta_app_assignment", dict(ASSIGN_ONE, **insecure),
             ("validate_certs is false", "not checked"), fails=False, task_extra=CHECK),
        Case("credentials test, validate_certs false", "okta_sf_credentials_test",
             sf_login(sf_validate_certs=False, app_id=SALESFORCE_APP, **insecure),
             ("sf_validate_certs is false", "validate_certs is false"), fails=False),
    ]


def count(cases, run):
    verdicts = {case.name: verdict(case, run) for case in cases}
    figures.add(tls_tried=len(cases), tls_passed=sum(v is None for v in verdicts.values()))
    return {name: v for name, v in verdicts.items() if v}


def test_unknown_or_wrong_ca_is_refused_ca_path_works_validate_certs_false_warns(simulator, play, inputs_dir):
    cases = tls_cases()
    # The play's Okta options name the org and the token, but no CA: each case adds its own TLS setting.
    defaults = {"module_defaults": {"group/idm.okta_salesforce.okta": {"org_url": simulator.url, "api_token": simulator.api_token}}}
    extra_vars = dict(credentials(simulator), sim_url=simulator.url, sim_ca=simulator.ca_path,
                      other_ca=str(write_unrelated_ca(inputs_dir / "other-ca.pem")))
    simulator.clear_log()
    run = play(tasks_of(cases), extra_vars=extra_vars, extra_play=defaults)

    assert count(cases, run) == {}
    # The insecure warnings reach the admin's screen (Ansible shows each distinct warning once).
    screen = run.stdout + run.stderr
    assert "[WARNING]: validate_certs is false: the Okta server's TLS certificate is not checked" in screen
    assert "[WARNING]: sf_validate_certs is false: Salesforce's TLS certificate is not checked" in screen
    # The real runs with ca_path wrote; no refused case reached the server (its handshake failed first).
    assert run.status("provisioning, ca_path") == "changed" and run.status("assignment, ca_path") == "changed"
    assert connection(simulator)["status"] == "ENABLED"
    assert sorted(app_users(simulator)) == ["user0001@acme.com"]
    assert len(simulator.writes()) == len([e for e in simulator.writes() if e["status"] and e["status"] < 300])


def bad_certificate_cases(prefix, words):
    okta = {"org_url": "{{ %s_url }}" % prefix, "ca_path": "{{ %s_ca }}" % prefix}
    salesforce = {"sf_login_url": "{{ %s_url }}" % prefix, "sf_ca_path": "{{ %s_ca }}" % prefix}
    name = prefix.replace("_", " ")
    return [
        Case(f"provisioning, {name}", "okta_sf_provisioning", dict(READ_APP, **okta), words + ("ca_path",)),
        Case(f"assignment, {name}", "okta_app_assignment", dict(ASSIGN_ONE, **okta), words + ("ca_path",)),
        Case(f"info, {name}", "okta_sf_provisioning_info", dict({"app_id": SALESFORCE_APP}, **okta), words),
        Case(f"credentials test, {name} for Salesforce", "okta_sf_credentials_test", sf_login(**salesforce),
             words + ("sf_ca_path",)),
        Case(f"assignment, {name}, validate_certs false", "okta_app_assignment",
             dict(ASSIGN_ONE, validate_certs=False, **okta), ("validate_certs is false",), fails=False, task_extra=CHECK),
        Case(f"credentials test, {name}, sf_validate_certs false", "okta_sf_credentials_test",
             sf_login(sf_validate_certs=False, **{"sf_login_url": salesforce["sf_login_url"]}), ("sf_validate_certs is false",),
             fails=False),
    ]


def test_a_certificate_for_another_host_or_expired_is_refused_and_says_what_ca_path_cannot_fix(simulator, play, tmp_path):
    with Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim" / "wrong_host", certificate="wrong_host") as wrong_host, \
            Simulator(seed=DEFAULT_SEED, workdir=tmp_path / "sim" / "expired", certificate="expired") as expired:
        cases = bad_certificate_cases("wrong_host", WRONG_NAME) + bad_certificate_cases("expired", EXPIRED)
        defaults = {"module_defaults": {"group/idm.okta_salesforce.okta": {"api_token": simulator.api_token}}}
        extra_vars = dict(credentials(simulator), wrong_host_url=wrong_host.url, wrong_host_ca=wrong_host.ca_path,
                          expired_url=expired.url, expired_ca=expired.ca_path)
        for sim in (wrong_host, expired):
            sim.clear_log()
        run = play(tasks_of(cases), extra_vars=extra_vars, extra_play=defaults,
                   extra_secrets=wrong_host.secrets + expired.secrets)

        assert count(cases, run) == {}
        # With validate_certs false the runs got through (the check-mode assignment read the app, the login logged in).
        for sim in (wrong_host, expired):
            assert [e for e in sim.request_log() if e["path"].startswith("/api/v1/apps/")], "no Okta read got through"
            assert sim.salesforce_logins(channel="soap_login"), "no Salesforce login got through"
            assert sim.writes() == []
