# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: compare wanted app assignments with current ones and list the writes that differ.

Everything here is pure (no HTTP): the current assignments come in as parsed objects, the plan goes
out as a list of `Change`, each one write. That keeps the comparison rules testable on their own.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

SCOPE_USER = "USER"
SCOPE_GROUP = "GROUP"


@dataclass
class AssignedUser:
    """One row of ``GET /api/v1/apps/{appId}/users?expand=user``."""
    id: str
    login: str | None
    scope: str
    user_name: str | None
    profile: dict

    @classmethod
    def from_api(cls, item):
        embedded = (item.get("_embedded") or {}).get("user") or {}
        return cls(
            id=item["id"],
            login=(embedded.get("profile") or {}).get("login"),
            scope=item.get("scope") or SCOPE_USER,
            user_name=(item.get("credentials") or {}).get("userName"),
            profile=dict(item.get("profile") or {}),
        )

    @property
    def label(self):
        return self.login or self.id


@dataclass
class AssignedGroup:
    """One row of ``GET /api/v1/apps/{appId}/groups?expand=group``."""
    id: str
    name: str | None
    priority: int | None
    profile: dict

    @classmethod
    def from_api(cls, item):
        embedded = (item.get("_embedded") or {}).get("group") or {}
        return cls(
            id=item["id"],
            name=(embedded.get("profile") or {}).get("name"),
            priority=item.get("priority"),
            profile=dict(item.get("profile") or {}),
        )

    @property
    def label(self):
        return self.name or self.id


@dataclass
class WantedUser:
    """One entry of the `users` option, and the Okta user it resolved to."""
    login: str | None = None
    id: str | None = None
    username: str | None = None
    profile: dict | None = None
    user_id: str | None = None      # filled in by resolution
    resolved_login: str | None = None

    @property
    def given(self):
        return self.login or self.id

    @property
    def label(self):
        return self.resolved_login or self.login or self.id


@dataclass
class WantedGroup:
    """One entry of the `groups` option, and the Okta group it resolved to."""
    name: str | None = None
    id: str | None = None
    priority: int | None = None
    profile: dict | None = None
    group_id: str | None = None     # filled in by resolution
    resolved_name: str | None = None

    @property
    def given(self):
        return self.name or self.id

    @property
    def label(self):
        return self.resolved_name or self.name or self.id


@dataclass
class Change:
    """One write: ``kind`` user|group, ``action`` add|update|remove."""
    kind: str
    action: str
    label: str
    target_id: str
    body: dict | None = None
    wanted: object = None           # the WantedUser/WantedGroup behind an add or update


@dataclass
class Plan:
    changes: list = field(default_factory=list)
    unchanged: int = 0
    not_removed: list = field(default_factory=list)   # [{"user", "reason"}]

    def count(self, action):
        return sum(1 for change in self.changes if change.action == action)


def same_value(wanted, current):
    """Equal, except that lists of plain values compare as sets (Okta may reorder them)."""
    if isinstance(wanted, list) and isinstance(current, list):
        def key(item):
            return json.dumps(item, sort_keys=True, default=str)
        return sorted(map(key, wanted)) == sorted(map(key, current))
    return wanted == current


def profile_differences(wanted, current):
    """The wanted attributes whose current value differs (``None`` wanted = unset/null)."""
    return {key: value for key, value in (wanted or {}).items() if not same_value(value, current.get(key))}


def user_add_body(wanted):
    body = {"id": wanted.user_id, "scope": SCOPE_USER}
    if wanted.username is not None:
        body["credentials"] = {"userName": wanted.username}
    if wanted.profile:
        body["profile"] = dict(wanted.profile)
    return body


def user_update_body(wanted, current, update_profiles):
    """The body that brings `current` to `wanted`, or None when nothing differs.

    The whole current profile is sent back with the wanted values merged in, as Okta advises for
    app-user profile updates (there is no conditional or partial update).
    """
    if not update_profiles:
        return None
    body = {}
    if wanted.username is not None and wanted.username != current.user_name:
        body["credentials"] = {"userName": wanted.username}
    if profile_differences(wanted.profile, current.profile):
        body["profile"] = {**current.profile, **wanted.profile}
    return body or None


def group_body(wanted, current, update_profiles):
    """The PUT body for a new group assignment, or for a changed one (None when nothing differs)."""
    if current is None:
        body = {}
        if wanted.priority is not None:
            body["priority"] = wanted.priority
        if wanted.profile:
            body["profile"] = dict(wanted.profile)
        return body
    priority_differs = wanted.priority is not None and wanted.priority != current.priority
    profile_differs = update_profiles and bool(profile_differences(wanted.profile, current.profile))
    if not (priority_differs or profile_differs):
        return None
    body = {"priority": wanted.priority if wanted.priority is not None else current.priority}
    if current.profile or wanted.profile:
        body["profile"] = {**current.profile, **(wanted.profile or {})} if update_profiles else dict(current.profile)
    return body


def plan_users(wanted_users, current_users, state, exclusive, update_profiles, plan):
    """Add the user writes to `plan`. `wanted_users` are resolved; `current_users` is keyed by id.

    A listed user means a direct assignment: one that has the app only through a group (scope
    GROUP) gets a direct one too, so it keeps the app when the group assignment goes. Users with
    scope GROUP are never removed: Okta removes them with the group assignment.
    """
    wanted_ids = set()
    for wanted in wanted_users:
        wanted_ids.add(wanted.user_id)
        current = current_users.get(wanted.user_id) if wanted.user_id else None
        if state == "absent":
            if current is None:
                plan.unchanged += 1
            elif current.scope == SCOPE_GROUP:
                plan.not_removed.append({"user": current.label, "reason": "assigned through a group (scope GROUP); remove it from the group"})
            else:
                plan.changes.append(Change("user", "remove", current.label, current.id))
            continue
        if current is None or current.scope == SCOPE_GROUP:
            plan.changes.append(Change("user", "add", wanted.label, wanted.user_id, user_add_body(wanted), wanted))
            continue
        body = user_update_body(wanted, current, update_profiles)
        if body:
            plan.changes.append(Change("user", "update", current.label, current.id, body, wanted))
        else:
            plan.unchanged += 1
    if state == "present" and exclusive:
        for current in current_users.values():
            if current.id not in wanted_ids and current.scope != SCOPE_GROUP:
                plan.changes.append(Change("user", "remove", current.label, current.id))


def plan_groups(wanted_groups, current_groups, state, exclusive, update_profiles, plan):
    """Add the group writes to `plan`. `wanted_groups` are resolved; `current_groups` is keyed by id."""
    wanted_ids = set()
    for wanted in wanted_groups:
        wanted_ids.add(wanted.group_id)
        current = current_groups.get(wanted.group_id) if wanted.group_id else None
        if state == "absent":
            if current is None:
                plan.unchanged += 1
            else:
                plan.changes.append(Change("group", "remove", current.label, current.id))
            continue
        body = group_body(wanted, current, update_profiles)
        if body is None:
            plan.unchanged += 1
        else:
            action = "add" if current is None else "update"
            plan.changes.append(Change("group", action, wanted.label, wanted.group_id, body, wanted))
    if state == "present" and exclusive:
        for current in current_groups.values():
            if current.id not in wanted_ids:
                plan.changes.append(Change("group", "remove", current.label, current.id))
