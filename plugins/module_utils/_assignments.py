# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: reconcile logic of ``okta_app_assignment``.

The order is what makes it cheap and safe for thousands of users: read the current assignments
once (``expand=user`` gives the logins), look up only the logins and group names that list does not
already answer (in batches), check every name and attribute, and only then write the differences,
concurrently. Bad input of any kind fails before the first write, with every problem in one message.
"""
from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_diff import (
    compact,
    groups_before_after,
    users_before_after,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import (
    AssignedGroup,
    AssignedUser,
    Plan,
    WantedGroup,
    WantedUser,
    plan_groups,
    plan_users,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_writes import (
    DONE,
    FAILED,
    UPDATED,
    apply_changes,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_directory import find_groups, find_users

USERS_PAGE_LIMIT = 500
GROUPS_PAGE_LIMIT = 200
FAILURES_IN_MESSAGE = 25


class AssignmentInputError(ValueError):
    """Bad input found before any write; the message lists every problem and says what to do."""


@dataclass
class AssignmentRequest:
    """The module's options. `users`/`groups` of None mean "not managed" (exclusive ignores them)."""
    users: list | None = None
    groups: list | None = None
    state: str = "present"
    exclusive: bool = False
    update_profiles: bool = True
    max_workers: int = 8

    def wanted_users(self):
        return [WantedUser(login=u.get("login"), id=u.get("id"), username=u.get("username"), profile=u.get("profile"))
                for u in self.users or []]

    def wanted_groups(self):
        return [WantedGroup(name=g.get("name"), id=g.get("id"), priority=g.get("priority"), profile=g.get("profile"))
                for g in self.groups or []]


# ---------------------------------------------------------------- reading the current state

def read_assigned_users(client, app_id):
    """Every user assignment of the app, keyed by user id (one call per 500)."""
    items = client.paginate(f"/api/v1/apps/{app_id}/users", params={"limit": USERS_PAGE_LIMIT, "expand": "user"})
    return {user.id: user for user in map(AssignedUser.from_api, items)}


def read_assigned_groups(client, app_id):
    """Every group assignment of the app, keyed by group id (one call per 200)."""
    items = client.paginate(f"/api/v1/apps/{app_id}/groups", params={"limit": GROUPS_PAGE_LIMIT, "expand": "group"})
    return {group.id: group for group in map(AssignedGroup.from_api, items)}


def app_user_attributes(client, app_id):
    """The app-user profile attribute names the app's schema declares (base and custom)."""
    schema = client.get(f"/api/v1/meta/schemas/apps/{app_id}/default") or {}
    definitions = schema.get("definitions") or {}
    names = set()
    for part in ("base", "custom"):
        names.update(((definitions.get(part) or {}).get("properties") or {}).keys())
    return names


# ---------------------------------------------------------------- checking the input

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
    unknown_logins, unknown_ids = [], []
    for wanted in wanted_users:
        if wanted.user_id:
            continue
        found = by_id.get(wanted.id) if wanted.id else by_login.get(wanted.login.lower())
        if found is not None:
            wanted.user_id = found["id"]
            wanted.resolved_login = (found.get("profile") or {}).get("login")
        elif wanted.id and wanted.id in to_search_ids:
            unknown_ids.append(wanted.id)
        elif wanted.login and wanted.login in to_search_logins:
            unknown_logins.append(wanted.login)
    problems = []
    if must_exist and unknown_logins:
        problems.append(f"{len(unknown_logins)} user login(s) not found in Okta: {', '.join(unknown_logins)}")
    if must_exist and unknown_ids:
        problems.append(f"{len(unknown_ids)} user id(s) not found in Okta: {', '.join(unknown_ids)}")
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


# ---------------------------------------------------------------- the whole run

def _check_request(request):
    if request.state not in ("present", "absent"):
        raise AssignmentInputError(f"state must be present or absent, not {request.state!r}")
    if request.state == "absent" and request.exclusive:
        raise AssignmentInputError("exclusive applies to state=present only: remove 'exclusive' or use state=present")
    if request.max_workers < 1:
        raise AssignmentInputError(f"max_workers must be 1 or more, not {request.max_workers}")


def _needs_current(entries, request):
    """Read a list only when it is managed: entries given, or an exclusive list (even empty)."""
    return entries is not None and (bool(entries) or (request.exclusive and request.state == "present"))


