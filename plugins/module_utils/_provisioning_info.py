# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading logic of okta_sf_provisioning_info (internal): what one or every Salesforce app holds.

Only GET requests. Each app is described in the vocabulary okta_sf_provisioning returns (`app`,
`connection`, `to_app`, `to_okta`, `settings_source`, `unverified`, `features`), plus assignment
counts. A read that only feeds the description never fails the task when the org does not expose
it (any answer `_okta_api_integration.not_exposed` recognises: a 4xx but 401/407/408/429, or 501):
the entry says what could not be read, and why, instead.
"""

from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_api_integration import (
    read_connection,
    refusal_text,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import admin_console_url, app_summary, find_app, list_apps
from ansible_collections.idm.okta_salesforce.plugins.module_utils import _provisioning_settings as settings

APPS_PATH = "/api/v1/apps"
APP_USERS_PAGE_SIZE = 500
APP_GROUPS_PAGE_SIZE = 200

# What the app's `features` array cannot show of To App (booleans only) and of To Okta (nothing).
NOT_IN_FEATURES_ARRAY = ["to_app.sync_password.seed", "to_app.sync_password.change", "to_okta"]


def _read_capabilities(client, app_id):
    """(capabilities by feature name, None) or (None, reason) when the features API is not exposed here."""
    caps, refusal = settings.read_capabilities(client, app_id)
    if refusal is not None:
        return None, refusal_text(refusal, f"the features API ({(refusal.path or '').rsplit('/', 1)[-1]})")
    return caps, None


def assignment_counts(client, app_id):
    """Users assigned directly (scope USER), through a group (scope GROUP), and groups assigned."""
    counts = {"users_direct": 0, "users_group": 0, "groups": 0}
    for app_user in client.paginate(f"{APPS_PATH}/{app_id}/users", params={"limit": APP_USERS_PAGE_SIZE}):
        if app_user.get("scope") == "GROUP":
            counts["users_group"] += 1
        else:
            counts["users_direct"] += 1
    groups = client.paginate(f"{APPS_PATH}/{app_id}/groups", params={"limit": APP_GROUPS_PAGE_SIZE})
    counts["groups"] = sum(1 for _group in groups)
    return counts


def describe_app(client, app, with_assignments=True):
    """One entry of the module's `apps`: what Okta holds for this Salesforce app, read with GETs only."""
    app_id = app["id"]
    features = list(app.get("features") or [])
    connection = read_connection(client, app_id)
    connection_reason = connection.not_exposed_reason
    caps, settings_reason = _read_capabilities(client, app_id)
    unverified, reasons = [], []
    if connection_reason:
        unverified.append("connection")
        reasons.append(connection_reason)
    if caps is not None:
        source = "features_api"
        to_app = settings.to_app_view(caps.get(settings.USER_PROVISIONING))
        to_okta = settings.to_okta_view(caps.get(settings.INBOUND_PROVISIONING))
    else:
        # Okta answers 400 until provisioning is on, and refuses the read in an org that does not expose
        # the features API for Salesforce: the read-only `features` array is then the one signal left.
        source = "app_features"
        to_app = settings.to_app_from_features(features)
        to_okta = None
        unverified.extend(NOT_IN_FEATURES_ARRAY)
        reasons.append(settings_reason)
    return {
        "app": app_summary(client, app),
        "connection": _connection_result(client, app, connection, connection_reason),
        "to_app": to_app,
        "to_okta": to_okta,
        "settings_source": source,
        "unverified": unverified,
        "unverified_reason": "; ".join(reasons) or None,
        "features": features,
        "assignments": assignment_counts(client, app_id) if with_assignments else None,
    }


def read_provisioning_info(client, app_id=None, app_label=None, with_assignments=True):
    """The module's result: `apps`, one entry per Salesforce app asked for (all of them without a name).

    A named app that is missing or ambiguous raises AppLookupError (from find_app).
    """
    if app_id or app_label:
        apps = [find_app(client, app_id=app_id, app_label=app_label)]
    else:
        apps = list(list_apps(client))
    return {"changed": False, "apps": [describe_app(client, app, with_assignments) for app in apps]}


def _connection_result(client, app, connection, connection_reason):
    """The connection entry; a pending consent without Okta's link points to the Admin Console."""
    result = dict(connection.as_result(), exposed=connection_reason is None)
    if result["consent"] == "pending" and not result["consent_url"]:
        result["consent_url"] = admin_console_url(client.org_url, app["id"])
    return result
