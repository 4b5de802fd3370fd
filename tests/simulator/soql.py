"""Just enough SOQL for the credentials test's three queries (contract section 4) and the sync-health
module's User list.

`SELECT f, Rel.f FROM Object [WHERE Field = 'value'] [LIMIT n]` over User,
PermissionSetAssignment and Organization, answered from the simulated Salesforce org.
Answers come in batches as Salesforce sends them: "up to 2,000 records can be returned at a time",
and a longer result has `done: false` and a `nextRecordsUrl` (a query locator,
`/services/data/vXX.X/query/01g...-2000`) that returns the next batch (Salesforce REST API Developer
Guide, "Query" and "Query More Results" resources). The org's `query_batch_size` (default 2000) sets
the batch; a request's `Sforce-Query-Options: batchSize=n` header (200 to 2,000, "Query Options
Header") asks for smaller ones.
Every field path is checked against the org's fields (salesforce_schema.py) before any row is read,
as Salesforce does: a field the org lacks fails the whole query with INVALID_FIELD, even when no row
would match.
"""
from __future__ import annotations

import re

from .salesforce_admin import license_name, licenses
from .salesforce_schema import FieldError, check_field_path

QUERY = re.compile(r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
                   r"(?:\s+WHERE\s+(?P<field>[\w.]+)\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)')?"
                   r"(?:\s+LIMIT\s+(?P<limit>\d+))?\s*$", re.IGNORECASE | re.DOTALL)


class SoqlError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _profile_owned_set(profile_name: str, profile: dict) -> dict:
    return {"Id": "0PS" + profile.get("id", "00e")[3:], "Name": "X" + profile.get("id", "00e000000000000"),
            "Label": profile_name, "IsOwnedByProfile": True,
            "ProfileId": profile.get("id"), "PermissionsIsSsoEnabled": bool(profile.get("IsSsoEnabled")),
            "PermissionsApiEnabled": bool(profile.get("PermissionsApiEnabled")),
            "PermissionsManageUsers": bool(profile.get("PermissionsManageUsers")),
            "PermissionsModifyAllData": bool(profile.get("PermissionsModifyAllData"))}


def _user_row(sf: dict, user: dict) -> dict:
    profile = sf["profiles"].get(user.get("profile"), {})
    role = sf.get("roles", {}).get(user.get("role")) if user.get("role") else None
    return {"Id": user["id"], "Username": user["username"], "Name": user.get("full_name"), "Email": user.get("email"),
            "IsActive": bool(user.get("is_active", True)), "UserType": user.get("user_type", "Standard"),
            "FederationIdentifier": user.get("federation_identifier"), "FirstName": user.get("first_name"),
            "LastName": user.get("last_name") or user.get("full_name"), "Alias": user.get("alias"),
            "LocaleSidKey": user.get("locale", "en_US"), "TimeZoneSidKey": user.get("time_zone", "America/Los_Angeles"),
            "EmailEncodingKey": user.get("email_encoding", "UTF-8"), "LanguageLocaleKey": user.get("language", "en_US"),
            "LastLoginDate": user.get("last_login_date"),
            "UserRoleId": role["id"] if role else None,
            "UserRole": {"Id": role["id"], "Name": user["role"]} if role else None,
            "ProfileId": profile.get("id"),
            "Profile": {"Id": profile.get("id"), "Name": user.get("profile"),
                        "IsSsoEnabled": bool(profile.get("IsSsoEnabled")),
                        "PermissionsApiEnabled": bool(profile.get("PermissionsApiEnabled")),
                        "PermissionsManageUsers": bool(profile.get("PermissionsManageUsers")),
                        "PermissionsModifyAllData": bool(profile.get("PermissionsModifyAllData"))}}


def _assignment_rows(sf: dict, user: dict) -> list:
    profile = sf["profiles"].get(user.get("profile"), {})
    sets = [_profile_owned_set(user.get("profile"), profile)]
    for name in user.get("permission_sets", []):
        perm = sf["permission_sets"].get(name, {})
        sets.append({"Id": perm.get("id"), "Name": name.replace(" ", "_"), "Label": name, "IsOwnedByProfile": False,
                     "ProfileId": None,
                     "PermissionsIsSsoEnabled": bool(perm.get("IsSsoEnabled")),
                     "PermissionsApiEnabled": bool(perm.get("PermissionsApiEnabled")),
                     "PermissionsManageUsers": bool(perm.get("PermissionsManageUsers")),
                     "PermissionsModifyAllData": bool(perm.get("PermissionsModifyAllData"))})
    return [{"Id": f"0Pa{user['id'][3:15]}{n:03d}", "AssigneeId": user["id"], "PermissionSetId": perm_set["Id"],
             "PermissionSet": perm_set} for n, perm_set in enumerate(sets)]


def _org_row(org: dict) -> dict:
    return {"Id": org["id"], "Name": org["name"], "IsSandbox": bool(org.get("is_sandbox")),
            "OrganizationType": org.get("organization_type"), "InstanceName": org.get("instance_name")}


def _rows(sf: dict, sobject: str) -> list:
    if sobject == "User":
        return [_user_row(sf, u) for u in sf["users"].values()]
    if sobject == "PermissionSetAssignment":
        return [row for u in sf["users"].values() for row in _assignment_rows(sf, u)]
    if sobject == "Profile":
        lics = licenses(sf)
        return [{"Id": p.get("id"), "Name": name, "UserLicenseId": (lics.get(license_name(p)) or {}).get("id"),
                 "IsSsoEnabled": bool(p.get("IsSsoEnabled")), "PermissionsApiEnabled": bool(p.get("PermissionsApiEnabled")),
                 "PermissionsManageUsers": bool(p.get("PermissionsManageUsers")),
                 "PermissionsModifyAllData": bool(p.get("PermissionsModifyAllData"))} for name, p in sf["profiles"].items()]
    if sobject == "PermissionSet":
        return [_profile_owned_set(name, p) for name, p in sf["profiles"].items()]
    if sobject == "UserLicense":
        return [{"Id": lic["id"], "Name": name, "TotalLicenses": lic["total"], "UsedLicenses": lic["used"]}
                for name, lic in licenses(sf).items()]
    return [_org_row(sf["org"])]


