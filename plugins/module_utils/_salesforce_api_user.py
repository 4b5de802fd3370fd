# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Step 1 of Okta's procedure, written: the integration user and its custom profile (internal to this collection).

Salesforce's public calls, through the admin session of _salesforce_oauth (simple-salesforce):
- the profile: looked up with SOQL on Profile; a missing one is created with the Metadata API's createMetadata of a
  Profile (fullName, custom, userLicense: Metadata API Developer Guide, "Profile" and "createMetadata()"), because
  Profile is not creatable through REST sObjects ("Use the createMetadata() call to create any component that extends
  Metadata", developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm; Profile "extends
  the Metadata metadata type", .../api_meta/meta_profile.htm). Salesforce's APIs have no "clone": the new profile gets
  the base profile's user licence, which is what decides the permissions it can hold.
- its permissions: a profile's permissions live in the permission set it owns (Object Reference, PermissionSet:
  "ProfileId: if the permission set is owned by a profile, this field returns the ID of the Profile"; the
  PermissionsPermissionName fields are Create/Update), so API Enabled, Manage Users and Is Single Sign-On Enabled are
  read and PATCHed on `PermissionSet WHERE ProfileId = ...` (REST sObject Rows;
  developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_permissionset.htm);
- the user: REST sObject User create / PATCH (users are never deleted in Salesforce: state absent sets IsActive false);
- the password: REST "sObject User Password", POST /services/data/vXX.X/sobjects/User/{id}/password with
  {"NewPassword": ...}, 204 (REST API Developer Guide, "Manage User Passwords",
  developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_user_password.htm); no API returns the security token,
  Salesforce emails a new one to the user after a password change;
- licences: UserLicense TotalLicenses - UsedLicenses of the profile's licence, read before any write.
Everything is planned from reads first, so check mode reports exactly the writes a run would send, and a missing
licence fails before the first write.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    build_session,
    insecure_request_warnings_silenced,
    login_endpoint,
    tls_verify_setting,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_oauth import (
    _local,
    _soap,
    admin_flow,
    admin_login,
)

try:
    from simple_salesforce import Salesforce, format_soql
except ImportError:  # reported by the module (HAS_SIMPLE_SALESFORCE)
    pass

# What Okta's prerequisites ask of the profile (PermissionSet field -> value).
DESIRED_PERMISSIONS = {"PermissionsApiEnabled": True, "PermissionsManageUsers": True, "PermissionsIsSsoEnabled": False}
PERMISSION_LABELS = {"PermissionsApiEnabled": "API Enabled", "PermissionsManageUsers": "Manage Users",
                     "PermissionsIsSsoEnabled": "Is Single Sign-On Enabled (delegated authentication)"}
# User option -> User field.
USER_FIELDS = {"username": "Username", "email": "Email", "first_name": "FirstName", "last_name": "LastName",
               "alias": "Alias", "locale_sid_key": "LocaleSidKey", "time_zone_sid_key": "TimeZoneSidKey",
               "email_encoding_key": "EmailEncodingKey", "language_locale_key": "LanguageLocaleKey"}
SECURITY_TOKEN_NOTE = ("Salesforce emails a new security token to the user's email address after a password change; "
                       "no API returns it. Use the emailed token with the new password (sf_security_token), or use "
                       "the OAuth version of the integration, which needs no token.")
METADATA_XSI = "http://www.w3.org/2001/XMLSchema-instance"


class CallCounter:
    """Salesforce requests of this task by HTTP method (a requests response hook)."""

    def __init__(self):
        self.calls = {}

    def __call__(self, response, *args, **kwargs):
        method = response.request.method
        self.calls[method] = self.calls.get(method, 0) + 1

    def totals(self) -> dict:
        return dict(sorted(self.calls.items()), total=sum(self.calls.values()))


