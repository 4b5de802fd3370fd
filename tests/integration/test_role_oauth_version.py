"""The enable_provisioning role with Okta's OAuth version (issue 13): everything but the consent is set, the
run reports 'pending consent' with the link and fails honestly until the consent is given (the simulator's
control API gives it, as the admin's browser would); then an unchanged rerun makes 0 writes. Real
ansible-playbook runs against the simulator (seed two_versions.yaml)."""
from __future__ import annotations

import pytest

from tests.integration.test_assignment_helpers import app_groups
from tests.integration.test_provisioning_helpers import connection, salesforce_connected_app, writes
from tests.integration.test_role_helpers import CONFIGURE, TEST, changed_tasks, org_vars, read_report, role_tasks, setting, status_of
from tests.simulator.seed import DEFAULT_SEED

TWO_VERSIONS = DEFAULT_SEED.with_name("two_versions.yaml")
OAUTH_APP = "0oasfoauth000001"
LIVE_TOKEN_APP = "0oasftoken000003"
CONSUMER_KEY = "3MVG9simRoleConsumerKey0001"
CONSUMER_SECRET = "canary-sf-consumer-secret-role-9d3f6b"
CONSENT_STOP = "Stop until the OAuth consent is given"
GROUPS = [{"name": "Sales", "priority": 0}]


@pytest.fixture
def two_versions(simulator):
    simulator.reset(TWO_VERSIONS)
    salesforce_connected_app(simulator, CONSUMER_KEY, CONSUMER_SECRET)
    simulator.clear_log()
    return simulator


def oauth_vars(sim, reports, **overrides):
    variables = {"okta_sf_app_label": "Salesforce OAuth", "okta_sf_auth": "oauth", "okta_sf_consumer_key": CONSUMER_KEY,
                 "okta_sf_consumer_secret": CONSUMER_SECRET, "okta_sf_groups": GROUPS}
    variables.update(overrides)
    return org_vars(sim, reports, **variables)


def test_role_enables_all_but_the_consent_fails_until_it_is_given_then_reruns_clean(two_versions, run_playbook, tmp_path):
    sim = two_versions
    reports = tmp_path / "reports"
    variables = oauth_vars(sim, reports)

    first = run_playbook(role_tasks(), extra_vars=variables, diff=True, verbosity=4, extra_secrets=[CONSUMER_SECRET])
    assert first.rc != 0
    print(first.stdout[-2500:], first.stderr[-2500:])
    assert status_of(first, CONFIGURE) == "changed", first.stdout[-3000:]
    assert status_of(first, TEST) == "ok"                  # the consumer key and secret, probed with no login
    assert status_of(first, CONSENT_STOP) == "failed"
    held = connection(sim, OAUTH_APP)
    assert held["authScheme"] == "OAUTH2" and held["profile"]["clientId"] == CONSUMER_KEY and held["consent"] == "pending"
    assert sim.state()["okta"]["features"][OAUTH_APP]["USER_PROVISIONING"]["create"]["lifecycleCreate"]["status"] == "ENABLED"
    assert app_groups(sim, OAUTH_APP)["Sales"]["priority"] == 0     # assignments done before the stop
    assert sim.salesforce_logins() == []                             # no login with the OAuth version
    report, markdown = read_report(reports, "localhost", list(sim.secrets) + [CONSUMER_SECRET])
    assert (report["outcome"], report["version"], report["consent"]) == ("failed", "oauth", "pending consent")
    assert report["consent_url"] and report["consent_url"] in report["failure"]["message"]
    assert report["failure"]["task"] == CONSENT_STOP
    assert report["credentials_test"]["passed"] is True and report["credentials_test"]["salesforce_login"] is False
    assert sim.salesforce_counts()["token_requests"] == 1             # the probe: one token request, no login
    assert setting(report, "connection.consent")["status"] == "pending consent"
    assert "| Integration version | oauth |" in markdown and "pending consent" in markdown

    # A rerun before the consent: still fails, and writes nothing.
    sim.clear_log()
    pending = run_playbook(role_tasks(), extra_vars=variables, extra_secrets=[CONSUMER_SECRET])
    assert pending.rc != 0 and status_of(pending, CONSENT_STOP) == "failed"
    assert writes(sim) == []

    # The admin's browser gives the consent: the unchanged rerun passes and makes 0 writes.
    sim.give_consent(OAUTH_APP)
    sim.clear_log()
    done = run_playbook(role_tasks(), extra_vars=variables, diff=True, verbosity=4, extra_secrets=[CONSUMER_SECRET])
    assert done.rc == 0, done.stdout
    assert changed_tasks(done) == [] and writes(sim) == []
    assert status_of(done, CONSENT_STOP) == "skipped"
    report, markdown = read_report(reports, "localhost", list(sim.secrets) + [CONSUMER_SECRET])
    assert (report["outcome"], report["version"], report["consent"], report["drift"]) == ("ok", "oauth", "consent given", False)
    assert {row["status"] for row in report["settings"]} == {"in sync"}


def test_role_asking_for_the_other_version_changes_nothing(two_versions, run_playbook, tmp_path):
    sim = two_versions
    reports = tmp_path / "reports"
    run = run_playbook(role_tasks(), extra_vars=oauth_vars(sim, reports, okta_sf_app_label="Salesforce Token Live"),
                       extra_secrets=[CONSUMER_SECRET])
    assert run.rc != 0 and status_of(run, CONFIGURE) == "failed"
    assert writes(sim) == []
    report, _markdown = read_report(reports, "localhost", list(sim.secrets) + [CONSUMER_SECRET])
    assert (report["version"], report["version_wanted"]) == ("password_token", "oauth")
    assert "switch_version" in report["failure"]["message"]
    assert setting(report, "connection.version") == {"setting": "connection.version", "wanted": "oauth",
                                                     "found": "password_token", "status": "drift"}
