# -*- coding: utf-8 -*-
# Copyright: idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Okta's System Log, read for Event-Driven Ansible: polling, the Salesforce events, their shape, the position.

Internal to this collection; the interface may change without notice (see docs/development.md).
Used by the event source plugin extensions/eda/plugins/event_source/okta_system_log.py, which adds only the
asyncio loop around it. Everything here is synchronous and blocking (the plugin runs it in a thread).

Polling follows Okta's documented pattern (https://developer.okta.com/docs/reference/system-log-query/): a first
request with `since` and `sortOrder=ASCENDING` and no `until`, then the `rel="next"` link of each answer, which a
polling answer always has, followed as given. The position written to the state file is the link to read next
and the uuids of the events already delivered from it, saved after each event is taken by ansible-rulebook: a
restart reads that page again and skips what was delivered, so it neither repeats nor misses an event.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
import tempfile
import time

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, OktaClient, normalize_org_url
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OKTA_ARGUMENT_SPEC

# Event types, from Okta's event catalogue (https://developer.okta.com/docs/reference/api/event-types/) and the
# Events API migration guide's mapping of the older names (app.app_editor.app.update -> application.lifecycle.update,
# app.api.error.create_user -> application.provision.user.push, app.api.error.auth ->
# application.integration.authentication_failure).
SETTINGS_EVENT_TYPES = ("application.lifecycle.update", "application.lifecycle.deactivate",
                        "application.configuration.update")
PROVISIONING_EVENT_TYPES = ("application.provision.user.push", "application.provision.user.push_profile",
                            "application.provision.user.deactivate", "application.provision.user.reactivate",
                            "application.provision.user.password", "application.provision.user.sync",
                            "application.provision.user.import")
CREDENTIALS_EVENT_TYPES = ("application.integration.authentication_failure",)
INTEGRATION_EVENT_TYPES = ("application.integration.general_failure", "application.integration.rate_limit_exceeded")
ASSIGNMENT_EVENT_TYPES = ("application.user_membership.add", "application.user_membership.remove",
                          "group.application_assignment.add", "group.application_assignment.remove")
EVENT_TYPES = (SETTINGS_EVENT_TYPES + PROVISIONING_EVENT_TYPES + CREDENTIALS_EVENT_TYPES + INTEGRATION_EVENT_TYPES
               + ASSIGNMENT_EVENT_TYPES)

SCOPES = ("okta.logs.read", "okta.apps.read", "okta.users.read")
PAGE_LIMIT = 100             # events per request (Okta's default; at most 1,000)
MAX_PAGES_PER_POLL = 20      # then the other orgs get their turn
# uuids remembered for de-duplication, newest last: a restart reads again the page it was delivering, so two
# pages' worth covers it (and keeps the state file, written after each event, small).
SEEN_KEPT = 2 * PAGE_LIMIT
STATE_VERSION = 1
LOGGER = logging.getLogger("idm.okta_salesforce.okta_system_log")


class SourceConfigError(ValueError):
    """Bad source arguments, or an org that refuses our credentials: the event source stops with this message.
    (Not a CollectionError: no module raises it.)"""


def iso_to_epoch(text):
    """`2026-11-30T19:36:40.123Z` (Okta's `published`) as epoch seconds; None when unreadable."""
    try:
        main, _dot, fraction = text.rstrip("Z").partition(".")
        seconds = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S"))
        return seconds + (float("0." + fraction) if fraction.isdigit() else 0.0)
    except (AttributeError, ValueError):
        return None


def epoch_to_iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds * 1000) % 1000:03d}Z"


def category_of(event_type, result):
    if event_type in SETTINGS_EVENT_TYPES:
        return "settings_change"
    if event_type in PROVISIONING_EVENT_TYPES:
        return "push_failure" if result == "FAILURE" else "provisioning_outcome"
    if event_type in CREDENTIALS_EVENT_TYPES:
        return "credentials_failure"
    if event_type in INTEGRATION_EVENT_TYPES:
        return "integration_failure"
    if event_type in ASSIGNMENT_EVENT_TYPES:
        return "assignment_change"
    return None


def _targets(raw, kind):
    return [t for t in raw.get("target") or [] if isinstance(t, dict) and t.get("type") == kind]


