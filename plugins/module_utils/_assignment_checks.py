# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: check the wanted assignments before any write, and resolve them to Okta ids.

Every function returns a list of problems (plain sentences) instead of raising, so that the caller
can report all of them in one message: a run with bad input writes nothing.
"""
from __future__ import annotations

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_directory import find_groups, find_users

DEACTIVATED = "DEPROVISIONED"   # Okta refuses to assign deactivated users (E0000117)


def app_user_attributes(client, app_id):
    """The app-user profile attribute names the app's schema declares (base and custom)."""
    schema = client.get(f"/api/v1/meta/schemas/apps/{app_id}/default") or {}
    definitions = schema.get("definitions") or {}
    names = set()
    for part in ("base", "custom"):
        names.update(((definitions.get(part) or {}).get("properties") or {}).keys())
    return names


def duplicate_problems(wanted_users, wanted_groups):
    """Entries listed twice (logins and names compare case-insensitively, as Okta does)."""
    problems = []
    for what, entries, key in (("users", wanted_users, "login"), ("groups", wanted_groups, "name")):
        seen = set()
        repeated = []
        for entry in entries:
            value = getattr(entry, key)
            marker = (key, value.lower()) if value else ("id", entry.id)
            if marker in seen and entry.given not in repeated:
                repeated.append(entry.given)
            seen.add(marker)
        if repeated:
            problems.append(f"{what} listed more than once: {', '.join(repeated)}")
    return problems


def resolve_users(client, wanted_users, current_users, must_exist, max_workers):
    """Set `user_id` and `resolved_login` on each wanted user; return the problems found.

    The current assignment list answers most logins; only the others are searched for. With
    `must_exist` false (state=absent) nothing is searched unless the list lacks logins, and a user
    that cannot be found is simply not assigned.
    """
    current_by_login = {user.login.lower(): user for user in current_users.values() if user.login}
    logins_known = all(user.login for user in current_users.values())
    to_search_logins, to_search_ids = [], []
    for wanted in wanted_users:
        if wanted.id:
            current = current_users.get(wanted.id)
            if current is not None or not must_exist:
                wanted.user_id = wanted.id
                wanted.resolved_login = current.login if current else None
            else:
                to_search_ids.append(wanted.id)
        elif wanted.login.lower() in current_by_login:
            current = current_by_login[wanted.login.lower()]
            wanted.user_id, wanted.resolved_login = current.id, current.login
        elif must_exist or not logins_known:
            to_search_logins.append(wanted.login)
    if not (to_search_logins or to_search_ids):
        return []
    by_login, by_id = find_users(client, logins=to_search_logins, ids=to_search_ids, max_workers=max_workers)
    unknown_logins, unknown_ids, deactivated = [], [], []
    for wanted in wanted_users:
        if wanted.user_id:
            continue
        found = by_id.get(wanted.id) if wanted.id else by_login.get(wanted.login.lower())
        if found is not None:
            wanted.user_id = found["id"]
            wanted.resolved_login = (found.get("profile") or {}).get("login")
            if found.get("status") == DEACTIVATED:
                deactivated.append(wanted.label)
        elif wanted.id and wanted.id in to_search_ids:
            unknown_ids.append(wanted.id)
        elif wanted.login and wanted.login in to_search_logins:
            unknown_logins.append(wanted.login)
    problems = []
    if must_exist and unknown_logins:
        problems.append(f"{len(unknown_logins)} user login(s) not found in Okta: {', '.join(unknown_logins)}")
    if must_exist and unknown_ids:
        problems.append(f"{len(unknown_ids)} user id(s) not found in Okta: {', '.join(unknown_ids)}")
    if must_exist and deactivated:
        problems.append(f"{len(deactivated)} user(s) deactivated in Okta (status {DEACTIVATED}) cannot be assigned: "
                        f"{', '.join(deactivated)}; reactivate them or take them off the list")
    return problems


def _pick_by_name(candidates, name):
    """The one group called `name` among `candidates` ({id, name}); an exact-case match wins."""
    if len(candidates) == 1:
        return candidates[0], None
    exact = [group for group in candidates if group["name"] == name]
    if len(exact) == 1:
        return exact[0], None
    return None, candidates


