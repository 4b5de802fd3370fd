# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Internal: send planned assignment writes concurrently; one failure never stops the others, but holds back
every removal: group adds and updates go first, then user adds and updates, then removals, and removals only
when all the adds and updates succeeded.

Retry rules (the client applies them): PUT and DELETE are idempotent and retried; a profile update
(POST .../users/{id}) sets absolute values, so it is retried as idempotent too. Assigning a user
(POST .../users) is never resent blindly: when its answer is lost (a 5xx, or the connection dropped
after sending) the user's assignment is read back first, and the assign is sent again only if it did
not happen, up to the client's max_retries times. Okta answers 409 E0000062 when the user is already
assigned (for example through a group assigned in the same run): that is not a failure.

`map_concurrently` is the one thread pool of ``okta_app_assignment``: the batched directory searches
run through it too.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum

from ansible_collections.idm.okta_salesforce.plugins.module_utils._assignment_plan import (
    SCOPE_USER,
    AssignedUser,
    user_update_body,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, answer_may_be_lost

ALREADY_ASSIGNED = "E0000062"
# Okta's "You do not have permission to perform the requested action": on an assign or update it means the admin
# token (its role) cannot write this app's assignments, so every later write would be refused the same way.
NO_PERMISSION = "E0000006"
NOT_SENT_AFTER_REFUSAL = "not sent: Okta refused an earlier write of this run with 403 " + NO_PERMISSION


class WriteStatus(Enum):
    """How one write ended."""
    DONE = "done"               # applied as planned
    UNCHANGED = "unchanged"     # already so: nothing was needed
    UPDATED = "updated"         # an add found the user already assigned, then updated what differed
    FAILED = "failed"
    NOT_SENT = "not_sent"       # a removal held back (see apply_changes): `reason` says why


@dataclass
class WriteOutcome:
    change: object
    status: WriteStatus
    error: dict | None = None   # error_details() of a failed write
    reason: str | None = None   # why a removal was NOT_SENT


def error_details(error):
    """What the result shows of a failed write: Okta's code, summary, causes and request id."""
    if isinstance(error, OktaApiError):
        return {
            "status": error.status,
            "error_code": error.error_code,
            "summary": error.summary,
            "causes": list(error.causes or []),
            "request_id": error.request_id,
        }
    return {"status": None, "error_code": None, "summary": f"{type(error).__name__}: {error}", "causes": [], "request_id": None}


class AssignmentWriter:
    """Sends the writes of one app. Safe to call from many threads: the client is shared."""

    def __init__(self, client, app_id, update_profiles=True):
        self.client = client
        self.app_id = app_id
        self.update_profiles = update_profiles
        self.resends = int(getattr(client, "max_retries", 0) or 0)
        self.refused = False   # an assign or update was refused for lack of permission: send nothing more

    def _users_path(self, user_id=None):
        path = f"/api/v1/apps/{self.app_id}/users"
        return f"{path}/{user_id}" if user_id else path

    def _groups_path(self, group_id):
        return f"/api/v1/apps/{self.app_id}/groups/{group_id}"

    def apply(self, change):
        """Send one change; never raises: the outcome carries the error."""
        if self.refused:
            return WriteOutcome(change, WriteStatus.FAILED, {"status": None, "error_code": None, "causes": [],
                                                             "summary": NOT_SENT_AFTER_REFUSAL, "request_id": None})
        try:
            return WriteOutcome(change, self._send(change))
        except Exception as error:  # pylint: disable=broad-exception-caught  # each failure is reported, the others go on
            if (isinstance(error, OktaApiError) and error.status == 403 and error.error_code == NO_PERMISSION
                    and change.action != "remove"):   # a removal's 403 can be one user's (group-scoped)
                self.refused = True
            return WriteOutcome(change, WriteStatus.FAILED, error_details(error))

    def _send(self, change):
        if change.kind == "group":
            if change.action == "remove":
                return self._delete(self._groups_path(change.target_id))
            self.client.put(self._groups_path(change.target_id), json=change.body)
            return WriteStatus.DONE
        if change.action == "remove":
            return self._delete(self._users_path(change.target_id), params={"sendEmail": "false"})
        if change.action == "update":
            self.client.post(self._users_path(change.target_id), json=change.body, idempotent=True)
            return WriteStatus.DONE
        try:
            self.client.post(self._users_path(), json=change.body, idempotent=False)
        except OktaApiError as error:
            if error.error_code == ALREADY_ASSIGNED:
                return self._complete_existing(change)
            if not answer_may_be_lost(error):
                raise
            return self._after_lost_answer(change, error)
        return WriteStatus.DONE

    def _after_lost_answer(self, change, error):
        """Read the user's assignment back; send the assign again only if it did not happen."""
        for attempt in range(1, self.resends + 1):
            self.client.pause_before_retry(attempt)
            try:
                item = self.client.get(self._users_path(change.target_id))
            except OktaApiError as read_error:
                if read_error.status != 404:
                    raise
                item = None
            if item is not None and (item.get("scope") or SCOPE_USER) == SCOPE_USER:
                return self._finish_found(change, item)   # the assign whose answer was lost did happen
            try:
                self.client.post(self._users_path(), json=change.body, idempotent=False)
                return WriteStatus.DONE
            except OktaApiError as again:
                if again.error_code == ALREADY_ASSIGNED:
                    return self._complete_existing(change)
                if not answer_may_be_lost(again):
                    raise
                error = again
        raise error

    def _finish_found(self, change, item):
        """The assign went through: update whatever of it still differs from the wanted values."""
        wanted = change.wanted
        if wanted is not None:
            body = user_update_body(wanted, AssignedUser.from_api(item), self.update_profiles)
            if body:
                self.client.post(self._users_path(change.target_id), json=body, idempotent=True)
        return WriteStatus.DONE

    def unconfirmed_groups(self, groups):
        """{group id: why} of the `groups` ({id: name}) that do not read back as assigned to the app."""
        unconfirmed = {}
        for gid, _name in sorted(groups.items()):
            try:
                self.client.get(self._groups_path(gid))
            except OktaApiError as error:
                unconfirmed[gid] = ("Okta answers that it is not assigned" if error.status == 404
                                    else f"reading it back failed: {error}")
        return unconfirmed

    def _delete(self, path, params=None):
        """Remove an assignment the plan read as present. A 404 means it is gone, as wanted: most often the client's
        retry of a DELETE whose first answer was lost after Okta applied it. Either way the removal is done."""
        try:
            self.client.delete(path, params=params)
        except OktaApiError as error:
            if error.status != 404:
                raise
        return WriteStatus.DONE

    def _complete_existing(self, change):
        """The user was already assigned: read it back and update what still differs."""
        wanted = change.wanted
        if wanted is None or (wanted.username is None and not wanted.profile):
            return WriteStatus.UNCHANGED
        item = self.client.get(self._users_path(change.target_id))
        current = AssignedUser.from_api(item)
        body = user_update_body(wanted, current, self.update_profiles)
        if not body:
            return WriteStatus.UNCHANGED
        self.client.post(self._users_path(change.target_id), json=body, idempotent=True)
        return WriteStatus.UPDATED


def apply_changes(client, app_id, changes, max_workers=8, update_profiles=True):
    """Send `changes` phase by phase (group adds and updates, user adds and updates, then removals), each phase
    with up to `max_workers` concurrent requests; one outcome per change, in the order sent.

    Removals are sent only when every add and update succeeded; otherwise each is NOT_SENT with the reason.
    A user removal `covered_by` listed groups waits until each of them reads back as assigned to the app.
    """
    writer = AssignmentWriter(client, app_id, update_profiles)
    ordered = sorted(changes, key=lambda change: change.phase)
    outcomes = []
    for phase in (0, 1):
        outcomes += map_concurrently(writer.apply, [change for change in ordered if change.phase == phase], max_workers)
    removals = [change for change in ordered if change.phase == 2]
    if not removals:
        return outcomes
    failed = [outcome for outcome in outcomes if outcome.status is WriteStatus.FAILED]
    if failed:
        reason = (f"not sent, because {len(failed)} add(s) or update(s) of this run failed: removals wait until every "
                  "add and update has succeeded (Okta deprovisions unassigned users in Salesforce); fix the failures "
                  "and run the task again")
        return outcomes + [WriteOutcome(change, WriteStatus.NOT_SENT, reason=reason) for change in removals]
    unconfirmed = writer.unconfirmed_groups({gid: name for change in removals for gid, name in change.covered_by})
    to_send = []
    for change in removals:
        missing = [name for gid, name in change.covered_by if gid in unconfirmed]
        if missing:
            outcomes.append(WriteOutcome(change, WriteStatus.NOT_SENT, reason=(
                f"not sent, because the user is a member of the listed group(s) {', '.join(missing)}, whose assignment "
                f"could not be confirmed ({'; '.join(unconfirmed[gid] for gid, _name in change.covered_by if gid in unconfirmed)}): "
                "the direct assignment goes only once the group's assignment is confirmed; run the task again")))
        else:
            to_send.append(change)
    return outcomes + map_concurrently(writer.apply, to_send, max_workers)


def map_concurrently(function, items, max_workers):
    """`function` applied to each of `items` by up to `max_workers` threads; the results in order.

    Every item is tried; if some raised, the first of them (in the items' order) is raised at the end.
    With one item or one worker it runs in the calling thread: no pool to start for nothing. The workers
    take the items one by one rather than a future per item up front: 20,000 futures held a sixth of the
    module's memory.
    """
    workers = max(1, min(max_workers, len(items)))
    if workers == 1:
        return [function(item) for item in items]
    results = [None] * len(items)
    errors = {}
    indexes = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            try:
                results[index] = function(items[index])
            except Exception as error:  # pylint: disable=broad-exception-caught  # raised below, after the others ran
                errors[index] = error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for running in [pool.submit(work) for _worker in range(workers)]:
            running.result()
    if errors:
        raise errors[min(errors)]
    return results