class PositionFile:
    """The state file: per org, the link to read next, the uuids delivered from it, recent push failures.

    Written whole, atomically (a temporary file renamed over it), mode 0600, after each delivered event.
    """

    def __init__(self, path):
        self.path = path
        self.orgs = {}
        if path and os.path.exists(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
            except (OSError, ValueError) as exc:
                raise SourceConfigError(
                    f"Cannot read the state file {path} ({exc}). Fix or remove it; without it the source starts "
                    "again from `since` (or now).") from None
            if isinstance(data, dict) and data.get("version") == STATE_VERSION and isinstance(data.get("orgs"), dict):
                self.orgs = data["orgs"]

    def org(self, name, org_url):
        """This org's position; a fresh one when the file has none, or one of another URL under this name."""
        position = self.orgs.get(name)
        if not isinstance(position, dict) or position.get("org_url") != org_url:
            position = self.orgs[name] = {"org_url": org_url, "next": None, "seen": [], "failures": {}}
        return position

    def save(self):
        if not self.path:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        handle, temporary = tempfile.mkstemp(prefix=".okta_system_log.", dir=directory)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": STATE_VERSION, "orgs": self.orgs}, out)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


class Page:
    """One answer of /api/v1/logs: its events and its `next` link."""

    def __init__(self, events, next_url):
        self.events = events
        self.next_url = next_url

    @property
    def full(self):
        return len(self.events) >= PAGE_LIMIT


class OrgSystemLog:
    """One org's System Log: what to read next, which events matter, their shape for rules."""

    def __init__(self, name, client, position, positions, client_id=None, apps=None, ignore_actors=None, since=None,
                 push_failure_window=300.0, push_failure_threshold=10):
        self.name = name
        self.client = client
        self.client_id = client_id
        self.position = position
        self.positions = positions
        self.app_selectors = {str(a) for a in apps or []}
        self.ignore_actors = {str(a) for a in ignore_actors or []}
        self.since = since
        self.push_failure_window = float(push_failure_window)
        self.push_failure_threshold = int(push_failure_threshold)
        self._apps = {}         # app id -> label when it is a watched Salesforce app, else None
        self._own_actor_ids = None

    # -- reading ------------------------------------------------------------------------------------

    def read_page(self):
        """The page at the position; the first time, the polling request from `since` (kept in the position, so
        that a restart before that page was delivered asks for the same events)."""
        url = self.position.get("next")
        if url:
            try:
                response = self.client.request("GET", url)
            except OktaApiError as error:
                if error.status != 400:
                    raise
                # Okta refused the saved link (its cursor expired, or the log was reset): poll again from the last
                # delivered event's time; the uuids delivered from there are skipped.
                LOGGER.warning("%s: Okta refused the saved System Log link (%s); reading again from %s", self.name,
                               error.summary, self.position.get("last_published") or self.position.get("since"))
                self.position["next"] = None
                self.position["since"] = self.position.get("last_published") or self.position.get("since")
                self.positions.save()
                return self.read_page()
        else:
            if not self.position.get("since"):
                self.position["since"] = self.since or epoch_to_iso(time.time())
                self.positions.save()
            response = self.client.request("GET", "/api/v1/logs", params={
                "since": self.position["since"], "sortOrder": "ASCENDING", "limit": PAGE_LIMIT,
                "filter": " or ".join(f'eventType eq "{t}"' for t in EVENT_TYPES)})
        if not isinstance(response.body, list):
            raise OktaApiError(response.status, summary="expected a JSON list of System Log events", method="GET",
                               path="/api/v1/logs", request_id=response.request_id)
        self._learn_own_actor()
        return Page(response.body, response.next_url)

    def page_done(self, page):
        """Every event of `page` was delivered: read its `next` link from now on (kept when Okta gave none)."""
        if page.next_url and page.next_url != self.position.get("next"):
            self.position["next"] = page.next_url
            # The uuids stay: a `next` of a polling answer can repeat the last events at a page boundary.
            self.positions.save()

    # -- which events, and their shape -----------------------------------------------------------------

    def new_events(self, page):
        """The events of `page` that matter and were not delivered yet, shaped for rules, one at a time.

        Call delivered(event) after each before asking for the next: it keeps the push-failure count right.
        """
        seen = set(self.position["seen"])
        for raw in page.events:
            if not isinstance(raw, dict) or raw.get("uuid") in seen:
                continue
            event = self.shape(raw)
            if event is not None:
                yield event

    def delivered(self, event):
        data = event["okta_sf"]
        self.position["seen"] = (self.position["seen"] + [data["uuid"]])[-SEEN_KEPT:]
        self.position["last_published"] = data["published"]
        if data["category"] == "push_failure":
            failures = self.position["failures"].setdefault(data["app"]["id"], [])
            failures.append(iso_to_epoch(data["published"]) or time.time())
        self.positions.save()

    def shape(self, raw):
        event_type = raw.get("eventType")
        outcome = raw.get("outcome") or {}
        category = category_of(event_type, outcome.get("result"))
        apps = _targets(raw, "AppInstance")
        if category is None or not apps:
            return None
        app_id = apps[0].get("id")
        label = self.watched_app(app_id)
        if label is None:
            return None
        actor = raw.get("actor") or {}
        users = _targets(raw, "User")
        app_users = _targets(raw, "AppUser")
        target_user = None
        if users:
            target_user = {"id": users[0].get("id"), "login": users[0].get("alternateId"),
                           "display_name": users[0].get("displayName"),
                           "app_username": app_users[0].get("alternateId") if app_users else None}
        published = raw.get("published")
        recent_failures = self._recent_failures(app_id, published) if category == "push_failure" else 0
        return {"okta_sf": {
            "org": self.name, "org_url": self.client.org_url, "uuid": raw.get("uuid"), "published": published,
            "event_type": event_type, "category": category, "app": {"id": app_id, "label": label},
            "outcome": {"result": outcome.get("result"), "reason": outcome.get("reason")},
            "actor": {"id": actor.get("id"), "type": actor.get("type"), "alternate_id": actor.get("alternateId"),
                      "display_name": actor.get("displayName")},
            "by_automation": self._by_automation(actor), "target_user": target_user,
            "message": raw.get("displayMessage"),
            "recent_failures": recent_failures, "failure_burst": recent_failures >= self.push_failure_threshold,
        }}

    def watched_app(self, app_id):
        """The label of app `app_id` when it is a Salesforce app this source watches, else None (asked once)."""
        if app_id not in self._apps:
            try:
                app = self.client.request("GET", f"/api/v1/apps/{app_id}").body or {}
            except OktaApiError as error:
                if error.status != 404:
                    raise
                app = {}
            watched = app.get("name") == "salesforce" and (
                not self.app_selectors or app_id in self.app_selectors or app.get("label") in self.app_selectors)
            self._apps[app_id] = app.get("label") if watched else None
        return self._apps[app_id]

    def _learn_own_actor(self):
        """The principal this source polls as, whose own changes are marked by_automation: the API token's admin
        (GET /api/v1/users/me) or the OAuth service app (its client id is the actor id Okta logs)."""
        if self._own_actor_ids is not None:
            return
        if self.client.auth_scheme == "SSWS":
            self._own_actor_ids = {self.client.request("GET", "/api/v1/users/me").body.get("id")}
        else:
            self._own_actor_ids = {self.client_id}

    def _by_automation(self, actor):
        return bool({actor.get("id"), actor.get("alternateId")} & (self.ignore_actors | (self._own_actor_ids or set())))

    def _recent_failures(self, app_id, published):
        """Push failures of this app within push_failure_window before this one, this one included."""
        now = iso_to_epoch(published) or time.time()
        kept = [t for t in self.position["failures"].get(app_id, []) if now - t <= self.push_failure_window]
        self.position["failures"][app_id] = kept
        return len(kept) + 1


CREDENTIAL_KEYS = ("api_token", "client_id", "private_key", "private_key_file", "key_id")


def _env_name(option):
    """The environment variable the modules read `option` from (OKTA_API_TOKEN, ...): the same for the source."""
    return OKTA_ARGUMENT_SPEC[option]["fallback"][1][0]


def _credentials(org, environ):
    """The org's Okta credential: its own entries, else the environment's when OKTA_ORG_URL is this org's URL
    (an Okta credential only goes to its own org)."""
    own = {key: org.get(key) for key in CREDENTIAL_KEYS if org.get(key)}
    if own.get("api_token") or own.get("client_id"):
        return own
    env_url = environ.get(_env_name("org_url"))
    try:
        same_org = bool(env_url) and normalize_org_url(env_url) == normalize_org_url(org["org_url"])
    except InputError:
        same_org = False
    if not same_org:
        return own
    return {key: environ[_env_name(key)] for key in CREDENTIAL_KEYS if environ.get(_env_name(key))}


SOURCE_ARGS = ("orgs", "state_file", "since", "interval", "push_failure_window", "push_failure_threshold",
               "ignore_actors", "ca_path", "validate_certs", "timeout",
               "eda_feedback_queue")     # added by ansible-rulebook itself
ORG_KEYS = ("name", "org_url") + CREDENTIAL_KEYS + ("apps", "ignore_actors", "ca_path", "validate_certs", "dpop")
# Numbers: (default, the least allowed).
NUMBERS = {"interval": (15, 0.1), "push_failure_window": (300, 1), "push_failure_threshold": (10, 1), "timeout": (30, 1)}


def number_arg(args, name):
    """The source argument `name` as a number, its default when unset; SourceConfigError when it is not one."""
    default, least = NUMBERS[name]
    value = args.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < least:
        raise SourceConfigError(f"{name} must be a number of at least {least}, not {value!r} (default {default}).")
    return number


def _check_source_args(args):
    unknown = sorted(set(args) - set(SOURCE_ARGS))
    if unknown:
        raise SourceConfigError(f"Unknown arguments: {', '.join(unknown)}. The source takes {', '.join(SOURCE_ARGS[:-1])}.")
    for name in NUMBERS:
        number_arg(args, name)
    if args.get("since") is not None and iso_to_epoch(str(args["since"])) is None:
        raise SourceConfigError(f"since must be an ISO 8601 time such as 2026-11-30T09:00:00.000Z, not {args['since']!r}.")


def org_logs_from_args(args, environ=None):
    """The OrgSystemLog of each org of the source's arguments (checked before any request)."""
    environ = os.environ if environ is None else environ
    _check_source_args(args)
    orgs = args.get("orgs")
    if not isinstance(orgs, list) or not orgs:
        raise SourceConfigError("orgs is required: a list of {name, org_url, ...}, one per Okta org to watch; name is "
                                "the org's inventory host, which the rulebook's playbooks run against.")
    positions = PositionFile(args.get("state_file"))
    logs = []
    for index, org in enumerate(orgs):
        where = f"orgs[{index}]"
        if not isinstance(org, dict) or not org.get("name") or not org.get("org_url"):
            raise SourceConfigError(f"{where} needs name (the org's inventory host) and org_url.")
        unknown = set(org) - set(ORG_KEYS)
        if unknown:
            raise SourceConfigError(f"{where} ({org['name']}) has unknown keys: {', '.join(sorted(unknown))}.")
        credentials = _credentials(org, environ)
        if not credentials.get("api_token") and not credentials.get("client_id"):
            raise SourceConfigError(
                f"{where} ({org['name']}) has no Okta credential: give api_token, or client_id with private_key or "
                "private_key_file, or set OKTA_ORG_URL to this org's URL with OKTA_API_TOKEN (or OKTA_CLIENT_ID and "
                "OKTA_PRIVATE_KEY). The credential needs okta.logs.read, okta.apps.read and okta.users.read.")
        try:
            client = OktaClient(org["org_url"], scopes=list(SCOPES), timeout=number_arg(args, "timeout"),
                                validate_certs=bool(org.get("validate_certs", args.get("validate_certs", True))),
                                ca_path=org.get("ca_path", args.get("ca_path") or environ.get(_env_name("ca_path"))),
                                dpop=org.get("dpop", "auto"), **credentials)
        except InputError as error:
            raise SourceConfigError(f"{where} ({org['name']}): {error}") from None
        position = positions.org(org["name"], client.org_url)
        logs.append(OrgSystemLog(org["name"], client, position, positions, client_id=credentials.get("client_id"),
                                 apps=org.get("apps"),
                                 ignore_actors=org.get("ignore_actors", args.get("ignore_actors")),
                                 since=args.get("since"),
                                 push_failure_window=number_arg(args, "push_failure_window"),
                                 push_failure_threshold=number_arg(args, "push_failure_threshold")))
    names = [log.name for log in logs]
    if len(set(names)) != len(names):
        raise SourceConfigError("Each org needs its own name: " + ", ".join(names) + ".")
    return logs