def reconcile_assignments(client, app, request, check_mode=False):
    """Bring the app's assignments to `request`; return the module result (see the module's RETURN).

    Raises AssignmentInputError before any write for bad input; OktaApiError from the reads. Write
    failures do not raise: they are listed in ``failed`` and the caller fails the task.
    """
    _check_request(request)
    app_id = app["id"]
    wanted_users = request.wanted_users()
    wanted_groups = request.wanted_groups()
    problems = duplicate_problems(wanted_users, wanted_groups)
    if problems:
        raise AssignmentInputError(_input_message(app, problems))

    manage_users = _needs_current(request.users, request)
    manage_groups = _needs_current(request.groups, request)
    current_users = read_assigned_users(client, app_id) if manage_users else {}
    current_groups = read_assigned_groups(client, app_id) if manage_groups else {}

    must_exist = request.state == "present"
    problems += resolve_users(client, wanted_users, current_users, must_exist, request.max_workers)
    problems += resolve_groups(client, wanted_groups, current_groups, must_exist, request.max_workers)
    problems += _resolved_twice(wanted_users, wanted_groups)
    if must_exist:
        problems += attribute_problems(client, app_id, wanted_users, wanted_groups)
    if problems:
        raise AssignmentInputError(_input_message(app, problems))

    plan = Plan()
    if manage_users:
        plan_users(wanted_users, current_users, request.state, request.exclusive, request.update_profiles, plan)
    if manage_groups:
        plan_groups(wanted_groups, current_groups, request.state, request.exclusive, request.update_profiles, plan)

    diff = _diff(current_users, current_groups, wanted_users, wanted_groups, plan, manage_users, manage_groups)
    if check_mode:
        outcomes = [_Planned(change) for change in plan.changes]
    else:
        outcomes = apply_changes(client, app_id, plan.changes, request.max_workers, request.update_profiles)
    result = _result(plan, outcomes)
    result.update(app={"id": app_id, "label": app.get("label"), "name": app.get("name")},
                  diff=diff, api_calls=api_call_counts(client))
    return result


def _resolved_twice(wanted_users, wanted_groups):
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


def _input_message(app, problems):
    return (f"Nothing was changed on app {app.get('label') or app['id']} ({app['id']}): "
            + "; ".join(problems) + ". Fix the users/groups options and run again.")


@dataclass
class _Planned:
    """A change check mode would make: reported as if it succeeded."""
    change: object
    status: str = DONE
    error: dict | None = None


def _diff(current_users, current_groups, wanted_users, wanted_groups, plan, manage_users, manage_groups):
    before, after = {}, {}
    if manage_users:
        wanted_by_id = {wanted.user_id: wanted for wanted in wanted_users if wanted.user_id}
        before["users"], after["users"] = compact(*users_before_after(current_users, wanted_by_id, plan.changes))
    if manage_groups:
        wanted_by_id = {wanted.group_id: wanted for wanted in wanted_groups if wanted.group_id}
        before["groups"], after["groups"] = compact(*groups_before_after(current_groups, wanted_by_id, plan.changes))
    return {"before": before, "after": after}


def _result(plan, outcomes):
    lists = {"added": [], "updated": [], "removed": []}
    failures = []
    unchanged = plan.unchanged
    list_for = {"add": "added", "update": "updated", "remove": "removed"}
    for outcome in sorted(outcomes, key=lambda o: (o.change.kind != "user", o.change.label)):
        change = outcome.change
        if outcome.status == FAILED:
            failures.append({change.kind: change.label, "action": change.action, **outcome.error})
        elif outcome.status == DONE:
            lists[list_for[change.action]].append(change.label)
        elif outcome.status == UPDATED:
            lists["updated"].append(change.label)
        else:
            unchanged += 1
    changed = any(lists.values())
    return dict(changed=changed, unchanged=unchanged, failures=failures, not_removed=plan.not_removed, **lists)


def api_call_counts(client):
    """Requests sent so far, by method and in total (retries included)."""
    counts = {method: int(count) for method, count in sorted(dict(client.calls).items())}
    counts["total"] = int(client.api_calls)
    return counts


def failure_message(result):
    """The task's failure message when some writes failed: each failure with code and request id."""
    failed = result["failures"]
    shown = []
    for failure in failed[:FAILURES_IN_MESSAGE]:
        who = failure.get("user") or failure.get("group")
        causes = f" ({'; '.join(failure['causes'])})" if failure.get("causes") else ""
        shown.append(f"{who} [{failure['action']}]: {failure.get('error_code') or 'no error code'} "
                     f"{failure.get('summary') or ''}{causes} (request id {failure.get('request_id') or 'none'})")
    more = f"; and {len(failed) - FAILURES_IN_MESSAGE} more (see 'failures')" if len(failed) > FAILURES_IN_MESSAGE else ""
    done = f"{len(result['added'])} added, {len(result['updated'])} updated, {len(result['removed'])} removed"
    return (f"{len(failed)} assignment write(s) failed; the others were applied ({done}). Failures: "
            + "; ".join(shown) + more + ". Fix the cause and run the task again: it completes what is missing.")
