"""Okta's System Log: the events the simulated org records, and `GET /api/v1/logs`.

Event shape: the spec's `LogEvent` schema (reference/okta-management-openapi-2026.06.3.yaml, example `ListLogs`);
every event parses with the SDK's `okta.models.LogEvent`. Event type names: Okta's event catalogue
(https://developer.okta.com/docs/reference/api/event-types/). Query semantics (polling vs bounded requests,
`since`/`until`/`after`/`filter`/`q`/`limit`/`sortOrder`): https://developer.okta.com/docs/reference/system-log-query/
and the spec's `/api/v1/logs`.

Storage: `state.data["okta"]["system_log"]` holds the LogEvents in persistence order (append only, so an event's
position is its sequence number: cursors carry it); `state.system_log_times` is a parallel list of epoch milliseconds
(persistence times), rebuilt from `published` if a test replaced the list. Recording is one dict built and appended:
the benchmarks make thousands of writes.
"""
from __future__ import annotations

import datetime
import json
import secrets
import time
import uuid
from urllib.parse import urlencode

from .filters import matches, parse_expression
from .paging import decode_cursor, encode_cursor
from .seed import okta_user
from .wire import OktaFailure, json_response, validation_failed

# Okta's own provisioning work (modelled: Okta's events for pushes name an Okta-internal actor; we use one fixed one).
SYSTEM_PRINCIPAL = {"id": "0000000000000000000", "type": "SystemPrincipal", "alternateId": "system@okta.com",
                    "displayName": "Okta System", "detailEntry": None}
# The admin who edits provisioning settings in the Admin Console (control call POST /_sim/okta/admin_console).
CONSOLE_ADMIN = {"id": "00uconsoleadmin01", "type": "User", "alternateId": "jane.admin@acme.com",
                 "displayName": "Jane Admin", "detailEntry": None}
CONSOLE_USER_AGENT = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/127.0.0.0 Safari/537.36")
DEFAULT_TOKEN_OWNER = {"id": "00uapiadmin000001", "login": "api.admin@acme.com", "name": "API Admin"}
LOOPBACK = "127.0.0.1"   # every client of the simulator is on loopback

# Display messages: modelled on the catalogue's descriptions of each type.
DISPLAY = {
    "application.lifecycle.create": "Create application",
    "application.lifecycle.update": "Update application",
    "application.lifecycle.activate": "Activate application",
    "application.lifecycle.deactivate": "Deactivate application",
    "application.user_membership.add": "Add user to application membership",
    "application.user_membership.remove": "Remove user from application membership",
    "group.application_assignment.add": "Add assigned application to group",
    "group.application_assignment.remove": "Remove assigned application from group",
    "application.provision.user.push": "Push new user to external application",
    "application.provision.user.push_profile": "Push user profile update to external application",
    "application.provision.user.deactivate": "Deactivate user in external application",
    "application.provision.user.reactivate": "Reactivate user in external application",
    "application.provision.user.sync": "Sync user in external application",
    "application.provision.user.import": "Import user from external application",
    "application.integration.authentication_failure": "Authentication failure with external application",
    "application.integration.rate_limit_exceeded": "Rate limit exceeded in external application",
}

SECURITY_CONTEXT = {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None}
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 40
DEFAULT_WINDOW = 7 * 24 * 3600 * 1000   # ms; the spec: `since` defaults to 7 days before `until`


# ----- storage ---------------------------------------------------------------------------------
def _log(state) -> list:
    return state.data["okta"].setdefault("system_log", [])


def _times(state) -> list:
    """Persistence times parallel to the log (rebuilt when a test patched the log itself)."""
    events = _log(state)
    times = getattr(state, "system_log_times", None)
    if times is None or len(times) != len(events):
        times = [_parse_time(e.get("published"), "published") for e in events]
        state.system_log_times = times
    return times


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MS = datetime.timedelta(milliseconds=1)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _iso(ms: int) -> str:
    return (EPOCH + ms * MS).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_time(text, param: str) -> int:
    """Milliseconds since the epoch (`published` has millisecond precision: compare in whole milliseconds)."""
    try:
        value = datetime.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise validation_failed(param, f"{param}: '{text}' is not an ISO 8601 timestamp") from None
    if value.tzinfo is None:   # modelled: a timestamp without an offset is read as UTC
        value = value.replace(tzinfo=datetime.timezone.utc)
    return (value - EPOCH) // MS


