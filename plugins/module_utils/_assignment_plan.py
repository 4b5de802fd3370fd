# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: compare wanted app assignments with current ones; list the writes and the diff lines.

Everything here is pure (no HTTP): the current assignments come in as parsed objects, the plan goes
out as a list of `Change`, each one write, and ``--diff`` gets one short line per assignment. That
keeps the comparison rules testable on their own.

Users and groups go through the same functions, told apart by a `Kind`. What really differs stays
in the classes of each kind: a user that has the app only through a group (scope GROUP) is never
removed, and when listed gets a direct assignment; a group's add or update is one PUT.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

SCOPE_USER = "USER"
SCOPE_GROUP = "GROUP"
FULL_LISTING_LIMIT = 200    # diff lines past which unchanged assignments are only counted
GROUP_SCOPED_REASON = "assigned through a group (scope GROUP); remove it from the group"


def show(value):
    """A short, quote-light rendering of a value (Ansible prints diff lines inside JSON strings)."""
    if isinstance(value, str):
        return f"'{value}'" if (not value or any(c.isspace() or c in ",[]{}'" for c in value)) else value
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in sorted(value.items())) + "}"
    return json.dumps(value, default=str)


def _managed_attributes(profile, wanted):
    """`` attr=value`` for each profile attribute the task manages: only those are shown."""
    if wanted is None or not wanted.profile:
        return ""
    return "".join(f" {key}={show(profile.get(key))}" for key in sorted(wanted.profile))


# ---------------------------------------------------------------- current assignments

@dataclass
class Assigned:
    """One current assignment of the app: the user or group id and the app-user profile."""
    id: str
    profile: dict

    @property
    def key(self):
        """The login or name the option gives it by (None when Okta did not embed it)."""
        raise NotImplementedError

    @property
    def label(self):
        """How results and diff lines name it: its login or name, else its id."""
        return self.key or self.id


@dataclass
class AssignedUser(Assigned):
    """One row of ``GET /api/v1/apps/{appId}/users?expand=user``."""
    login: str | None
    scope: str
    user_name: str | None

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
    def key(self):
        return self.login

    def with_change(self, change):
        """This assignment as `change` (an add or update) leaves it; an add makes it direct."""
        body = change.body or {}
        return replace(self, scope=SCOPE_USER if change.action == "add" else self.scope,
                       user_name=(body.get("credentials") or {}).get("userName", self.user_name),
                       profile={**self.profile, **(body.get("profile") or {})})

    def diff_line(self, label, wanted):
        """``login [(via group)] [userName=..] [attr=..]`` with only what `wanted` manages."""
        line = label + (" (via group)" if self.scope == SCOPE_GROUP else "")
        if wanted is not None and wanted.username is not None:
            line += f" userName={show(self.user_name)}"
        return line + _managed_attributes(self.profile, wanted)


@dataclass
class AssignedGroup(Assigned):
    """One row of ``GET /api/v1/apps/{appId}/groups?expand=group``."""
    name: str | None
    priority: int | None

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
    def key(self):
        return self.name

    def with_change(self, change):
        """This assignment as `change` (an add or update) leaves it."""
        body = change.body or {}
        return replace(self, priority=body.get("priority", self.priority),
                       profile={**self.profile, **(body.get("profile") or {})})

    def diff_line(self, label, wanted):
        """``name [priority=..] [attr=..]`` with only what `wanted` manages."""
        line = label
        if wanted is not None and wanted.priority is not None:
            line += f" priority={show(self.priority)}"
        return line + _managed_attributes(self.profile, wanted)


def group_scoped(current):
    """True for a user that has the app only through a group: Okta removes it with the group assignment."""
    return isinstance(current, AssignedUser) and current.scope == SCOPE_GROUP


# ---------------------------------------------------------------- wanted assignments

@dataclass
class Wanted:
    """One entry of the `users` or `groups` option, and the Okta object it resolved to."""
    id: str | None = None
    profile: dict | None = None
    resolved_id: str | None = None      # filled in by resolution: the Okta user or group id
    resolved_key: str | None = None     # and its login or name as Okta spells it

    @property
    def key(self):
        """The login or name the entry was given by (None when given by id)."""
        raise NotImplementedError

    @property
    def given(self):
        """The entry as the task gave it, for input problems."""
        return self.key or self.id

    @property
    def label(self):
        """How results name it: the login or name as Okta spells it, where known."""
        return self.resolved_key or self.key or self.id


