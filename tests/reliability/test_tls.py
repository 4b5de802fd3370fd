"""TLS: a certificate from an unknown CA is refused by default, ca_path makes it work, and
validate_certs: false works but warns, for Okta (every module) and for Salesforce.

The simulator's certificate is signed by a throwaway CA that no system store holds (the
environment's REQUESTS_CA_BUNDLE is the system bundle), exactly like a proxy or a private CA.
"""
from __future__ import annotations

from tests.integration.test_provisioning_helpers import API_USER, SALESFORCE_APP, credentials
from tests.reliability import figures
from tests.reliability.cases import Case, tasks_of, verdict

# Check mode: the module reads everything and plans the enabling, which needs the credentials.
READ_APP = {"app_id": SALESFORCE_APP, "sf_username": API_USER, "sf_password": "{{ sf_password }}",
            "sf_security_token": "{{ sf_security_token }}"}
ASSIGN_ONE = {"app_id": SALESFORCE_APP, "users": [{"login": "user0001@acme.com"}]}
CHECK = {"check_mode": True}
UNTRUSTED = ("certificate", "ca_path")


def sf_login(**options):
    return dict({"sf_username": API_USER, "sf_password": "{{ sf_password }}", "sf_security_token": "{{ sf_security_token }}",
                 "sf_login_url": "{{ sim_url }}"}, **options)


def tls_cases():
    ca = {"ca_path": "{{ sim_ca }}"}
    insecure = {"validate_certs": False}
    return [
        Case("provisioning, unknown CA", "okta_sf_provisioning", READ_APP, UNTRUSTED, task_extra=CHECK),
        Case("assignment, unknown CA", "okta_app_assignment", ASSIGN_ONE, UNTRUSTED, task_extra=CHECK),
        Case("credentials test, unknown CA for Okta", "okta_sf_credentials_test",
             sf_login(sf_ca_path="{{ sim_ca }}", app_id=SALESFORCE_APP), UNTRUSTED),
        Case("credentials test, unknown CA for Salesforce", "okta_sf_credentials_test", sf_login(), ("TLS", "sf_ca_path")),
        Case("provisioning, ca_path", "okta_sf_provisioning", dict(READ_APP, **ca), fails=False, task_extra=CHECK),
        Case("assignment, ca_path", "okta_app_assignment", dict(ASSIGN_ONE, **ca), fails=False, task_extra=CHECK),
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


def test_unknown_ca_is_refused_ca_path_works_validate_certs_false_warns(simulator, play):
    cases = tls_cases()
    # The play's Okta options name the org and the token, but no CA: each case adds its own TLS setting.
    defaults = {"module_defaults": {"group/idm.okta_salesforce.okta": {"org_url": simulator.url, "api_token": simulator.api_token}}}
    extra_vars = dict(credentials(simulator), sim_url=simulator.url, sim_ca=simulator.ca_path)
    simulator.clear_log()
    run = play(tasks_of(cases), extra_vars=extra_vars, extra_play=defaults)

    verdicts = {case.name: verdict(case, run) for case in cases}
    figures.add(tls_tried=len(cases), tls_passed=sum(v is None for v in verdicts.values()))
    assert {name: v for name, v in verdicts.items() if v} == {}
    # The insecure warnings reach the admin's screen (Ansible shows each distinct warning once).
    screen = run.stdout + run.stderr
    assert "[WARNING]: validate_certs is false: the Okta server's TLS certificate is not checked" in screen
    assert "[WARNING]: sf_validate_certs is false: Salesforce's TLS certificate is not checked" in screen
    assert simulator.writes() == []
