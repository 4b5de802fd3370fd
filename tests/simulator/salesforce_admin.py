"""The simulated Salesforce org's writes of an admin session: the integration user, its profile, licences.

- `POST /services/data/vXX.X/sobjects/User` creates a user, `PATCH .../sobjects/User/{id}` updates one (REST API
  Developer Guide, "sObject Basic Information" / "sObject Rows"); users are never deleted (Salesforce has no user
  delete: they are deactivated with IsActive false).
- `PATCH .../sobjects/PermissionSet/{id}` of a profile-owned permission set changes the profile's permissions
  (Object Reference, PermissionSet: `PermissionsPermissionName` fields are updatable; `ProfileId` names the owner).
- `POST .../sobjects/User/{id}/password` with `{"NewPassword": ...}` sets a password, 204 (REST API Developer Guide,
  "Manage User Passwords"); a password shorter than 8 characters gets 400 INVALID_NEW_PASSWORD.
- Metadata API `createMetadata` of a `Profile` (fullName, custom, userLicense) creates a custom profile.

Every write needs a session whose user's profile has Manage Users (else 403 INSUFFICIENT_ACCESS) and is appended to
`salesforce.writes` ({kind, id}); `sim.salesforce_counts()` counts them. A new user takes one licence of its
profile's kind: none left answers 400 LICENSE_LIMIT_EXCEEDED, as Salesforce does.
"""
from __future__ import annotations

import json
import re

from .wire import Request, Response

USER_PATH = re.compile(r"^/services/data/v[\d.]+/sobjects/User/?$")
USER_ROW_PATH = re.compile(r"^/services/data/v[\d.]+/sobjects/User/(?P<id>005\w+)/?$")
PASSWORD_PATH = re.compile(r"^/services/data/v[\d.]+/sobjects/User/(?P<id>005\w+)/password/?$")
PERMSET_ROW_PATH = re.compile(r"^/services/data/v[\d.]+/sobjects/PermissionSet/(?P<id>0PS\w+)/?$")
USER_FIELDS = {"Username": "username", "Email": "email", "FirstName": "first_name", "LastName": "last_name",
               "Alias": "alias", "LocaleSidKey": "locale", "TimeZoneSidKey": "time_zone",
               "EmailEncodingKey": "email_encoding", "LanguageLocaleKey": "language", "IsActive": "is_active"}
PROFILE_PERMISSIONS = {"PermissionsApiEnabled": "PermissionsApiEnabled",
                       "PermissionsManageUsers": "PermissionsManageUsers",
                       "PermissionsIsSsoEnabled": "IsSsoEnabled", "PermissionsModifyAllData": "PermissionsModifyAllData"}
DEFAULT_LICENSE = "Salesforce"


def _json(status: int, body) -> Response:
    return Response(status, b"" if body is None else json.dumps(body).encode(),
                    {"Content-Type": "application/json;charset=UTF-8"})


def _error(status: int, code: str, message: str, fields=None) -> Response:
    return _json(status, [{"message": message, "errorCode": code, "fields": fields or []}])


def license_name(profile: dict) -> str:
    return profile.get("user_license") or DEFAULT_LICENSE


def licenses(sf: dict) -> dict:
    """name -> {id, total, used}: used counts the active users whose profile has that licence."""
    out = {name: dict(lic, used=0) for name, lic in sf.get("user_licenses", {}).items()}
    for user in sf["users"].values():
        if user.get("is_active", True):
            name = license_name(sf["profiles"].get(user.get("profile"), {}))
            if name in out:
                out[name]["used"] += 1
    return out


def _free(sf: dict, profile_name: str) -> bool:
    lic = licenses(sf).get(license_name(sf["profiles"].get(profile_name, {})))
    return lic is None or lic["total"] - lic["used"] > 0


def may_write(state, session: dict) -> bool:
    sf = state.data["salesforce"]
    user = sf["users"].get(session["username"], {})
    return bool(sf["profiles"].get(user.get("profile"), {}).get("PermissionsManageUsers"))


def _record(sf: dict, kind: str, record_id: str) -> None:
    sf.setdefault("writes", []).append({"kind": kind, "id": record_id})


def _profile_by_id(sf: dict, profile_id: str):
    return next((n for n, p in sf["profiles"].items() if p.get("id", "")[:15] == profile_id[:15]), None)


def _user_by_id(sf: dict, user_id: str):
    return next((u for u in sf["users"].values() if u["id"][:15] == user_id[:15]), None)