@dataclass
class WantedUser(Wanted):
    """One entry of the `users` option."""
    login: str | None = None
    username: str | None = None

    @classmethod
    def from_option(cls, entry):
        """The entry from the option's dict (Ansible fills absent sub-options with None)."""
        return cls(login=entry.get("login"), id=entry.get("id"), username=entry.get("username"),
                   profile=entry.get("profile"))

    @property
    def key(self):
        return self.login

    def change_for(self, current, update_profiles):
        """The write that brings `current` (None: not assigned) to this entry, or None.

        A listed user means a direct assignment: one that has the app only through a group gets a
        direct one too, so it keeps the app when the group assignment goes.
        """
        if current is None or group_scoped(current):
            return Change("user", "add", self.label, self.resolved_id, user_add_body(self), self)
        body = user_update_body(self, current, update_profiles)
        return Change("user", "update", current.label, current.id, body, self) if body else None


@dataclass
class WantedGroup(Wanted):
    """One entry of the `groups` option."""
    name: str | None = None
    priority: int | None = None

    @classmethod
    def from_option(cls, entry):
        """The entry from the option's dict (Ansible fills absent sub-options with None)."""
        return cls(name=entry.get("name"), id=entry.get("id"), priority=entry.get("priority"),
                   profile=entry.get("profile"))

    @property
    def key(self):
        return self.name

    def change_for(self, current, update_profiles):
        """The write that brings `current` (None: not assigned) to this entry, or None."""
        body = group_body(self, current, update_profiles)
        if body is None:
            return None
        return Change("group", "add" if current is None else "update", self.label, self.resolved_id, body, self)


@dataclass(frozen=True)
class Kind:
    """What tells user assignments from group assignments where one function serves both."""
    name: str           # "user" | "group": Change.kind, the key of a failure
    plural: str         # "users" | "groups": the option, the diff key, the /api/v1/... collections
    key: str            # "login" | "name": what an entry may be given by, a profile field in Okta
    key_noun: str       # how a problem names entries not found by key
    page_limit: int     # the largest page Okta serves of the app's assignments
    assigned: type
    wanted: type


USERS = Kind("user", "users", "login", "user login(s)", 500, AssignedUser, WantedUser)
GROUPS = Kind("group", "groups", "name", "group(s)", 200, AssignedGroup, WantedGroup)
KINDS = (USERS, GROUPS)     # the order of problems, plans and results


# ---------------------------------------------------------------- the plan

@dataclass
class Change:
    """One write: ``kind`` user|group, ``action`` add|update|remove."""
    kind: str
    action: str
    label: str
    target_id: str
    body: dict | None = None
    wanted: object = None           # the WantedUser/WantedGroup behind an add or update
    covered_by: tuple = ()          # a user removal: the listed groups (id, name) the user is a member of

    @property
    def phase(self):
        """When it is sent: group adds and updates (0), then user adds and updates (1), then removals (2).

        Removals go last, and only once every add and update succeeded: a user moving from a direct
        assignment to a listed group keeps the app through the group before the direct one goes, and a run
        whose adds failed removes nobody (Okta deprovisions an unassigned user in Salesforce).
        """
        if self.action == "remove":
            return 2
        return 0 if self.kind == "group" else 1


@dataclass
class Plan:
    changes: list = field(default_factory=list)
    unchanged: int = 0
    not_removed: list = field(default_factory=list)   # [{"user" or "group", "reason"}]

    @property
    def removals(self):
        return [change for change in self.changes if change.action == "remove"]

    def ordered(self):
        """The changes in the order they are sent (see `Change.phase`), stable within a phase."""
        return sorted(self.changes, key=lambda change: change.phase)


