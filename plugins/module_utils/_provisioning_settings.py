# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""To App and To Okta settings: the module's vocabulary <-> Okta's feature capabilities (internal).

``to_app`` maps to the USER_PROVISIONING capabilities object, ``to_okta`` to INBOUND_PROVISIONING
(``/api/v1/apps/{appId}/features/{name}``: public, but documented by Okta for other apps only, not for
Salesforce). Views are complete dicts in the module's vocabulary; Okta's defaults fill what an answer
leaves out.
"""

from __future__ import annotations

import re

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_api_integration import not_exposed
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError

try:
    import zoneinfo
except ImportError:  # pragma: no cover - Python >= 3.9 has it
    zoneinfo = None

USER_PROVISIONING = "USER_PROVISIONING"
INBOUND_PROVISIONING = "INBOUND_PROVISIONING"
FEATURE_PATH = "/api/v1/apps/{app_id}/features/{name}"

# The module's match option -> Okta's userCreateAndMatch key (booleans only).
_MATCH_FLAGS = {
    "allow_partial": "allowPartialMatch",
    "auto_confirm_exact": "autoConfirmExactMatch",
    "auto_confirm_partial": "autoConfirmPartialMatch",
    "auto_confirm_new": "autoConfirmNewUsers",
    "auto_activate_new": "autoActivateNewUsers",
}

# What the app object's read-only `features` array tells about To App.
_PUSH_FEATURES = {
    "create_users": "PUSH_NEW_USERS",
    "update_user_attributes": "PUSH_PROFILE_UPDATES",
    "deactivate_users": "PUSH_USER_DEACTIVATION",
}


class SettingsInputError(InputError):
    """A wanted setting that Okta would refuse or misread; raised before any request is sent."""


def _enabled(status_holder):
    return (status_holder or {}).get("status") == "ENABLED"


def _status(flag):
    return "ENABLED" if flag else "DISABLED"


def _lower(value, default):
    return value.lower() if isinstance(value, str) else default


def read_capabilities(client, app_id):
    """(both capabilities objects by feature name, None), or (None, Okta's refusal) when provisioning is off or
    the org does not expose the features API for the app (the rule of `_okta_api_integration.not_exposed`:
    any 4xx but 401/407/408/429, and 501). Any other error is raised."""
    caps = {}
    for name in (USER_PROVISIONING, INBOUND_PROVISIONING):
        try:
            answer = client.get(FEATURE_PATH.format(app_id=app_id, name=name))
        except OktaApiError as error:
            if not_exposed(error):
                return None, error
            raise
        caps[name] = (answer or {}).get("capabilities") or {}
    return caps, None


# ---- To App ---------------------------------------------------------------------------------

def to_app_view(capabilities):
    """USER_PROVISIONING capabilities -> the complete `to_app` view."""
    capabilities = capabilities or {}
    create = capabilities.get("create") or {}
    update = capabilities.get("update") or {}
    password = update.get("password") or {}
    return {
        "create_users": _enabled(create.get("lifecycleCreate")),
        "update_user_attributes": _enabled(update.get("profile")),
        "deactivate_users": _enabled(update.get("lifecycleDeactivate")),
        "sync_password": {
            "enabled": _enabled(password),
            "seed": _lower(password.get("seed"), "random"),
            "change": _lower(password.get("change"), "keep_existing"),
        },
    }


def user_provisioning_body(to_app_changes):
    """A partial USER_PROVISIONING capabilities object (the PUT body) holding only `to_app_changes`."""
    body = {}
    if "create_users" in to_app_changes:
        body["create"] = {"lifecycleCreate": {"status": _status(to_app_changes["create_users"])}}
    update = {}
    if "update_user_attributes" in to_app_changes:
        update["profile"] = {"status": _status(to_app_changes["update_user_attributes"])}
    if "deactivate_users" in to_app_changes:
        update["lifecycleDeactivate"] = {"status": _status(to_app_changes["deactivate_users"])}
    sync = to_app_changes.get("sync_password") or {}
    password = {}
    if "enabled" in sync:
        password["status"] = _status(sync["enabled"])
    if "seed" in sync:
        password["seed"] = sync["seed"].upper()
    if "change" in sync:
        password["change"] = sync["change"].upper()
    if password:
        update["password"] = password
    if update:
        body["update"] = update
    return body


def to_app_from_features(features):
    """What the app's `features` array shows of To App (booleans only: seed and change are not shown)."""
    features = set(features or [])
    view = {option: name in features for option, name in _PUSH_FEATURES.items()}
    view["sync_password"] = {"enabled": "PUSH_PASSWORD_UPDATES" in features}
    return view


# ---- To Okta --------------------------------------------------------------------------------

def _schedule_timezone(full, incremental):
    zones = {entry.get("timezone") for entry in (full, incremental) if entry}
    zones.discard(None)
    if len(zones) > 1:
        # Two different zones cannot be shown as one option value: show both, so that a wanted
        # timezone never matches and gets written to both imports.
        return f"{full.get('timezone')} (full) / {incremental.get('timezone')} (incremental)"
    return zones.pop() if zones else None


def to_okta_view(capabilities):
    """INBOUND_PROVISIONING capabilities -> the complete `to_okta` view.

    Reads both ``usernameFormat`` and ``userNameFormat`` (Okta's examples spell it both ways).
    """
    capabilities = capabilities or {}
    settings = capabilities.get("importSettings") or {}
    username = settings.get("username") or {}
    schedule = settings.get("schedule") or {}
    full = schedule.get("fullImport") or None
    incremental = schedule.get("incrementalImport") or None
    match = (capabilities.get("importRules") or {}).get("userCreateAndMatch") or {}
    view_match = {"criteria": _lower(match.get("exactMatchCriteria"), "email")}
    view_match.update({option: bool(match.get(key, False)) for option, key in _MATCH_FLAGS.items()})
    return {
        "schedule": {
            "enabled": _enabled(schedule),
            "full": (full or {}).get("expression"),
            "incremental": (incremental or {}).get("expression"),
            "timezone": _schedule_timezone(full, incremental),
        },
        "username_format": _lower(username.get("usernameFormat") or username.get("userNameFormat"), "email"),
        "username_expression": username.get("userNameExpression"),
        "match": view_match,
    }


def _import_entry(expression, timezone):
    if not expression:
        return None
    entry = {"expression": expression}
    if timezone:
        entry["timezone"] = timezone
    return entry


def _entry_timezone(view_timezone, current_entry):
    """The zone to write for one import: the view's, unless the view only shows two differing zones."""
    if view_timezone and " / " in view_timezone:
        return (current_entry or {}).get("timezone")
    return view_timezone


def inbound_provisioning_body(to_okta, current_capabilities=None):
    """A complete INBOUND_PROVISIONING capabilities object (the PUT body) from a complete view.

    The whole object is sent because its schema requires both ``importSettings`` and ``importRules``.
    `current_capabilities` keeps each import's own time zone when the view could not show one zone.
    """
    schedule = to_okta["schedule"]
    current_schedule = ((current_capabilities or {}).get("importSettings") or {}).get("schedule") or {}
    username = {"usernameFormat": to_okta["username_format"].upper()}
    if to_okta["username_format"] == "custom" and to_okta.get("username_expression"):
        username["userNameExpression"] = to_okta["username_expression"]
    match = to_okta["match"]
    rules = {"exactMatchCriteria": match["criteria"].upper()}
    rules.update({key: bool(match[option]) for option, key in _MATCH_FLAGS.items()})
    return {
        "importSettings": {
            "username": username,
            "schedule": {
                "status": _status(schedule["enabled"]),
                "fullImport": _import_entry(
                    schedule["full"], _entry_timezone(schedule["timezone"], current_schedule.get("fullImport"))),
                "incrementalImport": _import_entry(
                    schedule["incremental"], _entry_timezone(schedule["timezone"], current_schedule.get("incrementalImport"))),
            },
        },
        "importRules": {"userCreateAndMatch": rules},
    }


def wanted_to_okta(to_okta):
    """The user's `to_okta` (unset values already dropped) with the implied schedule status.

    Giving a full or incremental expression turns the schedule on unless `schedule.enabled` says otherwise.
    """
    schedule = to_okta.get("schedule")
    if schedule and "enabled" not in schedule and (schedule.get("full") or schedule.get("incremental")):
        to_okta = dict(to_okta, schedule=dict(schedule, enabled=True))
    return to_okta


# ---- input checks (before any request) -----------------------------------------------------

_CRON_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)}),
    ("day of week", 0, 7, {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}),
)
_CRON_ITEM = re.compile(r"^(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/([0-9]+))?$")


