"""Stored Okta objects -> the JSON Okta answers with (HAL `_links`, computed `features`)."""
from __future__ import annotations

import copy

FEATURE_DESCRIPTIONS = {
    "USER_PROVISIONING": "User provisioning settings from Okta to a downstream app",
    "INBOUND_PROVISIONING": "In-bound provisioning settings from an app to Okta",
}


def href(base: str, path: str, **extra) -> dict:
    link = {"href": f"{base}{path}"}
    link.update(extra)
    return link


def app_features(state, app_id: str) -> list:
    """The read-only `features` array: empty while provisioning is off (contract section 2)."""
    okta = state.data["okta"]
    connection = okta["connections"].get(app_id, {})
    if connection.get("status") != "ENABLED" or connection.get("consent") == "pending":
        return []   # an OAuth connection without consent cannot provision
    caps = okta["features"][app_id]["USER_PROVISIONING"]

    def enabled(*path):
        return _get(caps, *path) == "ENABLED"

    features = []
    if enabled("create", "lifecycleCreate", "status"):
        features.append("PUSH_NEW_USERS")
    if enabled("update", "profile", "status"):
        features.append("PUSH_PROFILE_UPDATES")
    if enabled("update", "lifecycleDeactivate", "status"):
        features += ["PUSH_USER_DEACTIVATION", "REACTIVATE_USERS"]
    if enabled("update", "password", "status"):
        features.append("PUSH_PASSWORD_UPDATES")
    features += ["IMPORT_NEW_USERS", "IMPORT_PROFILE_UPDATES"]
    return features


def _get(obj, *path):
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def render_app(state, base: str, app: dict) -> dict:
    out = copy.deepcopy(app)
    app_id = app["id"]
    out["features"] = app_features(state, app_id)
    root = f"/api/v1/apps/{app_id}"
    lifecycle = "deactivate" if app.get("status") == "ACTIVE" else "activate"
    out["_links"] = {
        "self": href(base, root),
        "appLinks": [href(base, f"/home/{app['name']}/{app_id}/alnk", name="login", type="text/html")],
        "users": href(base, f"{root}/users"),
        "groups": href(base, f"{root}/groups"),
        "logo": [href(base, f"/assets/img/logos/{app['name']}.png", name="medium", type="image/png")],
        lifecycle: href(base, f"{root}/lifecycle/{lifecycle}"),
    }
    return out


def render_user(base: str, user: dict) -> dict:
    out = copy.deepcopy(user)
    out["_links"] = {"self": href(base, f"/api/v1/users/{user['id']}")}
    return out


def render_group(base: str, group: dict) -> dict:
    out = copy.deepcopy(group)
    gid = group["id"]
    out["_links"] = {"logo": [href(base, "/assets/img/logos/groups/okta-medium.png", name="medium", type="image/png")],
                     "users": href(base, f"/api/v1/groups/{gid}/users"),
                     "apps": href(base, f"/api/v1/groups/{gid}/apps")}
    return out


def render_app_user(state, base: str, app_id: str, record: dict, expand_user: bool) -> dict:
    okta = state.data["okta"]
    pushing = "PUSH_NEW_USERS" in app_features(state, app_id)
    out = {
        "id": record["id"], "externalId": record.get("externalId") if pushing else None, "created": record.get("created"),
        "lastUpdated": record.get("lastUpdated"), "scope": record["scope"],
        # status / syncState: what a push left (salesforce_provisioning.plant_drift sets other values)
        "status": record.get("status") or ("PROVISIONED" if pushing else "ACTIVE"), "statusChanged": record.get("created"),
        "passwordChanged": None, "syncState": record.get("syncState") or ("SYNCHRONIZED" if pushing else "DISABLED"),
        "lastSync": record.get("lastUpdated") if pushing else None,
        "credentials": copy.deepcopy(record.get("credentials") or {}),
        "profile": copy.deepcopy(record.get("profile") or {}),
        "_links": {"app": href(base, f"/api/v1/apps/{app_id}"), "user": href(base, f"/api/v1/users/{record['id']}")},
    }
    if record["scope"] == "GROUP" and record.get("groups"):
        group = okta["groups"].get(record["groups"][0])
        if group:
            out["_links"]["group"] = href(base, f"/api/v1/groups/{group['id']}", name=group["profile"]["name"])
    if expand_user:
        user = okta["users"].get(record["id"])
        if user:
            out["_embedded"] = {"user": render_user(base, user)}
    return out


def render_app_group(state, base: str, app_id: str, record: dict, expand_group: bool) -> dict:
    out = {"id": record["id"], "lastUpdated": record.get("lastUpdated"), "priority": record.get("priority", 0),
           "profile": copy.deepcopy(record.get("profile") or {}),
           "_links": {"app": href(base, f"/api/v1/apps/{app_id}"), "group": href(base, f"/api/v1/groups/{record['id']}")}}
    if expand_group:
        group = state.data["okta"]["groups"].get(record["id"])
        if group:
            out["_embedded"] = {"group": render_group(base, group)}
    return out


def render_connection(base: str, app_id: str, connection: dict) -> dict:
    """GET/POST answer of the connection: the token is never echoed; `profile.authScheme` is always
    there (UNKNOWN when the API does not expose the app's connection)."""
    root = f"/api/v1/apps/{app_id}/connections/default"
    profile = {k: v for k, v in connection.get("profile", {}).items() if k not in ("token", "clientSecret")}
    links = {"self": href(base, root, hints={"allow": ["GET", "POST"]})}
    if connection.get("status") == "ENABLED":
        links["deactivate"] = href(base, f"{root}/lifecycle/deactivate", hints={"allow": ["POST"]})
    elif connection.get("status") == "DISABLED":
        links["activate"] = href(base, f"{root}/lifecycle/activate", hints={"allow": ["POST"]})
    if connection.get("authScheme") == "OAUTH2" and connection.get("consent") == "pending":
        # The public OAUTH2 answer's browser consent link (offered while the consent is pending: modelled).
        links["authorize"] = {"href": consent_href(base, app_id, profile.get("clientId")), "hints": {"allow": ["GET"]},
                              "guidance": ["Specifies the URI to invoke in a browser for granting scope consent required to "
                                           "complete the OAuth 2.0 connection."]}
    answer = {"status": connection.get("status"), "profile": profile, "_links": links}
    if connection.get("authScheme") == "TOKEN":   # the spec returns the top-level authScheme for TOKEN only
        answer = {"authScheme": "TOKEN", **answer}
    return answer


OKTA_OAUTH_CALLBACK = "https://system-admin.okta.com/admin/app/generic/oauth20redirect"


def consent_href(base: str, app_id: str, client_id) -> str:
    """Salesforce's authorization endpoint on the simulator's Salesforce side, as Okta would build it."""
    from urllib.parse import urlencode
    query = urlencode({"response_type": "code", "client_id": client_id or "", "redirect_uri": OKTA_OAUTH_CALLBACK,
                       "scope": "api refresh_token offline_access", "state": app_id})
    return f"{base}/services/oauth2/authorize?{query}"


def render_feature(base: str, app_id: str, name: str, capabilities: dict) -> dict:
    return {"name": name, "status": "ENABLED", "description": FEATURE_DESCRIPTIONS[name],
            "capabilities": copy.deepcopy(capabilities),
            "_links": {"self": href(base, f"/api/v1/apps/{app_id}/features/{name}", hints={"allow": ["GET", "PUT"]}),
                       "application": href(base, f"/api/v1/apps/{app_id}", name=app_id)}}
