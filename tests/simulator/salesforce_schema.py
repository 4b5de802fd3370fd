"""Which fields the simulated Salesforce org has, per object: the REST describe answer and the field
check that SOQL makes before it reads a single row.

Real orgs differ here. `Permissions*` fields exist per licence and feature, and the "Is Single Sign-On
Enabled" permission (`Profile.IsSsoEnabled`, `PermissionSet.PermissionsIsSsoEnabled`) exists only once
delegated authentication is enabled in the org: "After enabling, the Is Single Sign-On Enabled permission
becomes available in profiles and permission sets" (Salesforce Knowledge article 000386846, "How to Enable
Delegated Authentication (Single Sign-On) in Salesforce"). The org flags that model it:

- `delegated_auth_available` (default true): false removes both SSO permission fields;
- `absent_fields: {Object: [Field, ...]}`: any other field the org lacks (a licence it does not have).

A SOQL naming a field the org lacks fails whole, before any row is read, with 400 `INVALID_FIELD`
("No such column 'X' on entity 'Y'. If you are attempting to use a custom field, ..."), the answer
quoted in public troubleshooting pages (docs.withampersand.com/troubleshooting-guides/salesforce,
github.com/afawcett/apex-toolingapi/issues/41).
"""
from __future__ import annotations

# (name, type, label) per object: the fields the collection's queries name, and a few more.
FIELDS = {
    "User": [
        ("Id", "id", "User ID"), ("Username", "string", "Username"), ("Name", "string", "Full Name"),
        ("Email", "email", "Email"), ("IsActive", "boolean", "Active"), ("UserType", "picklist", "User Type"),
        ("ProfileId", "reference", "Profile ID"), ("UserRoleId", "reference", "Role ID"),
        ("FederationIdentifier", "string", "Federation ID"), ("LastLoginDate", "datetime", "Last Login"),
        ("FirstName", "string", "First Name"), ("LastName", "string", "Last Name"), ("Alias", "string", "Alias"),
        ("LocaleSidKey", "picklist", "Locale"), ("TimeZoneSidKey", "picklist", "Time Zone"),
        ("EmailEncodingKey", "picklist", "Email Encoding"), ("LanguageLocaleKey", "picklist", "Language"),
    ],
    "UserRole": [("Id", "id", "Role ID"), ("Name", "string", "Name")],
    "Profile": [
        ("Id", "id", "Profile ID"), ("Name", "string", "Name"), ("UserLicenseId", "reference", "User License ID"),
        ("IsSsoEnabled", "boolean", "Is Single Sign-On Enabled"),
        ("PermissionsApiEnabled", "boolean", "API Enabled"), ("PermissionsManageUsers", "boolean", "Manage Users"),
        ("PermissionsModifyAllData", "boolean", "Modify All Data"),
    ],
    "PermissionSet": [
        ("Id", "id", "PermissionSet ID"), ("Name", "string", "API Name"), ("Label", "string", "Permission Set Name"),
        ("IsOwnedByProfile", "boolean", "Is Owned By Profile"), ("ProfileId", "reference", "Profile ID"),
        ("PermissionsIsSsoEnabled", "boolean", "Is Single Sign-On Enabled"),
        ("PermissionsApiEnabled", "boolean", "API Enabled"), ("PermissionsManageUsers", "boolean", "Manage Users"),
        ("PermissionsModifyAllData", "boolean", "Modify All Data"),
    ],
    "PermissionSetAssignment": [
        ("Id", "id", "Permission Set Assignment ID"), ("AssigneeId", "reference", "Assignee ID"),
        ("PermissionSetId", "reference", "Permission Set ID"),
    ],
    "UserLicense": [
        ("Id", "id", "User License ID"), ("Name", "string", "Name"), ("TotalLicenses", "int", "Total Licenses"),
        ("UsedLicenses", "int", "Used Licenses"),
    ],
    "Organization": [
        ("Id", "id", "Organization ID"), ("Name", "string", "Name"), ("IsSandbox", "boolean", "Is Sandbox"),
        ("OrganizationType", "picklist", "Edition"), ("InstanceName", "string", "Instance Name"),
    ],
}
KEY_PREFIXES = {"User": "005", "Profile": "00e", "UserRole": "00E", "PermissionSet": "0PS", "PermissionSetAssignment": "0Pa",
                "Organization": "00D", "UserLicense": "100"}
