# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading logic of okta_sf_sync_info: Okta's app users against Salesforce's users (internal to this collection).

Both sides are streamed: Okta's app users page by page (`Link` paging of the Okta client, 500 a page), then
Salesforce's users batch by batch (simple-salesforce's `query_all_iter`, 2,000 a batch by default). Only the Okta
side is kept while the Salesforce side streams past, and only as a key and the compared fields per user (a tuple,
with repeated strings shared); each match is dropped as soon as it is compared. Lists stop at `max_listed`; counts
are always complete. Read-only: GETs to Okta, one SOAP login, describes and SELECTs to Salesforce.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import query_error

CATEGORIES = ("missing_in_salesforce", "inactive_in_salesforce", "profile_or_role_differs", "unassigned_in_okta",
              "okta_sync_problems", "in_sync")
PROBLEM_CATEGORIES = CATEGORIES[:-1]
MATCH_ON = {"username": "Username", "federation_id": "FederationIdentifier"}
OKTA_PAGE_SIZE = 500           # the most /api/v1/apps/{id}/users returns per page
# "Provisioned" in the spec's words: PROVISIONED (the push completed and set externalId) and ACTIVE (provisioned
# and enabled; also every user of an app without provisioning). Any other status has not reached Salesforce.
PROVISIONED_STATUSES = frozenset(("ACTIVE", "PROVISIONED"))
SYNC_PROBLEM_STATES = frozenset(("ERROR", "OUT_OF_SYNC"))
# Okta's own meaning of each value (AppUserStatus / AppUserSyncState, management API spec 2026.06.3). The AppUser
# object carries no error text: Okta keeps a failed push's message in the Admin Console's provisioning tasks and the
# System Log (application.provision.user.* events), so the reason given is the state's meaning and where to look.
SYNC_STATE_REASONS = {
    "ERROR": "a background provisioning operation failed to update the user in Salesforce; resolve the provisioning "
             "task in the Admin Console (or read the System Log) before retrying",
    "OUT_OF_SYNC": "the app user has changes that have not been pushed to Salesforce",
}
STATUS_REASONS = {
    "STAGED": "the push to Salesforce is queued: no Salesforce id (externalId) yet",
    "PENDING": "provisioned but pending, and cannot use the app until activated",
    "APPROVED": "created but not provisioned (manual provisioning acknowledgment)",
    "INACTIVE": "provisioned but not enabled to use the app",
    "SUSPENDED": "provisioned but not enabled to use the app",
    "DEPROVISIONED": "deprovisioned",
    "REVOKED": "disabled and waiting for deprovisioning acknowledgment",
    "IMPLICIT": "migrated to implicit app assignment",
    "IMPORTED": "created from imported data, not pushed",
    "MATCHED": "an imported user matched with an app user, not pushed",
    "UNASSIGNED": "imported, but matching was skipped",
}

# Okta side, per app user: (okta user id, status, syncState, scope, profile, role, problem flag, app username).
_ID, _STATUS, _SYNC, _SCOPE, _PROFILE, _ROLE, _PROBLEM, _USERNAME = range(8)


@dataclass
class SyncHealthRequest:
    """What to compare and what to list. Usernames are compared without regard to case."""

    match_on: str = "username"
    include: tuple = PROBLEM_CATEGORIES
    max_listed: int = 50
    ignore_usernames: frozenset = frozenset()     # Salesforce usernames never listed as unassigned (break-glass admins)
    profile_attribute: str = "profile"
    role_attribute: str = "role"


@dataclass
class Category:
    count: int = 0
    entries: list = field(default_factory=list)

    def add(self, listed: bool, max_listed: int, make_entry) -> None:
        self.count += 1
        if listed and len(self.entries) < max_listed:
            self.entries.append(make_entry())


