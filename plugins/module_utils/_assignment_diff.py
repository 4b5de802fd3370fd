# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: the before/after view of an app's assignments, one line per user or group.

One short line per assignment keeps ``--diff`` readable: Ansible shows a line diff, so only the
lines that change stand out. Only the attributes the task manages are shown. Past
``FULL_LISTING_LIMIT`` lines, assignments that stay the same are summarised as a count.
"""
from __future__ import annotations

import json

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import SCOPE_GROUP, SCOPE_USER

FULL_LISTING_LIMIT = 200


def show(value):
    """A short, quote-light rendering of a value (Ansible prints diff lines inside JSON strings)."""
    if isinstance(value, str):
        return f"'{value}'" if (not value or any(c.isspace() or c in ",[]{}'" for c in value)) else value
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in sorted(value.items())) + "}"
    return json.dumps(value, default=str)


def _attributes(values):
    return "".join(f" {key}={show(value)}" for key, value in sorted(values.items()))


def user_line(label, scope, user_name, profile, wanted):
    """``login [via group] [userName=..] [attr=..]`` with only what `wanted` manages."""
    line = label + (" (via group)" if scope == SCOPE_GROUP else "")
    if wanted is not None and wanted.username is not None:
        line += f" userName={show(user_name)}"
    if wanted is not None and wanted.profile:
        line += _attributes({key: profile.get(key) for key in wanted.profile})
    return line


def group_line(label, priority, profile, wanted):
    line = label
    if wanted is not None and wanted.priority is not None:
        line += f" priority={show(priority)}"
    if wanted is not None and wanted.profile:
        line += _attributes({key: profile.get(key) for key in wanted.profile})
    return line


def users_before_after(current_users, wanted_by_id, changes):
    """Lines for the users before and after `changes` (current_users keyed by id)."""
    before = {}
    after = {}
    for user in current_users.values():
        wanted = wanted_by_id.get(user.id)
        before[user.id] = after[user.id] = user_line(user.label, user.scope, user.user_name, user.profile, wanted)
    for change in changes:
        if change.kind != "user":
            continue
        if change.action == "remove":
            after.pop(change.target_id, None)
            continue
        current = current_users.get(change.target_id)
        body = change.body or {}
        user_name = (body.get("credentials") or {}).get("userName", current.user_name if current else None)
        profile = {**(current.profile if current else {}), **(body.get("profile") or {})}
        scope = SCOPE_USER if change.action == "add" else current.scope
        after[change.target_id] = user_line(change.label, scope, user_name, profile, change.wanted)
    return sorted(before.values()), sorted(after.values())


def groups_before_after(current_groups, wanted_by_id, changes):
    """Lines for the group assignments before and after `changes` (current_groups keyed by id)."""
    before = {}
    after = {}
    for group in current_groups.values():
        wanted = wanted_by_id.get(group.id)
        before[group.id] = after[group.id] = group_line(group.label, group.priority, group.profile, wanted)
    for change in changes:
        if change.kind != "group":
            continue
        if change.action == "remove":
            after.pop(change.target_id, None)
            continue
        current = current_groups.get(change.target_id)
        body = change.body or {}
        priority = body.get("priority", current.priority if current else None)
        profile = {**(current.profile if current else {}), **(body.get("profile") or {})}
        after[change.target_id] = group_line(change.label, priority, profile, change.wanted)
    return sorted(before.values()), sorted(after.values())


def compact(before, after, limit=FULL_LISTING_LIMIT):
    """Keep every line when the listing is short; else only the lines that change, plus a count."""
    if max(len(before), len(after)) <= limit:
        return before, after
    kept = set(before) & set(after)
    if not kept:
        return before, after
    summary = f"({len(kept)} unchanged assignments not shown)"
    return [line for line in before if line not in kept] + [summary], [line for line in after if line not in kept] + [summary]