# ----- who did it ----------------------------------------------------------------------------
def token_owner(state) -> dict:
    """The admin who owns the SSWS token (seed key `okta.api_token_owner`)."""
    owner = state.data["okta"].get("api_token_owner") or {}
    return {**DEFAULT_TOKEN_OWNER, **owner}


def actor_for(state, req) -> dict:
    """The request's principal: the token's owner (SSWS) or the service app (OAuth client credentials)."""
    auth = getattr(req, "auth", None) or {}
    if auth.get("kind") in ("Bearer", "DPoP") and auth.get("client_id"):
        cid = auth["client_id"]
        client = state.data["okta"]["oauth_clients"].get(cid) or {}
        return {"id": cid, "type": "PublicClientApp", "alternateId": cid,
                "displayName": client.get("name") or cid, "detailEntry": None}
    if auth.get("kind") == "SSWS":
        owner = token_owner(state)
        return {"id": owner["id"], "type": "User", "alternateId": owner["login"], "displayName": owner["name"],
                "detailEntry": None}
    return dict(SYSTEM_PRINCIPAL)


def _client(user_agent: str | None, os_name: str | None = None, browser: str | None = None,
            device: str | None = None) -> dict:
    return {"userAgent": {"rawUserAgent": user_agent, "os": os_name or "Unknown", "browser": browser or "UNKNOWN"},
            "zone": None, "device": device or "Unknown", "id": None, "ipAddress": LOOPBACK,
            "geographicalContext": None}


def owner_user(state) -> dict:
    """The SSWS token's owner as an Okta User (GET /api/v1/users/me), not listed in the directory."""
    owner = token_owner(state)
    first, _sep, last = owner["name"].partition(" ")
    return okta_user(owner["id"], owner["login"], first or owner["name"], last or "Admin")


# ----- targets -------------------------------------------------------------------------------
def app_target(state, app_id: str) -> dict:
    app = state.data["okta"]["apps"].get(app_id) or {}
    label = app.get("label") or app_id
    return {"id": app_id, "type": "AppInstance", "alternateId": label, "displayName": label, "detailEntry": None}


def _full_name(user: dict) -> str:
    profile = user.get("profile") or {}
    return f"{profile.get('firstName', '')} {profile.get('lastName', '')}".strip()


def user_target(user: dict) -> dict:
    return {"id": user["id"], "type": "User", "alternateId": user["profile"]["login"], "displayName": _full_name(user),
            "detailEntry": None}


def group_target(group: dict) -> dict:
    return {"id": group["id"], "type": "UserGroup", "alternateId": "unknown", "displayName": group["profile"]["name"],
            "detailEntry": None}


def provisioning_targets(state, app_id: str, user: dict, app_username: str | None) -> list:
    """[AppInstance, AppUser, User] (modelled order)."""
    return [app_target(state, app_id),
            {"id": user["id"], "type": "AppUser", "alternateId": app_username or user["profile"]["login"],
             "displayName": _full_name(user), "detailEntry": None},
            user_target(user)]


# ----- recording -----------------------------------------------------------------------------
def record(state, event_type: str, *, actor: dict, targets: list, result: str = "SUCCESS", reason: str | None = None,
           display_message: str | None = None, severity: str = "INFO", debug_data: dict | None = None,
           legacy_event_type: str | None = None, request_id: str | None = None, client: dict | None = None,
           transaction_type: str | None = None) -> dict:
    """Append one LogEvent and return it (the caller holds `state.lock`)."""
    now = _now_ms()
    system = actor.get("type") == "SystemPrincipal"
    debug = {}
    if request_id:
        debug["requestId"] = request_id
    if debug_data:
        debug.update(debug_data)
    transaction_id = request_id or secrets.token_hex(16)
    event = {
        "uuid": str(uuid.uuid4()), "published": _iso(now), "eventType": event_type, "version": "0",
        "severity": severity, "legacyEventType": legacy_event_type,
        "displayMessage": display_message or DISPLAY.get(event_type, event_type),
        "actor": actor,
        "client": client or _client(None, device=None if not system else "Unknown"),
        "outcome": {"result": result, "reason": reason},
        "target": targets,
        "transaction": {"type": transaction_type or ("JOB" if system else "WEB"), "id": transaction_id, "detail": {}},
        "debugContext": {"debugData": debug},
        "authenticationContext": {"authenticationProvider": None, "credentialProvider": None, "credentialType": None,
                                  "issuer": None, "interface": None, "authenticationStep": 0,
                                  "externalSessionId": None if system else "trs" + transaction_id[:20]},
        "securityContext": SECURITY_CONTEXT,   # shared, never mutated: one dict for thousands of events
        "request": {"ipChain": [] if system else [{"ip": LOOPBACK, "geographicalContext": None, "version": "V4",
                                                   "source": None}]},
    }
    _times(state).append(now)
    _log(state).append(event)
    return event