class SyncHealth:
    """The comparison, fed one side after the other: `add_okta_user` for every app user, then
    `add_salesforce_user` for every Salesforce user, then `result()`."""

    def __init__(self, request: SyncHealthRequest):
        self.request = request
        self.categories = {name: Category() for name in CATEGORIES}
        self.okta = {}                  # key -> tuple (see _ID...), dropped when matched
        self.okta_users = 0
        self.salesforce_users = 0
        self.ignored = 0
        self.duplicate_okta_keys = 0
        self._names = {}                # one copy of each repeated string (statuses, profiles, roles)

    def _shared(self, value):
        if not isinstance(value, str):
            return value
        return self._names.setdefault(value, value)

    def _record(self, category: str, make_entry) -> None:
        self.categories[category].add(category in self.request.include, self.request.max_listed, make_entry)

    # ---- Okta side ------------------------------------------------------------------------------------------
    def add_okta_user(self, app_user: dict) -> None:
        self.okta_users += 1
        username = ((app_user.get("credentials") or {}).get("userName") or "").strip()
        profile = app_user.get("profile") or {}
        status, sync_state = app_user.get("status"), app_user.get("syncState")
        problem = sync_state in SYNC_PROBLEM_STATES or status not in PROVISIONED_STATUSES
        if problem:
            self._record("okta_sync_problems", lambda: _okta_problem_entry(username, app_user))
        if not username:
            return
        username = sys.intern(username)
        key = sys.intern(username.lower())   # the same object as `username` when it is lower case already
        if key in self.okta:
            self.duplicate_okta_keys += 1
        self.okta[key] = (app_user.get("id"), self._shared(status), self._shared(sync_state),
                          self._shared(app_user.get("scope")), self._shared(profile.get(self.request.profile_attribute)),
                          self._shared(profile.get(self.request.role_attribute)), problem, username)

    # ---- Salesforce side ------------------------------------------------------------------------------------
    def add_salesforce_user(self, row: dict) -> None:
        self.salesforce_users += 1
        username = row.get("Username") or ""
        key_value = row.get(MATCH_ON[self.request.match_on]) or ""
        okta = self.okta.pop(key_value.lower(), None) if key_value else None
        if okta is None:
            if username.lower() in self.request.ignore_usernames:
                self.ignored += 1
            elif row.get("IsActive") and row.get("UserType") == "Standard":
                self._record("unassigned_in_okta", lambda: _salesforce_entry(row))
            return
        healthy = not okta[_PROBLEM]
        if not row.get("IsActive"):
            healthy = False
            self._record("inactive_in_salesforce", lambda: dict(_salesforce_entry(row), okta_user_id=okta[_ID]))
        differs = _differences(okta, row)
        if differs:
            healthy = False
            self._record("profile_or_role_differs", lambda: {
                "username": username, "okta_user_id": okta[_ID], "salesforce_id": row.get("Id"), "differs": differs,
                "okta": {name: okta[_PROFILE if name == "profile" else _ROLE] for name in differs},
                "salesforce": {name: _sf_name(row, "Profile" if name == "profile" else "UserRole") for name in differs}})
        if healthy:
            self._record("in_sync", lambda: {"username": username, "okta_user_id": okta[_ID], "salesforce_id": row.get("Id")})

    # ---- end --------------------------------------------------------------------------------------------------
    def result(self) -> dict:
        for okta in self.okta.values():   # never matched: assigned in Okta, no such user in Salesforce
            self._record("missing_in_salesforce", lambda: {"username": okta[_USERNAME], "okta_user_id": okta[_ID],
                                                           "scope": okta[_SCOPE], "status": okta[_STATUS]})
        self.okta.clear()
        counts = {name: category.count for name, category in self.categories.items()}
        counts.update(okta_app_users=self.okta_users, salesforce_users=self.salesforce_users, ignored=self.ignored)
        return {
            "healthy": not any(counts[name] for name in PROBLEM_CATEGORIES),
            "counts": counts,
            "users": {name: category.entries for name, category in self.categories.items()
                      if name in self.request.include},
            "truncated": sorted(name for name, category in self.categories.items()
                                if name in self.request.include and category.count > len(category.entries)),
        }


def _sf_name(row: dict, relationship: str):
    related = row.get(relationship)
    return related.get("Name") if isinstance(related, dict) else None


def _differences(okta: tuple, row: dict) -> list:
    """Profile and role where Okta's app user names one (Okta pushes nothing for an empty attribute)."""
    differs = []
    if okta[_PROFILE] and okta[_PROFILE] != _sf_name(row, "Profile"):
        differs.append("profile")
    if okta[_ROLE] and okta[_ROLE] != _sf_name(row, "UserRole"):
        differs.append("role")
    return differs


def _salesforce_entry(row: dict) -> dict:
    return {"username": row.get("Username"), "salesforce_id": row.get("Id"),
            "federation_id": row.get("FederationIdentifier"), "profile": _sf_name(row, "Profile"),
            "role": _sf_name(row, "UserRole"), "last_login": row.get("LastLoginDate")}