RELATED = {"Profile": "Profile", "PermissionSet": "PermissionSet", "UserRole": "UserRole"}
OBJECTS = {"profile": "Profile", "permissionset": "PermissionSet", "userlicense": "UserLicense", "user": "User",
           "permissionsetassignment": "PermissionSetAssignment", "organization": "Organization"}


def _field(row: dict, path: str, sobject: str):
    node = row
    for part in path.split("."):
        key = next((k for k in node if k.lower() == part.lower()), None) if isinstance(node, dict) else None
        if key is None:
            raise SoqlError(400, "INVALID_FIELD", f"No such column '{path}' on entity '{sobject}'.")
        node = node[key]
    return node


def _check_fields(sf: dict, soql: str, sobject: str, paths: list) -> None:
    """INVALID_FIELD for the first path the org lacks, worded as Salesforce words it (with the query's position)."""
    for path in paths:
        try:
            check_field_path(sf["org"], sobject, path)
        except FieldError as error:
            column = soql.find(path) + 1
            raise SoqlError(400, "INVALID_FIELD", f"\n{soql.strip()}\n{' ' * max(column - 1, 0)}^\n"
                                                  f"ERROR at Row:1:Column:{column}\n{error.message}") from None


def _project(row: dict, fields: list, sobject: str, url_prefix: str) -> dict:
    out = {"attributes": {"type": sobject, "url": f"{url_prefix}/sobjects/{sobject}/{row['Id']}"}}
    for path in fields:
        parts = path.split(".")
        if len(parts) > 1 and _field(row, parts[0], sobject) is None:
            out[parts[0]] = None   # an empty lookup (a user without a role): Salesforce answers null for the relationship
            continue
        value = _field(row, path, sobject)
        node, node_type = out, sobject
        for depth, part in enumerate(parts[:-1]):
            related = RELATED.get(part, part)
            if part not in node:
                related_id = _field(row, ".".join(parts[:depth + 1]) + ".Id", sobject) if related else None
                node[part] = {"attributes": {"type": related, "url": f"{url_prefix}/sobjects/{related}/{related_id}"}}
            node, node_type = node[part], related
        node[parts[-1]] = value
    return out


def run_query(sf: dict, soql: str, url_prefix: str, cursors: dict | None = None, batch_size: int | None = None) -> dict:
    """The first batch of the query's answer; the rest waits in `cursors` under the locator of `nextRecordsUrl`."""
    answer = _all_records(sf, soql, url_prefix)
    limit = max(200, min(2000, int(batch_size or sf["org"].get("query_batch_size") or 2000)))
    if cursors is None or len(answer["records"]) <= limit:
        return answer
    locator = f"01gSIM{len(cursors) + 1:09d}"
    cursors[locator] = (answer["records"], limit)
    return _batch(answer["records"], 0, limit, locator, url_prefix)


def _batch(records: list, start: int, limit: int, locator: str, url_prefix: str) -> dict:
    end = start + limit
    out = {"totalSize": len(records), "done": end >= len(records), "records": records[start:end]}
    if end < len(records):
        out["nextRecordsUrl"] = f"{url_prefix}/query/{locator}-{end}"
    return out


def query_more(cursors: dict, locator_and_start: str, url_prefix: str) -> dict:
    """The batch of `nextRecordsUrl` (`01g...-2000`); INVALID_QUERY_LOCATOR for one this org did not issue."""
    locator, _sep, start = locator_and_start.rpartition("-")
    if locator not in cursors or not start.isdigit():
        raise SoqlError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    records, limit = cursors[locator]
    answer = _batch(records, int(start), limit, locator, url_prefix)
    if answer["done"]:
        cursors.pop(locator, None)
    return answer


def _all_records(sf: dict, soql: str, url_prefix: str) -> dict:
    match = QUERY.match(soql or "")
    if not match:
        raise SoqlError(400, "MALFORMED_QUERY", f"unexpected token in query: {soql!r}")
    sobject = OBJECTS.get(match.group("object").lower())
    if sobject is None:
        raise SoqlError(400, "INVALID_TYPE", f"sObject type '{match.group('object')}' is not supported. If you are attempting "
                                             "to use a custom object, be sure to append the '__c' after the entity name.")
    fields = [f.strip() for f in match.group("fields").split(",") if f.strip()]
    _check_fields(sf, soql, sobject, fields + ([match.group("field")] if match.group("field") else []))
    rows = _rows(sf, sobject)
    if match.group("field"):
        wanted = match.group("value")
        rows = [r for r in rows if _same(_field(r, match.group("field"), sobject), wanted)]
    if match.group("limit"):
        rows = rows[:int(match.group("limit"))]
    records = [_project(r, fields, sobject, url_prefix) for r in rows]
    return {"totalSize": len(records), "done": True, "records": records}


def _same(actual, wanted: str) -> bool:
    """Salesforce ids compare on their case-sensitive 15-character form."""
    actual = "" if actual is None else str(actual)
    if len(actual) in (15, 18) and len(wanted) in (15, 18):
        return actual[:15] == wanted[:15]
    return actual == wanted
