"""Okta orgs in the states an audit or a rerun meets, each made on its own simulator, and an
inventory with one host per org (so one ansible-playbook process covers them all).
"""
from __future__ import annotations

import copy

from tests.integration.test_assignment_helpers import seed_with_users
from tests.integration.test_provisioning_helpers import (
    SALESFORCE_APP,
    WANTED_INBOUND_PROVISIONING,
    WANTED_USER_PROVISIONING,
    enable_by_hand,
)
from tests.integration.test_role_helpers import org_vars

WANTED_USERS = [
    {"login": "user0001@acme.com", "profile": {"role": "Sales EMEA"}},
    {"login": "user0002@acme.com"},
    {"login": "user0003@acme.com", "username": "user0003@acme.com.sf"},
]
WANTED_GROUPS = [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}]

# The role's To Okta variables for what WANTED_INBOUND_PROVISIONING holds (its To App defaults match already).
ROLE_TO_OKTA = {
    "okta_sf_to_okta_schedule_full": "0 2 * * 0",
    "okta_sf_to_okta_schedule_incremental": "0 */4 * * *",
    "okta_sf_to_okta_schedule_timezone": "Europe/Paris",
    "okta_sf_to_okta_username_format": "email",
    "okta_sf_to_okta_match_criteria": "email",
    "okta_sf_to_okta_match_auto_confirm_exact": True,
}

# The assignments of WANTED_USERS / WANTED_GROUPS as a seed holds them.
ALL_ASSIGNED = {
    "users": [{"login": "user0001@acme.com", "profile": {"role": "Sales EMEA"}}, {"login": "user0002@acme.com"},
              {"login": "user0003@acme.com", "userName": "user0003@acme.com.sf"}],
    "groups": [{"name": "Sales", "priority": 0}, {"name": "Support", "priority": 1}],
}
PARTLY_ASSIGNED = {
    "users": [{"login": "user0001@acme.com", "profile": {"role": "Support"}}],
    "groups": [{"name": "Sales", "priority": 5}],
}
WITH_EXTRAS = {
    "users": ALL_ASSIGNED["users"] + [{"login": "user0050@acme.com"}, {"login": "user0051@acme.com"}],
    "groups": ALL_ASSIGNED["groups"] + [{"name": "Salesforce Admins", "priority": 2}],
}


def _enabled(sim, assignments=None, user_provisioning=None, inbound=None):
    sim.reset(seed=seed_with_users(60, assignments=assignments or ALL_ASSIGNED))
    enable_by_hand(sim, user_provisioning=user_provisioning or WANTED_USER_PROVISIONING,
                   inbound=inbound or WANTED_INBOUND_PROVISIONING)


def fresh(sim):
    """The seed: the app exists, provisioning off, nobody assigned."""
    sim.reset()


def enabled(sim):
    """Everything as wanted: a rerun or an audit finds nothing to do."""
    _enabled(sim)


def drifted_to_app(sim):
    """Someone turned "Deactivate Users" off and password sync on in the Admin Console."""
    drift = copy.deepcopy(WANTED_USER_PROVISIONING)
    drift["update"]["lifecycleDeactivate"]["status"] = "DISABLED"
    drift["update"]["password"]["status"] = "ENABLED"
    _enabled(sim, user_provisioning=drift)


def drifted_to_okta(sim):
    """The import schedule moved to another time zone and exact matches are no longer confirmed."""
    drift = copy.deepcopy(WANTED_INBOUND_PROVISIONING)
    drift["importSettings"]["schedule"]["fullImport"]["timezone"] = "America/New_York"
    drift["importRules"]["userCreateAndMatch"]["autoConfirmExactMatch"] = False
    _enabled(sim, inbound=drift)


def published_api_only(sim):
    """An org that exposes only Okta's published API; provisioning was enabled by hand."""
    _enabled(sim)
    sim.configure(published_api_only=True)


def connection_disabled(sim):
    """The API integration was saved once, then turned off."""
    _enabled(sim)
    sim.patch(["okta", "connections", SALESFORCE_APP, "status"], "DISABLED")


def partly_assigned(sim):
    """Some wanted assignments exist, with other profile values and priority."""
    _enabled(sim, assignments=PARTLY_ASSIGNED)


def exclusive_extras(sim):
    """Every wanted assignment exists, plus users and a group an exclusive run would remove."""
    _enabled(sim, assignments=WITH_EXTRAS)


STATES = {f.__name__: f for f in (fresh, enabled, drifted_to_app, drifted_to_okta, published_api_only,
                                  connection_disabled, partly_assigned, exclusive_extras)}


def host_vars(sim, report_dir):
    """One inventory host's variables: the role's (secrets included) and what the module tasks use."""
    variables = org_vars(sim, report_dir, okta_sf_users=WANTED_USERS, okta_sf_groups=WANTED_GROUPS, **ROLE_TO_OKTA)
    variables.update(sim_url=sim.url, sim_ca=sim.ca_path, sf_password=variables["okta_sf_salesforce_password"],
                     sf_security_token=variables["okta_sf_salesforce_security_token"])
    return variables
