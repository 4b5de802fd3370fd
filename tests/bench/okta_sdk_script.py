"""The best alternative to okta_app_assignment: a script on Okta's own Python SDK (`okta`, asyncio).

It does the module's work with the module's own plan, so that the benchmark compares the clients, not
the plans: read the app, read the app-user schema (the module checks profile attributes before writing),
list the app's user and group assignments (expand, 500 and 200 per page), look up the users and groups
not assigned yet with batched `search` expressions (50 terms each), then assign them; 8 requests in
flight at most, the module's default max_workers. Rate limits are left to the SDK (it retries a 429
after X-Rate-Limit-Reset - Date + 1 s), with more retries than its default 2 so that a run completes.

Workarounds for the SDK's quirks (okta 3.4.6), each needed for a correct run:
- The `sslContext` option cannot be given: the SDK deep-copies its configuration and an SSLContext
  cannot be copied. The CA goes into the aiohttp session instead (a TCPConnector with our context),
  which also sets the connection pool to the concurrency used.
- With `authorizationMode: SSWS` the generated API layer writes `Authorization: SSWS<token>` (no
  space): `configuration.authorization_mode` must be "SSWS ".
- Its paging helpers (`paginate_all`) stop silently on an error, which would look like a short list:
  this script pages itself and fails on any error.
- A group's profile is a union model: its name is `group.profile.actual_instance.name`.

Run by the benchmark as its own process (`python -m tests.bench.okta_sdk_script SPEC.json`), the token
in the environment (OKTA_API_TOKEN), never on the command line. Prints one JSON line: the calls it sent
by kind, the 429s the SDK retried (as counted by the simulator), and what it changed.
"""
from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
import time

import aiohttp
from okta.client import Client
from okta.models import AppUserAssignRequest, ApplicationGroupAssignment
from okta.pagination import PaginationHelper

WORKERS = 8
USERS_PAGE = 500
GROUPS_PAGE = 200
SEARCH_PAGE = 200
BATCH = 50
MAX_RETRIES = 10   # the SDK's default (2) gives up under a 1 s window with 8 requests in flight


class SdkRunFailed(Exception):
    pass


def check(result, what):
    """(data, response, error) of an SDK call: the data, or SdkRunFailed."""
    data, response, error = result
    if error is not None:
        raise SdkRunFailed(f"{what}: {error}")
    return data, response


def search_batches(field, values):
    quoted = [f'{field} eq "{value}"' for value in values]
    return [" or ".join(quoted[n:n + BATCH]) for n in range(0, len(quoted), BATCH)]


class SdkAssigner:
    def __init__(self, client, app_id):
        self.client = client
        self.app_id = app_id
        self.slots = asyncio.Semaphore(WORKERS)
        self.calls = {}

    async def call(self, kind, coroutine_function, *args, **kwargs):
        self.calls[kind] = self.calls.get(kind, 0) + 1
        async with self.slots:
            return check(await coroutine_function(*args, **kwargs), kind)

    async def every_page(self, kind, method, *args, limit, **kwargs):
        """Every item of a list, page after page, failing on an error (the SDK's paginate_all would stop)."""
        items, after = [], None
        while True:
            data, response = await self.call(kind, method, *args, limit=limit, after=after, **kwargs)
            items += data or []
            after = PaginationHelper.extract_next_cursor(response.headers)
            if not after:
                return items

    async def run(self, users, groups):
        client = self.client
        await self.call("read_app", client.get_application, self.app_id)
        if any(user.get("profile") for user in users):
            await self.call("read_schema", client.get_application_user_schema, self.app_id)
        assigned_users, assigned_groups = await asyncio.gather(
            self.every_page("list_app_users", client.list_application_users, self.app_id, limit=USERS_PAGE, expand="user"),
            self.every_page("list_app_groups", client.list_application_group_assignments, self.app_id,
                            limit=GROUPS_PAGE, expand="group"))
        user_logins = {((app_user.embedded or {}).get("user") or {}).get("profile", {}).get("login", "").lower()
                       for app_user in assigned_users if (app_user.scope or "").upper() == "USER"}
        assigned_group_names = {(((group.embedded or {}).get("group") or {}).get("profile") or {}).get("name"): group.id
                                for group in assigned_groups}
        missing_users = [user for user in users if user["login"].lower() not in user_logins]
        missing_groups = [group for group in groups if group["name"] not in assigned_group_names]
        found_users = await asyncio.gather(*(
            self.every_page("search_users", client.list_users, search=expression, limit=SEARCH_PAGE)
            for expression in search_batches("profile.login", [user["login"] for user in missing_users])))
        found_groups = await asyncio.gather(*(
            self.every_page("search_groups", client.list_groups, search=expression, limit=SEARCH_PAGE)
            for expression in search_batches("profile.name", [group["name"] for group in missing_groups])))
        user_ids = {user.profile.login.lower(): user.id for page in found_users for user in page}
        group_by_name = {group.profile.actual_instance.name: group.id for page in found_groups for group in page}
        unknown = [user["login"] for user in missing_users if user["login"].lower() not in user_ids]
        unknown += [group["name"] for group in missing_groups if group["name"] not in group_by_name]
        if unknown:
            raise SdkRunFailed(f"not found in Okta: {', '.join(unknown[:10])}")
        writes = [self.call("assign_user", client.assign_user_to_application, self.app_id,
                            AppUserAssignRequest(id=user_ids[user["login"].lower()], scope="USER",
                                                 profile=user.get("profile") or None))
                  for user in missing_users]
        writes += [self.call("assign_group", client.assign_group_to_application, self.app_id, group_by_name[group["name"]],
                             ApplicationGroupAssignment())
                   for group in missing_groups]
        await asyncio.gather(*writes)
        return {"assigned_users": len(missing_users), "assigned_groups": len(writes) - len(missing_users)}


async def main_async(spec, token):
    config = {"orgUrl": spec["org_url"], "authorizationMode": "SSWS", "token": token,
              "rateLimit": {"maxRetries": MAX_RETRIES}, "logging": {"enabled": False}}
    client = Client(config)
    client.configuration.authorization_mode = "SSWS "   # the generated layer omits the space after the scheme
    context = ssl.create_default_context(cafile=spec["ca_path"])
    connector = aiohttp.TCPConnector(ssl=context, limit=WORKERS)
    async with aiohttp.ClientSession(connector=connector) as session:
        client.get_request_executor().set_session(session)   # the CA here: sslContext cannot be deep-copied
        assigner = SdkAssigner(client, spec["app_id"])
        started = time.monotonic()
        outcome = await assigner.run(spec["users"], spec["groups"])
        seconds = time.monotonic() - started
    return {"calls": assigner.calls, "calls_total": sum(assigner.calls.values()), "run_seconds": round(seconds, 3),
            **outcome}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python -m tests.bench.okta_sdk_script SPEC.json  (token in OKTA_API_TOKEN)")
    with open(argv[0], encoding="utf-8") as handle:
        spec = json.load(handle)
    try:
        result = asyncio.run(main_async(spec, os.environ["OKTA_API_TOKEN"]))
    except SdkRunFailed as failure:
        print(json.dumps({"error": str(failure)}), flush=True)
        raise SystemExit(1) from None
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