def _apply_user_fields(sf: dict, user: dict, body: dict):
    """An error Response for a field the simulator does not know or a profile that does not exist, else None."""
    for field, value in body.items():
        if field == "ProfileId":
            name = _profile_by_id(sf, str(value))
            if name is None:
                return _error(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["ProfileId"])
            user["profile"] = name
        elif field in USER_FIELDS:
            user[USER_FIELDS[field]] = value
        else:
            return _error(400, "INVALID_FIELD", f"No such column '{field}' on sobject of type User")
    user["full_name"] = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p) or user.get("full_name")
    return None


def handle(request: Request, state, session: dict):
    """The write endpoints; None for any other request. The caller holds state.lock."""
    path = request.path
    matches = [p.match(path) for p in (USER_PATH, USER_ROW_PATH, PASSWORD_PATH, PERMSET_ROW_PATH)]
    if request.method == "GET" or not any(matches):
        return None
    if not may_write(state, session):
        return _error(403, "INSUFFICIENT_ACCESS", "insufficient access rights on cross-reference id")
    sf = state.data["salesforce"]
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(400, "JSON_PARSER_ERROR", "The request body is not JSON.")
    user_path, row_path, password_path, permset_path = matches
    if user_path and request.method == "POST":
        return _create_user(sf, body)
    if row_path and request.method == "PATCH":
        user = _user_by_id(sf, row_path.group("id"))
        if user is None:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        before = dict(user)
        failure = _apply_user_fields(sf, user, body)
        if failure is None and user.get("is_active", True) and not before.get("is_active", True) \
                and not _free(sf, user["profile"]):
            failure = _error(400, "LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
        if failure is not None:
            user.clear()
            user.update(before)
            return failure
        _record(sf, "user_update", user["id"])
        return _json(204, None)
    if password_path and request.method == "POST":
        user = _user_by_id(sf, password_path.group("id"))
        if user is None:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        new = str(body.get("NewPassword") or "")
        if len(new) < 8:
            return _error(400, "INVALID_NEW_PASSWORD", "Your password must be at least 8 characters long.")
        user["password"] = new
        user["password_expired"] = False
        _record(sf, "password_set", user["id"])
        return _json(204, None)
    if permset_path and request.method == "PATCH":
        profile_name = _profile_by_id(sf, "00e" + permset_path.group("id")[3:])
        if profile_name is None:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        profile = sf["profiles"][profile_name]
        unknown = [f for f in body if f not in PROFILE_PERMISSIONS]
        if unknown:
            return _error(400, "INVALID_FIELD", f"No such column '{unknown[0]}' on sobject of type PermissionSet")
        for field, value in body.items():
            profile[PROFILE_PERMISSIONS[field]] = bool(value)
        _record(sf, "profile_permissions", permset_path.group("id"))
        return _json(204, None)
    return _error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed.")


def _create_user(sf: dict, body: dict) -> Response:
    missing = [f for f in ("Username", "Email", "LastName", "Alias", "LocaleSidKey", "TimeZoneSidKey",
                           "EmailEncodingKey", "LanguageLocaleKey", "ProfileId") if not body.get(f)]
    if missing:
        return _error(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
    if any(name.lower() == str(body["Username"]).lower() for name in sf["users"]):
        return _error(400, "DUPLICATE_USERNAME", "Duplicate Username.", ["Username"])
    user = {"id": f"005sim{len(sf['users']) + 100:09d}AAA", "is_active": True, "user_type": "Standard",
            "permission_sets": []}
    failure = _apply_user_fields(sf, user, body)
    if failure is not None:
        return failure
    if user.get("is_active", True) and not _free(sf, user["profile"]):
        return _error(400, "LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
    sf["users"][user["username"]] = user
    _record(sf, "user_create", user["id"])
    return _json(201, {"id": user["id"], "success": True, "errors": []})


def create_profile(state, session: dict, full_name: str, license_label: str) -> tuple:
    """Metadata API createMetadata of a custom Profile: (success, message)."""
    sf = state.data["salesforce"]
    if not may_write(state, session):
        return False, "insufficient access rights"
    if full_name in sf["profiles"]:
        return False, f"There is already a Profile named {full_name}."
    if license_label not in sf.get("user_licenses", {DEFAULT_LICENSE: {}}):
        return False, f"Unknown user license: {license_label}"
    profile_id = f"00esim{len(sf['profiles']) + 100:09d}AAA"
    sf["profiles"][full_name] = {"id": profile_id, "IsSsoEnabled": False, "PermissionsApiEnabled": False,
                                 "PermissionsManageUsers": False, "PermissionsModifyAllData": False,
                                 "user_license": license_label, "custom": True}
    _record(sf, "profile_create", profile_id)
    return True, ""
