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

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_checks import (
    attribute_problems,
    duplicate_problems,
    resolve_groups,
    resolve_users,
    resolved_twice,
)
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

USERS_PAGE_LIMIT = 500
GROUPS_PAGE_LIMIT = 200
FAILURES_IN_MESSAGE = 25
MAX_WORKERS = 32    # the client's connection pool size


class AssignmentInputError(InputError):
    """Bad input found before any write; the message lists every problem and says what to do."""


class AssignmentWritesFailed(CollectionError):
    """Some writes failed after all the others were sent; the fields are the module's result."""


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


# ---------------------------------------------------------------- the whole run

def _check_request(request):
    if request.state not in ("present", "absent"):
        raise AssignmentInputError(f"state must be present or absent, not {request.state!r}")
    if request.state == "absent" and request.exclusive:
        raise AssignmentInputError("exclusive applies to state=present only: remove 'exclusive' or use state=present")
    # An empty list usually comes from a variable that was not filled: with exclusive it would
    # unassign (and deprovision) everyone, so it is refused rather than taken literally.
    for kind, entries in (("users", request.users), ("groups", request.groups)):
        if request.exclusive and entries == []:
            raise AssignmentInputError(
                f"exclusive=true with an empty {kind} list would remove every {kind[:-1]} assignment of the app, so it is "
                f"refused and nothing was changed. Check the variable that fills {kind}; to leave {kind} alone, omit the "
                f"option; to remove assignments, list them with state=absent.")
    if not 1 <= request.max_workers <= MAX_WORKERS:
        raise AssignmentInputError(f"max_workers must be between 1 and {MAX_WORKERS}, not {request.max_workers}")


def _needs_current(entries, request):
    """Read a list only when it is managed: entries given, or an exclusive list (even empty)."""
    return entries is not None and (bool(entries) or (request.exclusive and request.state == "present"))


def reconcile_assignments(client, app, request, check_mode=False):
    """Bring the app's assignments to `request`; return the module result (see the module's RETURN).

    Raises AssignmentInputError before any write for bad input; OktaApiError from the reads. Write
    failures do not raise: they are listed in ``failures`` and the caller fails the task.
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
    problems += resolved_twice(wanted_users, wanted_groups)
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
    result.update(app={"id": app_id, "label": app.get("label"), "name": app.get("name")})
    if result["failures"]:
        raise AssignmentWritesFailed(failure_message(result), **result)
    result["diff"] = diff
    result["warnings"] = [f"{entry['user']} was not removed: {entry['reason']}." for entry in plan.not_removed]
    return result


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