def record_request(ctx, req, event_type: str, targets: list, *, debug_data: dict | None = None,
                   result: str = "SUCCESS", reason: str | None = None) -> dict:
    """An event written by an API request: actor = the request's principal, client = its user agent."""
    return record(ctx.state, event_type, actor=actor_for(ctx.state, req), targets=targets, result=result,
                  reason=reason, debug_data={"requestUri": req.path, **(debug_data or {})},
                  request_id=req.request_id, client=_client(req.headers.get("user-agent")))


def record_push(state, event_type: str, app_id: str, user_id: str, app_username: str | None,
                result: str = "SUCCESS", reason: str | None = None) -> dict | None:
    """Okta's provisioning into the app (actor SystemPrincipal)."""
    user = state.data["okta"]["users"].get(user_id)
    if user is None:
        return None
    return record(state, event_type, actor=dict(SYSTEM_PRINCIPAL), targets=provisioning_targets(state, app_id, user, app_username),
                  result=result, reason=reason, severity="INFO" if result == "SUCCESS" else "WARN")


# ----- control calls -------------------------------------------------------------------------
def admin_console_change(state, app_id: str, feature: str, settings: dict) -> dict:
    """An admin in the Admin Console saving the To App / To Okta settings: the state changes, one event is written."""
    from .okta_apps import _check_values, _merge, _normalise_inbound
    if feature not in ("USER_PROVISIONING", "INBOUND_PROVISIONING"):
        raise ValueError("feature must be USER_PROVISIONING or INBOUND_PROVISIONING")
    if not isinstance(settings, dict):
        raise ValueError("settings must be an object")
    with state.lock:
        if app_id not in state.data["okta"]["apps"]:
            raise KeyError(f"no app {app_id}")
        if feature == "INBOUND_PROVISIONING":
            settings = _normalise_inbound(json.loads(json.dumps(settings)))
        try:
            _check_values(settings)
        except OktaFailure as failure:
            raise ValueError("; ".join(failure.causes) or failure.summary) from None
        caps = state.data["okta"]["features"].setdefault(app_id, {}).setdefault(feature, {})
        _merge(caps, settings)
        return record(state, "application.lifecycle.update", actor=dict(CONSOLE_ADMIN),
                      targets=[app_target(state, app_id)], debug_data={"feature": feature},
                      client=_client(CONSOLE_USER_AGENT, "Mac OS X", "CHROME", "Computer"), transaction_type="WEB")


def inject_events(state, body: dict) -> list:
    """`count` events of one type for an app, as Okta would write them (control POST /_sim/okta/events)."""
    event_type = body["event_type"]
    app_id = body["app_id"]
    result = body.get("result", "FAILURE")
    if result not in ("SUCCESS", "FAILURE", "SKIPPED", "ALLOW", "DENY", "CHALLENGE", "UNKNOWN"):
        raise ValueError(f"result '{result}' is not an Okta outcome")
    count = int(body.get("count", 1))
    actor = body.get("actor") or SYSTEM_PRINCIPAL
    with state.lock:
        okta = state.data["okta"]
        if app_id not in okta["apps"]:
            raise KeyError(f"no app {app_id}")
        needs_user = not event_type.startswith("application.integration.") and (
            event_type.startswith("application.provision.") or event_type.startswith("application.user_membership."))
        users = []
        if needs_user:
            if body.get("user_logins"):
                for login in body["user_logins"]:
                    user = state.user_by_id_or_login(login)
                    if user is None:
                        raise KeyError(f"no Okta user {login}")
                    users.append(user)
            else:
                assigned = okta["app_users"].get(app_id, {})
                users = [okta["users"][uid] for uid in sorted(assigned) if uid in okta["users"]]
                users = users or [okta["users"][uid] for uid in state.users_sorted.keys]
            if not users:
                raise ValueError("the org has no users to name in the events")
        uuids = []
        for n in range(count):
            if users:
                user = users[n % len(users)]
                record_user = okta["app_users"].get(app_id, {}).get(user["id"]) or {}
                username = (record_user.get("credentials") or {}).get("userName")
                targets = provisioning_targets(state, app_id, user, username)
            else:
                targets = [app_target(state, app_id)]
            event = record(state, event_type, actor=dict(actor), targets=targets, result=result,
                           reason=body.get("reason"), severity="INFO" if result == "SUCCESS" else "WARN")
            uuids.append(event["uuid"])
        return uuids