def parse_max_removals(value):
    """`max_removals` as (count, percent): an int or digit string is a count, "N%" a percentage (0-100).
    None: no limit. Raises ValueError with what is wrong and what to give instead."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    percent = text.endswith("%")
    number = text[:-1].strip() if percent else text
    try:
        amount = float(number) if percent else int(number)
    except ValueError:
        amount = None
    if isinstance(value, bool) or amount is None or amount < 0 or (percent and amount > 100):
        raise ValueError(f"max_removals must be a count (such as 20) or a percentage of the current assignments "
                         f"(such as \"10%\", at most 100%), not {value!r}")
    return (None, amount) if percent else (amount, None)


def removal_limit(max_removals, current_count):
    """The number of removals `max_removals` allows when `current_count` assignments exist (None: no limit).
    A percentage is rounded down: "10%" of 25 assignments allows 2."""
    parsed = parse_max_removals(max_removals)
    if parsed is None:
        return None
    count, percent = parsed
    return count if percent is None else int(current_count * percent // 100)


def removable_count(current_by_kind):
    """How many assignments a run could remove: direct user assignments and group assignments (the base of a
    percentage `max_removals`). Users with the app only through a group are never removed, so not counted."""
    return sum(1 for current_by_id in current_by_kind.values() for current in current_by_id.values()
               if not group_scoped(current))


def mark_covered(plan, listed_groups, members_by_group):
    """Set `covered_by` on each user removal whose user is a member of a listed group.

    `listed_groups`: {group id: name} of the groups the task lists (state=present); `members_by_group`:
    {group id: set of user ids}. Such a user moves from a direct assignment to the group: the removal waits
    until that group's assignment is confirmed.
    """
    for change in plan.removals:
        if change.kind != "user":
            continue
        change.covered_by = tuple((gid, name) for gid, name in sorted(listed_groups.items())
                                  if change.target_id in members_by_group.get(gid, ()))


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
    """The POST body that assigns the user of `wanted` directly (scope USER)."""
    body = {"id": wanted.resolved_id, "scope": SCOPE_USER}
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


def plan_changes(kind, entries, current_by_id, state, exclusive, update_profiles, plan):
    """Add the writes of one kind to `plan`. `entries` are resolved; `current_by_id` is keyed by id.

    Users with scope GROUP are never removed: Okta removes them with the group assignment.
    """
    for wanted in entries:
        current = current_by_id.get(wanted.resolved_id) if wanted.resolved_id else None
        if state == "absent":
            if current is None:
                plan.unchanged += 1
            elif group_scoped(current):
                plan.not_removed.append({"user": current.label, "reason": GROUP_SCOPED_REASON})
            else:
                plan.changes.append(Change(kind.name, "remove", current.label, current.id))
            continue
        change = wanted.change_for(current, update_profiles)
        if change is None:
            plan.unchanged += 1
        else:
            plan.changes.append(change)
    if state == "present" and exclusive:
        wanted_ids = {wanted.resolved_id for wanted in entries}
        for current in current_by_id.values():
            if current.id not in wanted_ids and not group_scoped(current):
                plan.changes.append(Change(kind.name, "remove", current.label, current.id))


# ---------------------------------------------------------------- the diff

def before_after(kind, current_by_id, entries, changes):
    """The diff lines of one kind: its assignments before and after `changes`, compacted.

    One short line per assignment keeps ``--diff`` readable: Ansible shows a line diff, so only the
    lines that change stand out. Only the attributes the task manages are shown.
    """
    wanted_by_id = {wanted.resolved_id: wanted for wanted in entries if wanted.resolved_id}
    before = {okta_id: current.diff_line(current.label, wanted_by_id.get(okta_id))
              for okta_id, current in current_by_id.items()}
    after = dict(before)
    for change in changes:
        if change.kind != kind.name:
            continue
        if change.action == "remove":
            after.pop(change.target_id, None)
            continue
        # An assignment the change creates starts as an empty row.
        current = current_by_id.get(change.target_id) or kind.assigned.from_api({"id": change.target_id})
        after[change.target_id] = current.with_change(change).diff_line(change.label, change.wanted)
    return compact(sorted(before.values()), sorted(after.values()))


def compact(before, after):
    """Keep every line when the listing is short; else only the lines that change, plus a count."""
    if max(len(before), len(after)) <= FULL_LISTING_LIMIT:
        return before, after
    kept = set(before) & set(after)
    if not kept:
        return before, after
    summary = f"({len(kept)} unchanged assignments not shown)"
    return [line for line in before if line not in kept] + [summary], [line for line in after if line not in kept] + [summary]
