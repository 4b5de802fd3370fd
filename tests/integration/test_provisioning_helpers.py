"""Helpers of the okta_sf_provisioning scenarios (no tests here): tasks, seeded states, reading results back."""
from __future__ import annotations

import copy

MODULE = "idm.okta_salesforce.okta_sf_provisioning"
SALESFORCE_APP = "0oasalesforce0001"
SANDBOX_APP = "0oasalesforce0002"
API_USER = "okta.api@acme.com"
OTHER_API_USER = "okta.permset@acme.com"

CONNECTION_PATH = f"/api/v1/apps/{SALESFORCE_APP}/connections/default"
FEATURES_PATH = f"/api/v1/apps/{SALESFORCE_APP}/features"

# What most scenarios ask for, with the secrets as variables (passed as extra vars).
WANTED = {
    "app_label": "Salesforce.com",
    "sf_username": API_USER,
    "sf_password": "{{ sf_password }}",
    "sf_security_token": "{{ sf_security_token }}",
    "allow_push_null_values": False,
    "to_app": {
        "create_users": True,
        "update_user_attributes": True,
        "deactivate_users": True,
        "sync_password": {"enabled": False},
    },
    "to_okta": {
        "schedule": {"full": "0 2 * * 0", "incremental": "0 */4 * * *", "timezone": "Europe/Paris"},
        "username_format": "email",
        "match": {"criteria": "email", "auto_confirm_exact": True},
    },
}

# The Okta capabilities that WANTED corresponds to, written out by hand (not by the code under test).
WANTED_USER_PROVISIONING = {
    "create": {"lifecycleCreate": {"status": "ENABLED"}},
    "update": {"profile": {"status": "ENABLED"}, "lifecycleDeactivate": {"status": "ENABLED"},
               "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}},
}
WANTED_INBOUND_PROVISIONING = {
    "importSettings": {
        "username": {"usernameFormat": "EMAIL"},
        "schedule": {"status": "ENABLED",
                     "fullImport": {"expression": "0 2 * * 0", "timezone": "Europe/Paris"},
                     "incrementalImport": {"expression": "0 */4 * * *", "timezone": "Europe/Paris"}},
    },
    "importRules": {"userCreateAndMatch": {
        "exactMatchCriteria": "EMAIL", "allowPartialMatch": False, "autoConfirmPartialMatch": False,
        "autoConfirmExactMatch": True, "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
}


def task(name="provisioning", ignore_errors=False, check_mode=None, module=MODULE, **args):
    """A task of `module` (okta_sf_provisioning unless told) with `args` as its options."""
    entry = {"name": name, module: args}
    if ignore_errors:
        entry["ignore_errors"] = True
    if check_mode is not None:
        entry["check_mode"] = check_mode
    return entry


def wanted(**changes):
    """WANTED with some options replaced (None removes an option)."""
    args = copy.deepcopy(WANTED)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def sf_user(simulator, username=API_USER):
    return simulator.state()["salesforce"]["users"][username]


def salesforce_connected_app(simulator, consumer_key, consumer_secret):
    """What the Salesforce admin set up for Okta's OAuth version (or rotated): one more connected app, set up like the
    seed's Okta_Provisioning, with this consumer key and secret, so that the credentials test's probe accepts them."""
    app = copy.deepcopy(simulator.state()["salesforce"]["connected_apps"]["Okta_Provisioning"])
    app.update(consumer_key=consumer_key, consumer_secret=consumer_secret)
    simulator.patch(["salesforce", "connected_apps", f"Okta_{consumer_key}"], app)


def credentials(simulator, username=API_USER):
    """Extra vars with the API user's password and security token (canaries of the seed)."""
    user = sf_user(simulator, username)
    return {"sf_password": user["password"], "sf_security_token": user["security_token"]}


def connection(simulator, app_id=SALESFORCE_APP):
    return simulator.state()["okta"]["connections"][app_id]


def features(simulator, app_id=SALESFORCE_APP):
    return simulator.state()["okta"]["features"][app_id]


def stored_secret_is(simulator, password, token, app_id=SALESFORCE_APP):
    """Whether Okta holds exactly password + token (a bool, so that no assertion message shows a secret)."""
    return connection(simulator, app_id)["profile"].get("token") == password + token


def enable_by_hand(simulator, app_id=SALESFORCE_APP, username=API_USER, user_provisioning=None, inbound=None):
    """Put the app in the state an admin leaves after enabling provisioning in the Admin Console."""
    user = sf_user(simulator, username)
    simulator.patch(["okta", "connections", app_id], {
        "authScheme": "TOKEN", "status": "ENABLED",
        "profile": {"authScheme": "TOKEN", "username": username,
                    "token": user["password"] + user["security_token"], "allowPushNullValues": False},
    })
    if user_provisioning is not None:
        simulator.patch(["okta", "features", app_id, "USER_PROVISIONING"], copy.deepcopy(user_provisioning))
    if inbound is not None:
        simulator.patch(["okta", "features", app_id, "INBOUND_PROVISIONING"], copy.deepcopy(inbound))


def writes(simulator):
    """(method, path) of every write request the simulator logged."""
    return [(entry["method"], entry["path"]) for entry in simulator.writes()]


def requests_to(simulator, method, path):
    return [entry for entry in simulator.request_log() if entry["method"] == method and entry["path"] == path]