def resolve_groups(client, wanted_groups, current_groups, must_exist, max_workers):
    """Set `group_id` and `resolved_name` on each wanted group; return the problems found."""
    current_by_name = {}
    for group in current_groups.values():
        if group.name:
            current_by_name.setdefault(group.name.lower(), []).append({"id": group.id, "name": group.name})
    names_known = all(group.name for group in current_groups.values())
    to_search_names, to_search_ids = [], []
    ambiguous = []
    for wanted in wanted_groups:
        if wanted.id:
            current = current_groups.get(wanted.id)
            if current is not None or not must_exist:
                wanted.group_id, wanted.resolved_name = wanted.id, current.name if current else None
            else:
                to_search_ids.append(wanted.id)
            continue
        candidates = current_by_name.get(wanted.name.lower(), [])
        picked, clash = _pick_by_name(candidates, wanted.name) if candidates else (None, None)
        if picked is not None:
            wanted.group_id, wanted.resolved_name = picked["id"], picked["name"]
        elif clash:
            ambiguous.append(f"{wanted.name} ({', '.join(group['id'] for group in clash)})")
        elif must_exist or not names_known:
            to_search_names.append(wanted.name)
    unknown_names, unknown_ids = [], []
    if to_search_names or to_search_ids:
        by_name, by_id = find_groups(client, names=to_search_names, ids=to_search_ids, max_workers=max_workers)
        for wanted in wanted_groups:
            if wanted.group_id:
                continue
            if wanted.id:
                if wanted.id in by_id:
                    wanted.group_id = wanted.id
                    wanted.resolved_name = (by_id[wanted.id].get("profile") or {}).get("name")
                elif wanted.id in to_search_ids:
                    unknown_ids.append(wanted.id)
                continue
            if wanted.name not in to_search_names:
                continue
            candidates = [{"id": group["id"], "name": (group.get("profile") or {}).get("name")}
                          for group in by_name.get(wanted.name.lower(), [])]
            picked, clash = _pick_by_name(candidates, wanted.name) if candidates else (None, None)
            if picked is not None:
                wanted.group_id, wanted.resolved_name = picked["id"], picked["name"]
            elif clash:
                ambiguous.append(f"{wanted.name} ({', '.join(group['id'] for group in clash)})")
            else:
                unknown_names.append(wanted.name)
    problems = []
    if must_exist and unknown_names:
        problems.append(f"{len(unknown_names)} group(s) not found in Okta: {', '.join(unknown_names)}")
    if must_exist and unknown_ids:
        problems.append(f"{len(unknown_ids)} group id(s) not found in Okta: {', '.join(unknown_ids)}")
    if ambiguous:
        problems.append(f"group name(s) matching more than one group, give the id instead: {'; '.join(ambiguous)}")
    return problems


def attribute_problems(client, app_id, wanted_users, wanted_groups):
    """Profile attributes the app-user schema does not declare (the schema is read only if needed)."""
    used = {}
    for entry in list(wanted_users) + list(wanted_groups):
        for attribute in entry.profile or {}:
            used.setdefault(attribute, []).append(entry.given)
    if not used:
        return []
    known = app_user_attributes(client, app_id)
    unknown = {name: entries for name, entries in used.items() if name not in known}
    if not unknown:
        return []
    details = "; ".join(f"{name!r} (in {', '.join(entries[:3])}{' and more' if len(entries) > 3 else ''})"
                        for name, entries in sorted(unknown.items()))
    return [f"profile attribute(s) not in the app-user schema: {details}. "
            f"Known attributes: {', '.join(sorted(known)) or 'none'}"]


def resolved_twice(wanted_users, wanted_groups):
    """A user (or group) given twice in different ways, e.g. once by login and once by id."""
    problems = []
    for what, entries, key in (("users", wanted_users, "user_id"), ("groups", wanted_groups, "group_id")):
        seen = {}
        clashes = []
        for entry in entries:
            target = getattr(entry, key)
            if target and target in seen:
                clashes.append(f"{seen[target]} and {entry.given} are the same ({target})")
            elif target:
                seen[target] = entry.given
        if clashes:
            problems.append(f"{what} listed more than once: {'; '.join(clashes)}")
    return problems