def _cron_value(text, low, high, names):
    value = names.get(text.upper()) if not text.isdigit() else int(text)
    if value is None or not low <= value <= high:
        return None
    return value


def cron_problem(expression):
    """Why `expression` is not a 5-field cron expression, or None when it is one."""
    fields = expression.split() if isinstance(expression, str) else []
    if len(fields) != 5:
        return f"it has {len(fields)} fields; a cron expression has 5 (minute hour day-of-month month day-of-week)"
    for field, (name, low, high, names) in zip(fields, _CRON_FIELDS):
        for item in field.split(","):
            matched = _CRON_ITEM.match(item)
            if not matched:
                return f"the {name} field {field!r} is not valid cron syntax"
            base, step = matched.groups()
            if step is not None and int(step) == 0:
                return f"the {name} field {field!r} has a step of 0"
            if base == "*":
                continue
            bounds = [_cron_value(part, low, high, names) for part in base.split("-")]
            if None in bounds:
                return f"the {name} field {field!r} is out of range ({low}-{high})"
            if len(bounds) == 2 and bounds[0] > bounds[1]:
                return f"the {name} field {field!r} has a range that runs backwards"
    return None


def timezone_problem(name):
    """Why `name` is not an IANA time zone name, or None when it is one."""
    if zoneinfo is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return "it is not an IANA time zone name (for example Europe/Paris, America/New_York, UTC)"
    return None