def all_events(state) -> list:
    with state.lock:
        return list(_log(state))


# ----- GET /api/v1/logs ----------------------------------------------------------------------
def _limit(req) -> int:
    raw = req.arg("limit")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        raise validation_failed("limit", f"limit: '{raw}' is not an integer between 0 and {MAX_LIMIT}") from None
    if value < 0 or value > MAX_LIMIT:
        raise validation_failed("limit", f"limit: must be between 0 and {MAX_LIMIT}")
    return value


def _keywords(req) -> list:
    q = req.arg("q")
    if not q:
        return []
    words = q.split()
    if len(words) > MAX_KEYWORDS:
        raise validation_failed("q", f"q: at most {MAX_KEYWORDS} keywords")
    if any(len(w) > MAX_KEYWORD_LENGTH for w in words):
        raise validation_failed("q", f"q: a keyword has at most {MAX_KEYWORD_LENGTH} characters")
    return [w.lower() for w in words]


def _cursor(req) -> int | None:
    raw = req.arg("after")
    if raw in (None, ""):
        return None
    try:
        key = decode_cursor(raw)
        if not key.startswith("log:"):
            raise ValueError
        return int(key[4:])
    except (OktaFailure, ValueError):
        raise validation_failed("after", "The 'after' cursor is not valid.") from None


def _link(req, after: int | None, rel: str) -> str:
    if rel == "self":
        return f'<{req.base_url}{req.path}{"?" + req.raw_query if req.raw_query else ""}>; rel="self"'
    query = [(k, v) for k, values in req.query.items() if k != "after" for v in values]
    query.append(("after", encode_cursor(f"log:{after}")))
    return f'<{req.base_url}{req.path}?{urlencode(query)}>; rel="next"'


def list_logs(ctx, req):
    """Polling (ASCENDING without `until`): always a `next` link; bounded (`until` or DESCENDING): `next` only when
    more events match. Cursors carry an event's sequence number (its position in persistence order)."""
    state = ctx.state
    now = _now_ms()
    order = req.arg("sortOrder") or "ASCENDING"
    if order not in ("ASCENDING", "DESCENDING"):
        raise validation_failed("sortOrder", f"sortOrder: '{order}' is not one of ASCENDING, DESCENDING")
    until_raw = req.arg("until")
    until = _parse_time(until_raw, "until") if until_raw not in (None, "") else None
    since_raw = req.arg("since")
    since = _parse_time(since_raw, "since") if since_raw not in (None, "") else (until or now) - DEFAULT_WINDOW
    if until is not None and since > until:
        raise validation_failed("since", "since: must not be after until")
    limit = _limit(req)
    words = _keywords(req)
    expression = parse_expression(req.arg("filter")) if req.arg("filter") else None
    after = _cursor(req)
    polling = order == "ASCENDING" and until is None

    def wanted(event) -> bool:
        if expression and not matches(event, expression):
            return False
        if words:
            text = json.dumps(event).lower()
            return all(w in text for w in words)
        return True

    with state.lock:
        events, times = _log(state), _times(state)
        if after is not None and after > len(events):
            raise validation_failed("after", "The 'after' cursor is not valid.")
        page, last, more, scan_end = [], None, False, len(events)
        if order == "ASCENDING":
            start = after or 0
            for pos in range(start, len(events)):
                if times[pos] < since or (until is not None and times[pos] > until):
                    continue
                if not wanted(events[pos]):
                    continue
                if len(page) == limit:
                    more, scan_end = True, pos
                    break
                page.append(events[pos])
                last = pos + 1
        else:
            stop = (after - 2) if after is not None else len(events) - 1   # the cursor is the last event's seq
            upper = now if until is None else until
            for pos in range(stop, -1, -1):
                if times[pos] < since or times[pos] > upper or not wanted(events[pos]):
                    continue
                if len(page) == limit:
                    more = True
                    break
                page.append(events[pos])
                last = pos + 1   # a DESCENDING cursor names the last event returned: the next page is before it
        links = [_link(req, None, "self")]
        if polling:
            # Okta's polling: the next link always comes, with the last event's cursor (or the one given / the
            # end of what was scanned when the page is empty), so a client following it later gets only new events.
            if last is None:
                last = after if after is not None else scan_end
            links.append(_link(req, last, "next"))
        elif more:
            links.append(_link(req, last, "next"))
        body = list(page)
    return json_response(200, body, {"Link": ", ".join(links)})