def desired_user(params) -> dict:
    user = params["user"] or {}
    wanted = {USER_FIELDS[name]: user.get(name) for name in USER_FIELDS if user.get(name) not in (None, "")}
    if not wanted.get("Username"):
        raise InputError("user.username is required: the integration user's Salesforce username.")
    return wanted


def check_input(params) -> None:
    admin_flow(params)
    if params["state"] == "present":
        if not params["profile"]:
            raise InputError("profile is required with state present: the name of the integration user's custom profile.")
        if params["password"] is not None and len(params["password"]) < 8:
            raise InputError("password is shorter than 8 characters, which no Salesforce password policy accepts: "
                             "give a longer one.")
    elif params["password"] is not None:
        raise InputError("password is set with state absent: a deactivated user gets no password. Drop it.")
    desired_user(params)


class ApiUserRun:
    """Reads, plans and (outside check mode) writes; `result()` says what was or would be done."""

    def __init__(self, params, check_mode: bool):
        self.params = params
        self.check_mode = check_mode
        self.counter = CallCounter()
        self.writes = []            # what was (or would be) written, in order
        self.profile = {"name": params["profile"], "id": None, "created": False, "permissions_changed": []}
        self.user = {"username": desired_user(params)["Username"], "id": None, "created": False,
                     "fields_changed": [], "active": None}
        self.licence = None
        self.password_set = False
        self.before = {}
        self.after = {}

    # ---- the run ----------------------------------------------------------------------------
    def run(self) -> dict:
        params = self.params
        endpoint = login_endpoint(params.get("sf_domain"), params.get("sf_login_url"), params.get("sf_api_version"))
        verify = tls_verify_setting(params.get("sf_validate_certs", True), params.get("sf_ca_path"))
        timeout = float(params.get("sf_timeout") or 30)
        flow = admin_flow(params)
        with build_session(timeout, verify) as session, insecure_request_warnings_silenced():
            session.hooks["response"].append(self.counter)
            try:
                token, instance = admin_login(session, params, flow, timeout, verify)
            except CollectionError:
                raise
            except Exception as error:  # pylint: disable=broad-exception-caught
                raise CollectionError(f"The admin session could not be opened ({flow}): {type(error).__name__}: "
                                      f"{getattr(error, 'message', None) or error}. Nothing was written.",
                                      salesforce_calls=self.counter.totals()) from None
            self.client = Salesforce(session_id=token, instance=instance, session=session, version=endpoint.api_version)
            self.session, self.token, self.instance, self.api_version = session, token, instance, endpoint.api_version
            try:
                if params["state"] == "absent":
                    self._deactivate()
                else:
                    self._ensure()
            except CollectionError as error:
                error.fields.setdefault("salesforce_calls", self.counter.totals())
                error.fields.setdefault("writes", list(self.writes))
                raise
        return self.result()

    def result(self) -> dict:
        result = {"changed": bool(self.writes), "profile": self.profile, "user": self.user, "licence": self.licence,
                  "password_set": self.password_set, "writes": list(self.writes),
                  "salesforce_calls": self.counter.totals(), "diff": {"before": self.before, "after": self.after}}
        if self.password_set:
            result["security_token_note"] = SECURITY_TOKEN_NOTE
        return result

    # ---- reads ------------------------------------------------------------------------------
    def _one(self, soql: str, *values):
        rows = self.client.query(format_soql(soql, *values))["records"]
        return rows[0] if rows else None

    def _read_user(self):
        fields = ", ".join(["Id", "IsActive", "ProfileId"] + list(USER_FIELDS.values()))
        return self._one(f"SELECT {fields} FROM User WHERE Username = {{}}", self.user["username"])

    def _permission_fields(self) -> list:
        names = {field["name"] for field in self.client.PermissionSet.describe()["fields"]}
        # Is Single Sign-On Enabled exists only in orgs with delegated authentication (then it must be off).
        return [name for name in DESIRED_PERMISSIONS if name in names]

    # ---- state absent -----------------------------------------------------------------------
    def _deactivate(self):
        user = self._read_user()
        if user is None:
            self.user["active"] = None
            return
        self.user.update(id=user["Id"], active=user["IsActive"])
        self.before = {"user": {"username": self.user["username"], "active": user["IsActive"]}}
        self.after = {"user": {"username": self.user["username"], "active": False}}
        if user["IsActive"]:
            self.user["fields_changed"] = ["IsActive"]
            self._write("user_deactivate", lambda: self.client.User.update(user["Id"], {"IsActive": False}))
            self.user["active"] = False

    # ---- state present ----------------------------------------------------------------------
    def _ensure(self):
        name = self.params["profile"]
        profile = self._one("SELECT Id, Name, UserLicenseId FROM Profile WHERE Name = {}", name)
        permission_fields = self._permission_fields()
        if profile is None:
            base_name = self.params["base_profile"]
            if not base_name:
                raise InputError(f"The profile {name} does not exist and base_profile is not set: set base_profile to "
                                 "the profile to take its user licence from (for example System Administrator), or "
                                 "create the profile in Setup > Profiles. Nothing was written.")
            base = self._one("SELECT Id, Name, UserLicenseId FROM Profile WHERE Name = {}", base_name)
            if base is None:
                raise InputError(f"base_profile {base_name} does not exist in this org: give the name of an existing "
                                 "profile (Setup > Profiles). Nothing was written.")
            licence_id = base["UserLicenseId"]
            current = {field: None for field in permission_fields}
        else:
            licence_id = profile["UserLicenseId"]
            self.profile["id"] = profile["Id"]
            owned = self._one(f"SELECT Id, {', '.join(permission_fields)} FROM PermissionSet WHERE ProfileId = {{}}",
                              profile["Id"])
            current = {field: owned[field] for field in permission_fields}
        changes = {field: DESIRED_PERMISSIONS[field] for field in permission_fields
                   if current[field] != DESIRED_PERMISSIONS[field]}
        if profile is None:
            # A new profile starts from Salesforce's defaults (off); all three are set, as check mode says.
            changes = {field: DESIRED_PERMISSIONS[field] for field in permission_fields}
        self.profile["permissions_changed"] = [
            {"permission": field, "label": PERMISSION_LABELS[field], "before": current[field], "after": value}
            for field, value in changes.items()]
        self.before["profile"] = None if profile is None else {"name": name, "permissions": current}
        self.after["profile"] = {"name": name, "permissions": dict(current, **changes)}

        wanted = desired_user(self.params)
        user = self._read_user()
        user_changes = self._user_changes(user, wanted, profile)
        # A new or reactivated user takes a licence (a move between profiles of one licence does not).
        needs_licence = user is None or not user["IsActive"]
        licence = self._one("SELECT Id, Name, TotalLicenses, UsedLicenses FROM UserLicense WHERE Id = {}", licence_id)
        if licence is not None:
            free = licence["TotalLicenses"] - licence["UsedLicenses"]
            self.licence = {"name": licence["Name"], "total": licence["TotalLicenses"], "used": licence["UsedLicenses"],
                            "free": free}
            if needs_licence and free <= 0:
                raise CollectionError(
                    f"No {licence['Name']} user licence is free ({licence['UsedLicenses']} of {licence['TotalLicenses']} "
                    f"used): the integration user {self.user['username']} cannot be "
                    f"{'created' if user is None else 'activated'} with the profile {name}. Free one (deactivate a "
                    "user), buy one (Setup > Company Information > User Licenses), or choose a base_profile of another "
                    "licence. Nothing was written.", licence=self.licence)
        self._plan_password(user)

        # Writes, in the order that never leaves a user on a profile that is not fit.
        if profile is None:
            self._write("profile_create", lambda: self._create_profile(name, licence["Name"] if licence else "Salesforce"))
            self.profile["created"] = True
        if changes:
            self._write("profile_permissions", lambda: self._set_permissions(changes))
        if user is None:
            self._write("user_create", lambda: self._create_user(wanted))
            self.user.update(created=True, active=True, fields_changed=sorted(wanted) + ["ProfileId"])
        else:
            self.user.update(id=user["Id"], active=user["IsActive"], fields_changed=sorted(user_changes))
            if user_changes:
                self._write("user_update", lambda: self._update_user(user["Id"], user_changes))
                self.user["active"] = True
        if self.password_set:
            self._write("password_set", self._set_password)

    def _user_changes(self, user, wanted: dict, profile) -> dict:
        self.after["user"] = dict(wanted, ProfileName=self.params["profile"], IsActive=True)
        if user is None:
            self.before["user"] = None
            return {}
        self.before["user"] = dict({k: user.get(k) for k in wanted}, IsActive=user["IsActive"],
                                   ProfileName=self.params["profile"] if profile and user["ProfileId"] == profile["Id"]
                                   else user["ProfileId"])
        changes = {k: v for k, v in wanted.items() if k != "Username" and user.get(k) != v}
        if not user["IsActive"]:
            changes["IsActive"] = True
        if profile is None or user["ProfileId"] != profile["Id"]:
            changes["ProfileId"] = None   # filled with the profile's id when written
        return changes

    def _plan_password(self, user) -> None:
        mode = self.params["update_password"]
        if self.params["password"] is None:
            return
        self.password_set = mode == "always" or (mode == "on_create" and user is None)
        if self.password_set:
            self.after.setdefault("user", {})["password"] = "(set)"

    # ---- writes -----------------------------------------------------------------------------
    def _write(self, kind: str, call) -> None:
        self.writes.append(kind)
        if self.check_mode:
            return
        try:
            call()
        except CollectionError:
            raise
        except Exception as error:  # pylint: disable=broad-exception-caught  # simple-salesforce's SalesforceError
            done = self.writes[:-1]
            raise CollectionError(f"Salesforce refused {kind}: {type(error).__name__}: {error}. Written before it: "
                                  f"{', '.join(done) or 'nothing'}; run the task again once the cause is fixed.",
                                  profile=self.profile, user=self.user) from None

    def _create_profile(self, name: str, licence_name: str) -> None:
        metadata = (f'<md:metadata xmlns:xsi="{METADATA_XSI}" xsi:type="md:Profile"><md:fullName>{escape(name)}'
                    f'</md:fullName><md:custom>true</md:custom><md:userLicense>{escape(licence_name)}</md:userLicense>'
                    '</md:metadata>')
        root = _soap(self.session, self.instance, self.api_version, self.token, "createMetadata", metadata)
        result = {_local(e): (e.text or "") for e in root.iter()}
        if result.get("success") != "true":
            raise CollectionError(f"Salesforce did not create the profile {name}: {result.get('message') or 'no message'}.",
                                  profile=self.profile)
        profile = self._one("SELECT Id, Name, UserLicenseId FROM Profile WHERE Name = {}", name)
        self.profile["id"] = profile["Id"]

    def _set_permissions(self, changes: dict) -> None:
        owned = self._one("SELECT Id FROM PermissionSet WHERE ProfileId = {}", self.profile["id"])
        self.client.PermissionSet.update(owned["Id"], changes)

    def _create_user(self, wanted: dict) -> None:
        answer = self.client.User.create(dict(wanted, ProfileId=self.profile["id"]))
        self.user["id"] = answer["id"]

    def _update_user(self, user_id: str, changes: dict) -> None:
        if "ProfileId" in changes:
            changes = dict(changes, ProfileId=self.profile["id"])
        self.client.User.update(user_id, changes)

    def _set_password(self) -> None:
        self.client.restful(f"sobjects/User/{self.user['id']}/password", method="POST",
                            data=json.dumps({"NewPassword": self.params["password"]}))