# (object, relationship name) -> (reference field, related object)
RELATIONSHIPS = {
    ("User", "Profile"): ("ProfileId", "Profile"),
    ("User", "UserRole"): ("UserRoleId", "UserRole"),
    ("PermissionSetAssignment", "PermissionSet"): ("PermissionSetId", "PermissionSet"),
    ("PermissionSetAssignment", "Assignee"): ("AssigneeId", "User"),
}
DELEGATED_AUTH_FIELDS = {"Profile": "IsSsoEnabled", "PermissionSet": "PermissionsIsSsoEnabled"}

CUSTOM_FIELD_HINT = ("If you are attempting to use a custom field, be sure to append the '__c' after the custom field "
                     "name. Please reference your WSDL or the describe call for the appropriate names.")
CUSTOM_RELATIONSHIP_HINT = ("If you are attempting to use a custom relationship, be sure to append the '__r' after the "
                            "custom relationship name. Please reference your WSDL or the describe call for the "
                            "appropriate names.")


class FieldError(Exception):
    """A field path the org does not have: `message` is Salesforce's wording (without the query excerpt)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def object_name(name: str) -> str | None:
    """The object's API name as Salesforce spells it, for any case of `name`; None when the org has no such object."""
    return next((known for known in FIELDS if known.lower() == (name or "").lower()), None)


def absent_fields(org: dict, sobject: str) -> set:
    absent = set((org.get("absent_fields") or {}).get(sobject) or [])
    if not org.get("delegated_auth_available", True) and sobject in DELEGATED_AUTH_FIELDS:
        absent.add(DELEGATED_AUTH_FIELDS[sobject])
    return absent


def field_names(org: dict, sobject: str) -> list:
    """The fields `sobject` has in this org, in describe order."""
    absent = absent_fields(org, sobject)
    return [name for name, _type, _label in FIELDS[sobject] if name not in absent]


def check_field_path(org: dict, sobject: str, path: str) -> str:
    """The last field of `path` (e.g. Profile.IsSsoEnabled from User) as Salesforce spells it; FieldError if absent."""
    entity = sobject
    parts = path.split(".")
    for part in parts[:-1]:
        found = next(((ref, target) for (owner, rel), (ref, target) in RELATIONSHIPS.items()
                      if owner == entity and rel.lower() == part.lower()), None)
        if found is None:
            raise FieldError(f"Didn't understand relationship '{part}' in field path. {CUSTOM_RELATIONSHIP_HINT}")
        entity = found[1]
    name = next((field for field in field_names(org, entity) if field.lower() == parts[-1].lower()), None)
    if name is None:
        raise FieldError(f"No such column '{parts[-1]}' on entity '{entity}'. {CUSTOM_FIELD_HINT}")
    return name


def describe(org: dict, sobject: str, url_prefix: str) -> dict:
    """The `GET /services/data/vXX.X/sobjects/{Object}/describe` answer (DescribeSObjectResult, the parts that matter)."""
    absent = absent_fields(org, sobject)
    references = {ref: (rel, target) for (owner, rel), (ref, target) in RELATIONSHIPS.items() if owner == sobject}
    fields = []
    for name, field_type, label in FIELDS[sobject]:
        if name in absent:
            continue
        relationship, target = references.get(name, (None, None))
        fields.append({"name": name, "type": field_type, "label": label, "custom": False,
                       "nillable": field_type not in ("id", "boolean"), "relationshipName": relationship,
                       "referenceTo": [target] if target else []})
    base = f"{url_prefix}/sobjects/{sobject}"
    return {"name": sobject, "label": sobject, "keyPrefix": KEY_PREFIXES[sobject], "custom": False,
            "queryable": True, "fields": fields,
            "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"}}
