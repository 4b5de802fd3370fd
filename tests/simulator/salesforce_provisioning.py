"""Okta's provisioning into the simulated Salesforce org, and the control calls that make the two sides disagree.

When an app named `salesforce` has its connection enabled and To App features on (okta_render.app_features),
assigning a user writes the Salesforce `User` record Okta would create: Username and FederationIdentifier from the
app username (the Federated ID app uses the app username as the Federation ID: Okta's "Configuring Provisioning for
Salesforce Federated ID"), the Profile and UserRole named by the app-user profile's `profile` and `role` (both
created in the org when missing), active, Standard. So by default both sides agree. A profile update is pushed with
PUSH_PROFILE_UPDATES; an unassignment deactivates the user with PUSH_USER_DEACTIVATION. The app user then shows
status PROVISIONED, syncState SYNCHRONIZED and the Salesforce id as `externalId`.

`plant_drift` (control `POST /_sim/sync_drift`) makes them disagree, one kind at a time, on users no earlier call
touched, and returns exactly which keys it changed, so tests can compare a report with what was planted.
"""
from __future__ import annotations

from .okta_render import app_features
from .okta_system_log import record_push
from .seed import SF_USER_DEFAULTS, sf_id

DEFAULT_PROFILE = "Standard User"
DRIFT_PROFILE = "Drifted Profile"
DRIFT_ROLE = "Drifted Role"
# kind -> what it changes. Okta-side kinds change only the app user; Salesforce-side kinds only the User record.
DRIFT_KINDS = ("missing_in_salesforce", "inactive_in_salesforce", "profile_differs", "role_differs",
               "unassigned_in_okta", "sync_error", "out_of_sync", "not_provisioned")


def _is_salesforce_push(state, app_id: str) -> list:
    app = state.data["okta"]["apps"].get(app_id) or {}
    return app_features(state, app_id) if app.get("name") == "salesforce" else []


def _ensure(sf: dict, kind: str, name: str | None, prefix: str) -> None:
    if name and name not in sf[kind]:
        sf[kind][name] = {"id": sf_id(prefix, name)}


def pushes_new_users(state, app_id: str) -> bool:
    return "PUSH_NEW_USERS" in _is_salesforce_push(state, app_id)


def push_user(state, app_id: str, record: dict) -> None:
    """What Okta's To App provisioning writes in Salesforce for one assigned app user (nothing when it is off)."""
    features = _is_salesforce_push(state, app_id)
    if "PUSH_NEW_USERS" not in features:
        return
    sf = state.data["salesforce"]
    username = (record.get("credentials") or {}).get("userName")
    if not username:
        return
    profile = (record.get("profile") or {}).get("profile") or DEFAULT_PROFILE
    role = (record.get("profile") or {}).get("role") or None
    _ensure(sf, "profiles", profile, "00e")
    _ensure(sf, "roles", role, "00E")
    user = sf["users"].get(username)
    if user is None:
        okta_user = state.data["okta"]["users"].get(record["id"]) or {"profile": {}}
        user = {key: (list(value) if isinstance(value, list) else value) for key, value in SF_USER_DEFAULTS.items()}
        user.update(id=sf_id("005", username), username=username, federation_identifier=username,
                    full_name=f"{okta_user['profile'].get('firstName', '')} {okta_user['profile'].get('lastName', '')}".strip(),
                    email=okta_user["profile"].get("email") or username, profile=profile, role=role)
        sf["users"][username] = user
        event = "application.provision.user.push"
    else:
        # System Log (event catalogue): a reactivated user is a push, a changed one a profile push
        event = "application.provision.user.push" if not user.get("is_active") else None
        user["is_active"] = True
        if "PUSH_PROFILE_UPDATES" in features:
            user["profile"], user["role"] = profile, role
            event = event or "application.provision.user.push_profile"
    record["externalId"] = user["id"]
    if event:
        record_push(state, event, app_id, record["id"], username)


def deactivate_user(state, app_id: str, record: dict) -> None:
    """PUSH_USER_DEACTIVATION: an unassigned user is deactivated in Salesforce (never deleted: Salesforce users cannot be)."""
    if "PUSH_USER_DEACTIVATION" not in _is_salesforce_push(state, app_id):
        return
    user = state.data["salesforce"]["users"].get((record.get("credentials") or {}).get("userName"))
    if user is not None:
        user["is_active"] = False
        record_push(state, "application.provision.user.deactivate", app_id, record["id"], user["username"])


def assign_many(state, app_id: str, count: int, profile: dict | None = None, first: int = 1) -> int:
    """Assign `count` Okta users directly (oldest first), as `POST /api/v1/apps/{id}/users` would, pushes included.

    For benchmarks and tests that need thousands of assignments in one call; returns how many were assigned."""
    users = state.data["okta"]["users"]
    assigned = 0
    for uid in state.users_sorted.keys[first - 1:]:
        if assigned >= count:
            break
        user = users[uid]
        if user["status"] != "ACTIVE" or uid in state.data["okta"]["app_users"][app_id]:
            continue
        record = state.set_direct_assignment(app_id, uid, {"userName": user["profile"]["login"]}, dict(profile or {}))
        push_user(state, app_id, record)
        assigned += 1
    return assigned


def plant_drift(state, app_id: str, kind: str, count: int) -> list:
    """Make `count` assigned users (or, for unassigned_in_okta, new Salesforce users) disagree in one way.

    Returns the keys changed: the app usernames (Salesforce usernames for unassigned_in_okta)."""
    if kind not in DRIFT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(DRIFT_KINDS)}")
    sf = state.data["salesforce"]
    if kind == "unassigned_in_okta":
        start = len(sf["users"])
        names = [f"not.in.okta.{start + n:06d}@acme.com" for n in range(count)]
        for name in names:
            sf["users"][name] = dict(SF_USER_DEFAULTS, id=sf_id("005", name), username=name, full_name=name,
                                     email=name, permission_sets=[], profile=DEFAULT_PROFILE, is_active=True)
        return names
    touched = state.sync_drifted.setdefault(app_id, set())
    records = state.data["okta"]["app_users"][app_id]
    changed = []
    for uid in state.app_users_sorted[app_id].keys:
        if len(changed) >= count:
            break
        record = records[uid]
        username = (record.get("credentials") or {}).get("userName")
        if uid in touched or username not in sf["users"]:
            continue
        user = sf["users"][username]
        if kind == "missing_in_salesforce":
            del sf["users"][username]
        elif kind == "inactive_in_salesforce":
            user["is_active"] = False
        elif kind == "profile_differs":
            _ensure(sf, "profiles", DRIFT_PROFILE, "00e")
            user["profile"] = DRIFT_PROFILE
        elif kind == "role_differs":
            _ensure(sf, "roles", DRIFT_ROLE, "00E")
            user["role"] = DRIFT_ROLE
        elif kind == "sync_error":
            record["syncState"] = "ERROR"
        elif kind == "out_of_sync":
            record["syncState"] = "OUT_OF_SYNC"
        elif kind == "not_provisioned":
            record["status"] = "STAGED"
        touched.add(uid)
        changed.append(username)
    if len(changed) < count:
        raise ValueError(f"only {len(changed)} assigned users were left to change for {kind}, {count} asked")
    return changed