def _okta_problem_entry(username: str, app_user: dict) -> dict:
    status, sync_state = app_user.get("status"), app_user.get("syncState")
    reasons = []
    if sync_state in SYNC_PROBLEM_STATES:
        reasons.append(f"syncState {sync_state}: {SYNC_STATE_REASONS[sync_state]}")
    if status not in PROVISIONED_STATUSES:
        reasons.append(f"status {status}: {STATUS_REASONS.get(status, 'not provisioned')}")
    return {"username": username or None, "okta_user_id": app_user.get("id"), "status": status,
            "sync_state": sync_state, "scope": app_user.get("scope"), "reason": "; ".join(reasons),
            "last_sync": app_user.get("lastSync"), "status_changed": app_user.get("statusChanged")}


# ---- the two reads ------------------------------------------------------------------------------------------------

def okta_app_users(client, app_id: str):
    """Every app user of the app, page after page (`limit=500`, no `expand`: the app user holds all that is compared)."""
    return client.paginate(f"/api/v1/apps/{app_id}/users", params={"limit": OKTA_PAGE_SIZE})


USER_FIELDS = ("Id", "Username", "FederationIdentifier", "IsActive", "UserType", "Profile.Name", "UserRole.Name",
               "LastLoginDate")
# field -> the User field whose presence the describe must show (a relationship is read through its Id field)
_DESCRIBED_AS = {"Profile.Name": "ProfileId", "UserRole.Name": "UserRoleId"}


def salesforce_user_fields(sf) -> tuple:
    """The USER_FIELDS this org's User object has (describe first: a query naming a missing field fails whole).
    FederationIdentifier exists in every org; UserRoleId does too where roles are on, but is checked like the rest."""
    described = sf.User.describe()
    names = {str(item.get("name")).lower() for item in (described or {}).get("fields") or [] if isinstance(item, dict)}
    return tuple(name for name in USER_FIELDS if _DESCRIBED_AS.get(name, name).lower() in names)


def salesforce_users(sf, fields: tuple):
    """Every Salesforce user, batch after batch (simple-salesforce follows `nextRecordsUrl`). Takes any logged-in
    simple-salesforce `Salesforce` client: the API user's session, or an admin session."""
    return sf.query_all_iter(f"SELECT {', '.join(fields)} FROM User")


# ---- the module's read --------------------------------------------------------------------------------------------

def salesforce_read_error(error: Exception, host: str, timeout: float) -> CollectionError:
    """A describe or query that failed (Salesforce's status and error code, or the transport's reason)."""
    return SyncHealthError(f"Reading Salesforce's users failed: {query_error(error, host, timeout)}. Nothing was written.")


class SyncHealthError(CollectionError):
    """The comparison could not be made (a Salesforce login or read failed)."""


def read_sync_health(client, app: dict, sf, request: SyncHealthRequest, host: str = "", timeout: float = 30) -> dict:
    """Okta's app users of `app` against the users of the Salesforce org behind `sf` (a logged-in simple-salesforce
    client: the API user's session or an admin session). Raises SyncHealthError when Salesforce cannot be read."""
    try:
        fields = salesforce_user_fields(sf)
    except Exception as error:  # pylint: disable=broad-exception-caught  # any failure of the library is reported
        raise salesforce_read_error(error, host, timeout) from None
    if MATCH_ON[request.match_on] not in fields:
        raise SyncHealthError(f"match_on={request.match_on} needs the User field {MATCH_ON[request.match_on]}, which "
                              "this Salesforce org does not show to this user. Use match_on=username.")
    if "UserRole.Name" not in fields:
        request.role_attribute = None   # the org has no roles to compare
    health = SyncHealth(request)
    for app_user in okta_app_users(client, app["id"]):
        health.add_okta_user(app_user)
    try:
        for row in salesforce_users(sf, fields):
            health.add_salesforce_user(row)
    except Exception as error:  # pylint: disable=broad-exception-caught
        raise salesforce_read_error(error, host, timeout) from None
    result = health.result()
    result["salesforce_fields"] = list(fields)
    if health.duplicate_okta_keys:
        result["warnings"] = [f"{health.duplicate_okta_keys} Okta app users share an app username with another "
                              "(compared case-insensitively): only the last of each was compared."]
    return result
