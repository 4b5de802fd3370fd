"""Turn a seed file (YAML or JSON) into the simulator's state dict.

The state is one JSON-able dict so that tests can dump it and patch any value by path; the
seed format is terser (generated users, group members by login or by generated number).
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import yaml

SEED_TIME = "2024-01-15T10:00:00.000Z"
DEFAULT_SEED = Path(__file__).with_name("seeds") / "default.yaml"
USER_TYPE_ID = "otysim00000000000001"


def load_seed(seed) -> dict:
    """A seed given as a dict, a path, or YAML/JSON text."""
    if seed is None:
        seed = DEFAULT_SEED
    if isinstance(seed, dict):
        return copy.deepcopy(seed)
    if isinstance(seed, Path) or (isinstance(seed, str) and "\n" not in seed and not seed.lstrip().startswith("{")):
        return _extended(yaml.safe_load(Path(seed).read_text()) or {}, Path(seed).parent)
    return _extended(yaml.safe_load(seed) or {}, Path(DEFAULT_SEED).parent)


def _extended(seed: dict, directory: Path) -> dict:
    """`extends: other.yaml` (beside this seed) starts from that seed; `okta.add_apps` are appended to its apps."""
    if "extends" not in seed:
        return seed
    base = load_seed(directory / seed.pop("extends"))
    base.setdefault("okta", {}).setdefault("apps", []).extend((seed.get("okta") or {}).pop("add_apps", []))
    for side, values in seed.items():
        base.setdefault(side, {}).update(values or {})
    return base


def okta_user(user_id: str, login: str, first: str, last: str, email: str | None = None,
              status: str = "ACTIVE", created: str = SEED_TIME, extra_profile: dict | None = None) -> dict:
    profile = {"firstName": first, "lastName": last, "email": email or login, "login": login,
               "mobilePhone": None, "secondEmail": None}
    profile.update(extra_profile or {})
    return {
        "id": user_id, "status": status, "created": created,
        "activated": created if status == "ACTIVE" else None, "statusChanged": created,
        "lastLogin": None, "lastUpdated": created, "passwordChanged": created,
        "type": {"id": USER_TYPE_ID}, "profile": profile,
        "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
    }


def okta_group(group_id: str, name: str, description: str = "", created: str = SEED_TIME) -> dict:
    return {
        "id": group_id, "created": created, "lastUpdated": created, "lastMembershipUpdated": created,
        "objectClass": ["okta:user_group"], "type": "OKTA_GROUP",
        "profile": {"name": name, "description": description},
    }


def okta_app(app_id: str, fields: dict, created: str = SEED_TIME) -> dict:
    """An app object as Okta stores it (links and `features` are added when it is served)."""
    app = {
        "id": app_id, "orn": f"orn:okta:idp:sim:apps:{fields.get('name', 'app')}:{app_id}",
        "name": fields.get("name"), "label": fields.get("label"),
        "status": fields.get("status", "ACTIVE"), "created": created, "lastUpdated": created,
        "signOnMode": fields.get("signOnMode", "BOOKMARK"),
        "accessibility": {"selfService": False, "errorRedirectUrl": None, "loginRedirectUrl": None},
        "visibility": {"autoLaunch": False, "autoSubmitToolbar": False,
                       "hide": {"iOS": False, "web": False}, "appLinks": {"login": True}},
        "credentials": {"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
                        "signing": {"kid": "simSigningKey0001"}},
        "settings": {"app": {}, "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": None,
                                                          "helpUrl": None}},
                     "implicitAssignment": False,
                     "notes": {"admin": None, "enduser": None}},
    }
    for key, value in fields.items():
        if key in ("assignments", "connection", "features", "api_exposure"):
            continue
        if key == "settings":
            for part, body in value.items():
                app["settings"].setdefault(part, {})
                if isinstance(body, dict):
                    app["settings"][part].update(body)
                else:
                    app["settings"][part] = body
        else:
            app[key] = copy.deepcopy(value)
    if app["name"] == "salesforce":
        app["settings"]["app"].setdefault("loginUrl", None)
        app["settings"]["app"].setdefault("logoutUrl", None)
    return app


def default_connection(app: dict) -> dict:
    """Salesforce apps have a (modelled) TOKEN connection; others expose none through the API."""
    if app.get("name") == "salesforce":
        return {"authScheme": "TOKEN", "status": "DISABLED", "profile": {"authScheme": "TOKEN"}}
    return {"authScheme": "UNKNOWN", "status": "UNKNOWN", "profile": {"authScheme": "UNKNOWN"}}


def default_features() -> dict:
    """Every status DISABLED, password seed RANDOM, change KEEP_EXISTING (contract section 2)."""
    disabled = {"status": "DISABLED"}
    return {
        "USER_PROVISIONING": {
            "create": {"lifecycleCreate": dict(disabled)},
            "update": {"profile": dict(disabled), "lifecycleDeactivate": dict(disabled),
                       "password": {"status": "DISABLED", "seed": "RANDOM", "change": "KEEP_EXISTING"}},
        },
        "INBOUND_PROVISIONING": {
            "importSettings": {
                "username": {"usernameFormat": "EMAIL"},
                "schedule": {"status": "DISABLED"},
            },
            "importRules": {"userCreateAndMatch": {
                "exactMatchCriteria": "EMAIL", "allowPartialMatch": False, "autoConfirmPartialMatch": False,
                "autoConfirmExactMatch": False, "autoConfirmNewUsers": False, "autoActivateNewUsers": False}},
        },
    }


def sim_id(prefix: str, n: int) -> str:
    """Okta-like 20-character ids that sort in creation order."""
    return f"{prefix}sim{n:014d}"


def _resolve_members(spec, logins_generated: list, by_login: dict) -> list:
    ids = []
    if isinstance(spec, dict):
        first, last = spec.get("generated", [1, 0])
        ids += [by_login[logins_generated[n - 1].lower()] for n in range(first, last + 1) if n <= len(logins_generated)]
        spec = spec.get("logins", [])
    for login in spec or []:
        if login.lower() not in by_login:
            raise ValueError(f"seed: group member {login!r} is not a seeded user")
        ids.append(by_login[login.lower()])
    return ids


def build_state(seed: dict) -> dict:
    """The full state dict for a seed (see seeds/default.yaml for the format)."""
    okta_seed = seed.get("okta", {})
    users, by_login = {}, {}
    counter = 0
    gen = okta_seed.get("generate_users") or {}
    pattern = gen.get("login_pattern", "user{n:04d}@acme.com")
    generated = []
    for n in range(1, int(gen.get("count", 0)) + 1):
        counter += 1
        login = pattern.format(n=n)
        uid = sim_id("00u", counter)
        users[uid] = okta_user(uid, login, "User", f"{n:04d}")
        by_login[login.lower()] = uid
        generated.append(login)
    for entry in okta_seed.get("users", []):
        counter += 1
        uid = entry.get("id") or sim_id("00u", counter)
        login = entry["login"]
        extra = {k: v for k, v in entry.items() if k not in ("id", "login", "firstName", "lastName", "email", "status")}
        users[uid] = okta_user(uid, login, entry.get("firstName", login.split("@")[0]), entry.get("lastName", "User"),
                               entry.get("email"), entry.get("status", "ACTIVE"), extra_profile=extra)
        by_login[login.lower()] = uid
    groups, members = {}, {}
    group_entries = list(okta_seed.get("groups", []))
    gen_groups = okta_seed.get("generate_groups") or {}
    group_entries += [{"name": gen_groups.get("name_pattern", "Team {n:03d}").format(n=n), "description": "generated"}
                      for n in range(1, int(gen_groups.get("count", 0)) + 1)]
    for n, entry in enumerate(group_entries, start=1):
        gid = entry.get("id") or sim_id("00g", n)
        groups[gid] = okta_group(gid, entry["name"], entry.get("description", ""))
        members[gid] = _resolve_members(entry.get("members"), generated, by_login)
    group_by_name = {g["profile"]["name"].lower(): gid for gid, g in groups.items()}
    apps, connections, features, app_users, app_groups, api_exposure = {}, {}, {}, {}, {}, {}
    for n, entry in enumerate(okta_seed.get("apps", []), start=1):
        aid = entry.get("id") or sim_id("0oa", n)
        app = okta_app(aid, entry)
        apps[aid] = app
        if entry.get("api_exposure"):
            api_exposure[aid] = dict(entry["api_exposure"])
        connection = default_connection(app)
        seeded_connection = entry.get("connection") or {}
        if seeded_connection:
            connection["status"] = seeded_connection.get("status", connection["status"])
            if seeded_connection.get("authScheme") == "OAUTH2":
                # An app set up with (or switched to) the OAuth version; `consent`: pending or given.
                connection["authScheme"] = "OAUTH2"
                connection["profile"] = {"authScheme": "OAUTH2"}
                connection["consent"] = seeded_connection.get("consent", "given" if seeded_connection.get("clientId") else None)
            connection["profile"].update({k: v for k, v in seeded_connection.items()
                                          if k not in ("status", "authScheme", "consent")})
        connections[aid] = connection
        features[aid] = default_features()
        for name, caps in (entry.get("features") or {}).items():
            features[aid][name] = caps
        app_users[aid], app_groups[aid] = {}, {}
        assignments = entry.get("assignments") or {}
        for grp in assignments.get("groups", []):
            gid = grp.get("id") or group_by_name[grp["name"].lower()]
            app_groups[aid][gid] = {"id": gid, "priority": grp.get("priority", 0), "profile": grp.get("profile", {}),
                                    "lastUpdated": SEED_TIME}
        for usr in assignments.get("users", []):
            uid = usr.get("id") or by_login[usr["login"].lower()]
            app_users[aid][uid] = {"id": uid, "scope": "USER", "groups": [],
                                   "credentials": {"userName": usr.get("userName", users[uid]["profile"]["login"])},
                                   "profile": usr.get("profile", {}), "created": SEED_TIME, "lastUpdated": SEED_TIME}
    state = {
        "okta": {
            "org_name": okta_seed.get("org_name", "acme"),
            "api_tokens": list(okta_seed.get("api_tokens", [])),
            "token_lifetime": okta_seed.get("token_lifetime", 3600),
            "oauth_clients": {c["client_id"]: dict(c) for c in okta_seed.get("oauth_clients", [])},
            "users": users, "groups": groups, "group_members": members, "apps": apps,
            "app_users": app_users, "app_groups": app_groups,
            "connections": connections, "features": features, "api_exposure": api_exposure,
            "app_user_schemas": copy.deepcopy(okta_seed.get("app_user_schemas", {})),
            "counters": {"00u": counter, "00g": len(groups), "0oa": len(apps)},
            # the SSWS token's owner: the actor of System Log events written by SSWS requests (okta_system_log.py)
            "api_token_owner": dict(okta_seed.get("api_token_owner") or
                                    {"id": "00uapiadmin000001", "login": "api.admin@acme.com", "name": "API Admin"}),
            "system_log": [],   # LogEvents in persistence order (okta_system_log.py)
        },
        "salesforce": _salesforce_state(seed.get("salesforce", {})),
    }
    return state


SF_USER_DEFAULTS = {"id": None, "password": "", "security_token": "", "profile": "Standard User", "permission_sets": [],
                    "is_active": True, "user_type": "Standard", "password_expired": False, "locked": False,
                    "locked_at": None, "failed_logins": 0, "login_fault": None, "role": None,
                    "federation_identifier": None, "last_login_date": None}


def sf_id(prefix: str, name: str) -> str:
    """A stable 18-character Salesforce-style id whose first 15 characters differ per name."""
    return f"{prefix}sim{hashlib.sha1(name.encode()).hexdigest()[:9]}AAA"


def normalise_salesforce(sf: dict) -> dict:
    """Fill defaults and ids of users, profiles and permission sets (also after a test patches one in)."""
    sf.setdefault("login_history", [])
    sf.setdefault("token_requests", [])      # OAuth token endpoint requests (salesforce_oauth.py): not logins
    sf.setdefault("connected_apps", {})
    sf.setdefault("external_client_apps", {})
    sf.setdefault("writes", [])              # admin-session writes (salesforce_admin.py)
    for username, user in sf.setdefault("users", {}).items():
        for key, value in SF_USER_DEFAULTS.items():
            user.setdefault(key, copy.deepcopy(value))
        user["username"] = username
        user.setdefault("full_name", username)
        user.setdefault("email", username)
        user["id"] = user["id"] or sf_id("005", username)
    for name, profile in sf.setdefault("profiles", {}).items():
        profile.setdefault("id", sf_id("00e", name))
    for name, perm_set in sf.setdefault("permission_sets", {}).items():
        perm_set.setdefault("id", sf_id("0PS", name))
    for name, role in sf.setdefault("roles", {}).items():
        role.setdefault("id", sf_id("00E", name))
    return sf


def _salesforce_state(sf_seed: dict) -> dict:
    # lockout_attempts / lockout_effective_minutes: Salesforce's password policy defaults (10 attempts, 15 minutes);
    # delegated_auth_available / absent_fields: which fields the org has (salesforce_schema.py).
    org = {"id": "00Dsim000000001AAA", "name": "Acme Corp", "is_sandbox": False,
           "organization_type": "Enterprise Edition", "instance_name": "NA224", "api_enabled": True,
           "soap_login_enabled": True, "require_security_token": True, "lockout_attempts": 10,
           "lockout_effective_minutes": 15, "delegated_auth_available": True, "absent_fields": {},
           "max_soap_login_version": 64.0, "login_fault": None}
    org.update(sf_seed.get("org", {}))
    return normalise_salesforce({"org": org, "profiles": copy.deepcopy(sf_seed.get("profiles", {})),
                                 "permission_sets": copy.deepcopy(sf_seed.get("permission_sets", {})),
                                 "roles": copy.deepcopy(sf_seed.get("roles", {})),
                                 "users": copy.deepcopy(sf_seed.get("users") or {}),
                                 "connected_apps": copy.deepcopy(sf_seed.get("connected_apps") or {}),
                                 "external_client_apps": copy.deepcopy(sf_seed.get("external_client_apps") or {}),
                                 # licences by name (salesforce_admin.py); used ones are counted from active users
                                 "user_licenses": copy.deepcopy(sf_seed.get("user_licenses") or {
                                     "Salesforce": {"id": "100sim000000001AAA", "total": 10}})})


def dump_json(state: dict) -> str:
    return json.dumps(state, sort_keys=True)