def check_to_okta(to_okta):
    """Refuse a `to_okta` that Okta would refuse or misread, with a message that says what to fix."""
    problems = []
    schedule = (to_okta or {}).get("schedule") or {}
    for option in ("full", "incremental"):
        expression = schedule.get(option)
        if expression is not None:
            problem = cron_problem(expression)
            if problem:
                problems.append(f"to_okta.schedule.{option} {expression!r}: {problem}")
    if schedule.get("timezone") is not None:
        problem = timezone_problem(schedule["timezone"])
        if problem:
            problems.append(f"to_okta.schedule.timezone {schedule['timezone']!r}: {problem}")
    username_format = (to_okta or {}).get("username_format")
    if (to_okta or {}).get("username_expression") and username_format != "custom":
        problems.append("to_okta.username_expression is only used with to_okta.username_format=custom: set both")
    if problems:
        raise SettingsInputError("Invalid To Okta settings, nothing was changed: " + "; ".join(problems) + ".")


def check_resulting_to_okta(to_okta):
    """Refuse a resulting `to_okta` view (current settings + wanted ones) that cannot be written."""
    schedule = to_okta["schedule"]
    has_expression = bool(schedule["full"] or schedule["incremental"])
    problems = []
    if schedule["enabled"] and not has_expression:
        problems.append("an enabled import schedule needs to_okta.schedule.full or to_okta.schedule.incremental")
    if schedule["timezone"] and not has_expression:
        problems.append("to_okta.schedule.timezone applies to the full and incremental imports: set at least one of them")
    if to_okta["username_format"] == "custom" and not to_okta["username_expression"]:
        problems.append("to_okta.username_format=custom needs to_okta.username_expression")
    if problems:
        raise SettingsInputError("Invalid To Okta settings: " + "; ".join(problems) + ".")
