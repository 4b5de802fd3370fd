# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: reconcile logic of ``okta_app_assignment``: read, resolve, check, plan, write, result.

The order is what makes it cheap and safe for thousands of users: read the current assignments
once (``expand=user`` gives the logins), look up only the logins and group names that list does not
already answer (in batches), check every name and attribute, and only then write the differences,
concurrently. Bad input of any kind fails before the first write, with every problem in one message:
the checks return problems (plain sentences) instead of raising.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import (
    GROUPS,
    KINDS,
    USERS,
    Plan,
    before_after,
    mark_covered,
    parse_max_removals,
    plan_changes,
    removable_count,
    removal_limit,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_writes import (
    NO_PERMISSION,
    NOT_SENT_AFTER_REFUSAL,
    WriteOutcome,
    WriteStatus,
    apply_changes,
    map_concurrently,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError

FAILURES_IN_MESSAGE = 25
MAX_WORKERS = 32    # the client's connection pool size
DEACTIVATED = "DEPROVISIONED"   # Okta refuses to assign deactivated users (E0000117)
# Okta refuses search expressions that are too long: one holds at most MAX_TERMS terms and
# MAX_QUERY_BYTES bytes of URL-encoded query.
MAX_TERMS = 50
MAX_QUERY_BYTES = 6000
SEARCH_PAGE_LIMIT = 200
GROUP_MEMBERS_PAGE_LIMIT = 1000   # Okta's largest page of GET /api/v1/groups/{id}/users
REMOVALS_IN_MESSAGE = 10


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
    max_removals: object = None   # None, a count, or "N%" of the current assignments

    def entries(self, kind):
        """The option of `kind` as given (None: not given)."""
        return self.users if kind is USERS else self.groups

    def wanted(self, kind):
        """The entries of `kind` as WantedUser or WantedGroup objects."""
        return [kind.wanted.from_option(entry) for entry in self.entries(kind) or []]


# ---------------------------------------------------------------- reading Okta

def read_assigned(client, app_id, kind):
    """Every user or group assignment of the app, keyed by user or group id (one call per page)."""
    items = client.paginate(f"/api/v1/apps/{app_id}/{kind.plural}", params={"limit": kind.page_limit, "expand": kind.name})
    return {assigned.id: assigned for assigned in map(kind.assigned.from_api, items)}


def search_expressions(field, values):
    """Split ``values`` into ``field eq "value" or ...`` search expressions that each fit the size caps."""
    expressions = []
    terms = []
    size = 0
    for value in values:
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        term = f'{field} eq "{escaped}"'
        term_size = len(quote(term, safe="")) + len(quote(" or ", safe=""))
        if terms and (len(terms) >= MAX_TERMS or size + term_size > MAX_QUERY_BYTES):
            expressions.append(" or ".join(terms))
            terms, size = [], 0
        terms.append(term)
        size += term_size
    if terms:
        expressions.append(" or ".join(terms))
    return expressions


def find_in_directory(client, kind, keys, ids, max_workers):
    """Look users or groups up by login or name (`keys`) and by id; return the found ones by id (each as
    id, status and the profile's login or name only).

    Many values are joined into one ``search`` expression so that resolving thousands of users
    costs one call per batch, not one per user; the batches run concurrently. A value absent from
    the answer does not exist in the org.
    """
    # Okta compares search values case-insensitively: send each login or name once, as it was given.
    unique_keys = {}
    for key in keys:
        unique_keys.setdefault(key.lower(), key)
    expressions = search_expressions(f"profile.{kind.key}", list(unique_keys.values()))
    expressions += search_expressions("id", list(dict.fromkeys(ids)))

    def search(expression):
        # Only what resolving needs is kept: a whole user object is tens of attributes, and 20,000 of them
        # made most of the module's memory.
        return [{"id": found.get("id"), "status": found.get("status"),
                 "profile": {kind.key: (found.get("profile") or {}).get(kind.key)}}
                for found in client.paginate(f"/api/v1/{kind.plural}", params={"search": expression, "limit": SEARCH_PAGE_LIMIT})]

    found_by_id = {}
    for page in map_concurrently(search, expressions, max_workers):
        for found in page:
            if found.get("id"):
                found_by_id.setdefault(found["id"], found)
    return found_by_id


# ---------------------------------------------------------------- resolving and checking the input

def entry_problems(kind, entries):
    """Values Okta would refuse or never match, found before anything is read: a login, name or id with whitespace
    around it (often a trailing newline from a file or lookup), a negative group priority."""
    problems = []
    for index, entry in enumerate(entries):
        for option, value in ((kind.key, entry.key), ("id", entry.id)):
            if value and value != value.strip():
                problems.append(f"{kind.plural}[{index}].{option} {value.strip()!r} has whitespace around it: remove it")
        priority = getattr(entry, "priority", None)
        if priority is not None and priority < 0:
            problems.append(f"{kind.plural}[{index}].priority must be 0 or more (0 is the highest), not {priority}")
    return problems


def duplicate_problems(kind, entries):
    """Entries listed twice (logins and names compare case-insensitively, as Okta does)."""
    seen = set()
    repeated = []
    for entry in entries:
        marker = ("key", entry.key.lower()) if entry.key else ("id", entry.id)
        if marker in seen and entry.given not in repeated:
            repeated.append(entry.given)
        seen.add(marker)
    return [f"{kind.plural} listed more than once: {', '.join(repeated)}"] if repeated else []


def _by_key(pairs):
    """(id, login or name) pairs grouped by lower-cased login or name."""
    grouped = {}
    for okta_id, key in pairs:
        if key:
            grouped.setdefault(key.lower(), []).append((okta_id, key))
    return grouped


def _match(wanted, by_key, ambiguous):
    """Resolve `wanted`, given by login or name, from `by_key`; False when nothing matches.

    Logins are unique in Okta, group names are not: when several groups carry the name, the one
    spelt with the same case wins, else the entry is added to `ambiguous` (its id must be given).
    """
    candidates = by_key.get(wanted.key.lower(), [])
    if len(candidates) > 1:
        exact = [candidate for candidate in candidates if candidate[1] == wanted.key]
        if len(exact) != 1:
            ambiguous.append(f"{wanted.key} ({', '.join(candidate[0] for candidate in candidates)})")
            return True
        candidates = exact
    if not candidates:
        return False
    wanted.resolved_id, wanted.resolved_key = candidates[0]
    return True


def resolve(client, kind, entries, current_by_id, must_exist, max_workers):
    """Set `resolved_id` and `resolved_key` on each entry of `kind`; return the problems found.

    The current assignment list answers most entries; only the others are searched for. With
    `must_exist` false (state=absent) nothing is searched unless the list lacks logins or names, and
    an entry that cannot be found is simply not assigned.
    """
    assigned_by_key = _by_key((current.id, current.key) for current in current_by_id.values())
    keys_known = all(current.key for current in current_by_id.values())
    to_search, ambiguous = [], []
    for wanted in entries:
        if wanted.id:
            current = current_by_id.get(wanted.id)
            if current is not None or not must_exist:
                wanted.resolved_id, wanted.resolved_key = wanted.id, current.key if current else None
            else:
                to_search.append(wanted)
        elif not _match(wanted, assigned_by_key, ambiguous) and (must_exist or not keys_known):
            to_search.append(wanted)
    unknown_keys, unknown_ids, deactivated = [], [], []
    if to_search:
        found_by_id = find_in_directory(client, kind, keys=[wanted.key for wanted in to_search if not wanted.id],
                                        ids=[wanted.id for wanted in to_search if wanted.id], max_workers=max_workers)
        key_by_id = {okta_id: (found.get("profile") or {}).get(kind.key) for okta_id, found in found_by_id.items()}
        found_by_key = _by_key(key_by_id.items())
        for wanted in to_search:
            if wanted.id in key_by_id:
                wanted.resolved_id, wanted.resolved_key = wanted.id, key_by_id[wanted.id]
            elif wanted.id:
                unknown_ids.append(wanted.id)
            elif not _match(wanted, found_by_key, ambiguous):
                unknown_keys.append(wanted.key)
            found = found_by_id.get(wanted.resolved_id)
            if kind is USERS and found is not None and found.get("status") == DEACTIVATED:
                deactivated.append(wanted.label)
    problems = []
    if must_exist and unknown_keys:
        problems.append(f"{len(unknown_keys)} {kind.key_noun} not found in Okta: {', '.join(unknown_keys)}")
    if must_exist and unknown_ids:
        problems.append(f"{len(unknown_ids)} {kind.name} id(s) not found in Okta: {', '.join(unknown_ids)}")
    if must_exist and deactivated:
        problems.append(f"{len(deactivated)} user(s) deactivated in Okta (status {DEACTIVATED}) cannot be assigned: "
                        f"{', '.join(deactivated)}; reactivate them or take them off the list")
    if ambiguous:
        problems.append(f"{kind.name} {kind.key}(s) matching more than one {kind.name}, give the id instead: "
                        f"{'; '.join(ambiguous)}")
    return problems


def resolved_twice(kind, entries):
    """A user (or group) given twice in different ways, e.g. once by login and once by id."""
    seen = {}
    clashes = []
    for entry in entries:
        target = entry.resolved_id
        if target and target in seen:
            clashes.append(f"{seen[target]} and {entry.given} are the same ({target})")
        elif target:
            seen[target] = entry.given
    return [f"{kind.plural} listed more than once: {'; '.join(clashes)}"] if clashes else []


def app_user_attributes(client, app_id):
    """The app-user profile attribute names the app's schema declares (base and custom)."""
    schema = client.get(f"/api/v1/meta/schemas/apps/{app_id}/default") or {}
    definitions = schema.get("definitions") or {}
    names = set()
    for part in ("base", "custom"):
        names.update(((definitions.get(part) or {}).get("properties") or {}).keys())
    return names


def attribute_problems(client, app_id, entries, known=None):
    """Profile attributes the app-user schema does not declare (`known`: its attributes, if read already;
    else the schema is read only if needed)."""
    used = {}
    for entry in entries:
        for attribute in entry.profile or {}:
            used.setdefault(attribute, []).append(entry.given)
    if not used:
        return []
    if known is None:
        known = app_user_attributes(client, app_id)
    unknown = {name: listed_in for name, listed_in in used.items() if name not in known}
    if not unknown:
        return []
    details = "; ".join(f"{name!r} (in {', '.join(listed_in[:3])}{' and more' if len(listed_in) > 3 else ''})"
                        for name, listed_in in sorted(unknown.items()))
    return [f"profile attribute(s) not in the app-user schema: {details}. "
            f"Known attributes: {', '.join(sorted(known)) or 'none'}"]


# ---------------------------------------------------------------- the whole run

def _check_request(request):
    if request.state not in ("present", "absent"):
        raise AssignmentInputError(f"state must be present or absent, not {request.state!r}")
    if request.state == "absent" and request.exclusive:
        raise AssignmentInputError("exclusive applies to state=present only: remove 'exclusive' or use state=present")
    # An empty list usually comes from a variable that was not filled: with exclusive it would
    # unassign (and deprovision) everyone, so it is refused rather than taken literally.
    for kind in KINDS:
        if request.exclusive and request.entries(kind) == []:
            raise AssignmentInputError(
                f"exclusive=true with an empty {kind.plural} list would remove every {kind.name} assignment of the app, "
                f"so it is refused and nothing was changed. Check the variable that fills {kind.plural}; to leave "
                f"{kind.plural} alone, omit the option; to remove assignments, list them with state=absent.")
    try:
        parse_max_removals(request.max_removals)
    except ValueError as error:
        raise AssignmentInputError(f"{error}. Nothing was changed.") from None
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
    wanted = {kind: request.wanted(kind) for kind in KINDS}
    problems = [problem for kind in KINDS
                for problem in entry_problems(kind, wanted[kind]) + duplicate_problems(kind, wanted[kind])]
    if problems:
        raise AssignmentInputError(_input_message(app, problems))

    managed = [kind for kind in KINDS if _needs_current(request.entries(kind), request)]
    must_exist = request.state == "present"
    # The assignment lists and the app-user schema (read when profiles are given) do not depend on each
    # other: read at the same time, each a round trip less before the first write.
    schema = must_exist and any(entry.profile for entry in wanted[USERS] + wanted[GROUPS])

    def read(kind):   # None: the schema's attributes
        return app_user_attributes(client, app_id) if kind is None else read_assigned(client, app_id, kind)

    answers = map_concurrently(read, managed + [None] * schema, request.max_workers)
    current = {kind: {} for kind in KINDS}
    current.update(zip(managed, answers))
    known_attributes = answers[-1] if schema else None

    for kind in KINDS:
        problems += resolve(client, kind, wanted[kind], current[kind], must_exist, request.max_workers)
    for kind in KINDS:
        problems += resolved_twice(kind, wanted[kind])
    if must_exist:
        problems += attribute_problems(client, app_id, wanted[USERS] + wanted[GROUPS], known_attributes)
    if problems:
        raise AssignmentInputError(_input_message(app, problems))

    plan = Plan()
    for kind in managed:
        plan_changes(kind, wanted[kind], current[kind], request.state, request.exclusive, request.update_profiles, plan)
    refuse_too_many_removals(app, plan, request.max_removals, removable_count(current))
    if request.state == "present" and wanted[GROUPS] and any(change.kind == "user" for change in plan.removals):
        listed = {group.resolved_id: group.label for group in wanted[GROUPS]}
        mark_covered(plan, listed, group_members(client, listed, request.max_workers))
    diff = {"before": {}, "after": {}}
    for kind in managed:
        diff["before"][kind.plural], diff["after"][kind.plural] = before_after(kind, current[kind], wanted[kind], plan.changes)

    if check_mode:
        # Check mode reports each planned write as if it succeeded.
        outcomes = [WriteOutcome(change, WriteStatus.DONE) for change in plan.changes]
    else:
        outcomes = apply_changes(client, app_id, plan.changes, request.max_workers, request.update_profiles)
    result = _result(plan, outcomes)
    result.update(app={"id": app_id, "label": app.get("label"), "name": app.get("name")})
    if result["failures"]:
        raise AssignmentWritesFailed(failure_message(result), **result)
    result["diff"] = diff
    result["warnings"] = [f"{entry.get('user') or entry.get('group')} was not removed: {entry['reason']}."
                          for entry in result["not_removed"]]
    if not managed:
        result["warnings"].append(nothing_managed_warning(app, request))
    return result


def group_members(client, groups, max_workers):
    """{group id: set of member user ids} of `groups` ({id: name}), every page of each."""
    def members(gid):
        path = f"/api/v1/groups/{gid}/users"
        return gid, {user.get("id") for user in client.paginate(path, params={"limit": GROUP_MEMBERS_PAGE_LIMIT})}
    return dict(map_concurrently(members, sorted(groups), max_workers))


def refuse_too_many_removals(app, plan, max_removals, current_count):
    """Fail before any write when the plan removes more assignments than `max_removals` allows."""
    limit = removal_limit(max_removals, current_count)
    removals = plan.removals
    if limit is None or len(removals) <= limit:
        return
    users = sum(1 for change in removals if change.kind == "user")
    shown = ", ".join(change.label for change in removals[:REMOVALS_IN_MESSAGE])
    more = f" and {len(removals) - REMOVALS_IN_MESSAGE} more" if len(removals) > REMOVALS_IN_MESSAGE else ""
    allowed = (f"{limit}" if parse_max_removals(max_removals)[1] is None
               else f"{limit}, {str(max_removals).strip()} of the {current_count} current direct user and group assignments")
    raise AssignmentInputError(
        f"Nothing was changed on app {app.get('label') or app['id']} ({app['id']}): this run would remove "
        f"{len(removals)} assignment(s) ({users} user(s), {len(removals) - users} group(s): {shown}{more}), more than "
        f"max_removals allows ({allowed}). Okta deprovisions unassigned users in Salesforce. If these removals are "
        f"meant, set max_removals to {len(removals)} or more for this run; if not, check the users and groups lists "
        "(with exclusive=true an entry missing from them is removed).", removals=len(removals), max_removals=limit)


def nothing_managed_warning(app, request):
    """The warning of a task that lists no user and no group: it succeeds, but manages nothing."""
    given = [f"{kind.plural} is {'an empty list' if request.entries(kind) == [] else 'not set'}" for kind in KINDS]
    return (f"Nothing is managed: {' and '.join(given)}, so no assignment of app {app.get('label') or app['id']} "
            f"({app['id']}) was read or changed. List the users and groups to assign (or, with state=absent, to "
            "unassign); check the variables that fill users and groups.")


def _input_message(app, problems):
    return (f"Nothing was changed on app {app.get('label') or app['id']} ({app['id']}): "
            + "; ".join(problems) + ". Fix the users/groups options and run again.")


def _result(plan, outcomes):
    lists = {"added": [], "updated": [], "removed": []}
    failures = []
    unchanged = plan.unchanged
    list_for = {"add": "added", "update": "updated", "remove": "removed"}
    not_removed = list(plan.not_removed)
    for outcome in sorted(outcomes, key=lambda o: (o.change.kind != "user", o.change.label)):
        change = outcome.change
        if outcome.status is WriteStatus.NOT_SENT:
            not_removed.append({change.kind: change.label, "reason": outcome.reason})
        elif outcome.status is WriteStatus.FAILED:
            failures.append({change.kind: change.label, "action": change.action, **outcome.error})
        elif outcome.status is WriteStatus.DONE:
            lists[list_for[change.action]].append(change.label)
        elif outcome.status is WriteStatus.UPDATED:
            lists["updated"].append(change.label)
        else:
            unchanged += 1
    changed = any(lists.values())
    return dict(changed=changed, unchanged=unchanged, failures=failures, not_removed=not_removed, **lists)


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
    held = sum(1 for entry in result.get("not_removed") or [] if entry["reason"].startswith("not sent"))
    held_back = (f" {held} removal(s) were not sent, since removals wait until every add and update succeeded "
                 "(see 'not_removed').") if held else ""
    unsent = sum(1 for failure in failed if failure.get("summary") == NOT_SENT_AFTER_REFUSAL)
    refused = (f" Okta refused a write with 403 {NO_PERMISSION}: this admin token's role cannot assign users or groups to "
               f"the app, so the other {unsent} write(s) were not sent. Use a token of an admin who may (Super Admin, or "
               "an App Admin for this app).") if unsent else ""
    return (f"{len(failed)} assignment write(s) failed; the others were applied ({done}).{held_back}{refused} Failures: "
            + "; ".join(shown) + more + ". Fix the cause and run the task again: it completes what is missing.")
