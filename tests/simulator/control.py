"""Control endpoints under /_sim (no auth, never rate-limited or faulted): log, state, patch, config, reset,
the sync-health calls (bulk assignment with provisioning, planted disagreements), fault counts, and the OAuth
consent an admin gives in a browser (okta/consent), and the System Log's control calls (okta/admin_console, okta/events)."""
from __future__ import annotations

import json

from .okta_apps import give_consent
from .okta_auth import expire_all_tokens
from .okta_system_log import admin_console_change, all_events, inject_events
from .salesforce_provisioning import assign_many, plant_drift
from .wire import Request, Response, json_response


def _error(status: int, message: str) -> Response:
    return json_response(status, {"error": message})


def salesforce_counts(state) -> dict:
    """Salesforce logins (each counts toward the user's lockout) and OAuth token requests (which do not), by kind."""
    with state.lock:
        sf = state.data["salesforce"]
        logins, grants = {}, {}
        for entry in sf.get("login_history", []):
            logins[entry["channel"]] = logins.get(entry["channel"], 0) + 1
        for entry in sf.get("token_requests", []):
            grants[entry["grant_type"]] = grants.get(entry["grant_type"], 0) + 1
        writes = {}
        for entry in sf.get("writes", []):
            writes[entry["kind"]] = writes.get(entry["kind"], 0) + 1
        return {"logins": sum(logins.values()), "logins_by_channel": logins,
                "writes": sum(writes.values()), "writes_by_kind": writes,
                "token_requests": sum(grants.values()), "token_requests_by_grant_type": grants}


def handle(app, req: Request) -> Response:
    route = (req.method, req.path.rstrip("/"))
    try:
        body = json.loads(req.body) if req.body else None
    except ValueError:
        return _error(400, "control body must be JSON")
    try:
        if route == ("GET", "/_sim/log"):
            return json_response(200, app.log.entries())
        if route == ("DELETE", "/_sim/log"):
            app.log.clear()
            return json_response(200, {"cleared": True})
        if route == ("GET", "/_sim/state"):
            return json_response(200, app.state.dump())
        if route == ("POST", "/_sim/patch"):
            if not isinstance(body, dict) or not isinstance(body.get("path"), list) or "value" not in body:
                return _error(400, 'patch body: {"path": [...], "value": ...}')
            app.state.patch(body["path"], body["value"])
            return json_response(200, {"patched": body["path"]})
        if route == ("GET", "/_sim/config"):
            return json_response(200, app.config.as_dict())
        if route == ("POST", "/_sim/config"):
            app.config.update(body or {})
            return json_response(200, app.config.as_dict())
        if route == ("POST", "/_sim/reset"):
            app.reset(body)
            return json_response(200, {"reset": True})
        if route == ("POST", "/_sim/expire_tokens"):
            return json_response(200, {"expired": expire_all_tokens(app.state)})
        if route == ("POST", "/_sim/sync_assign"):
            with app.state.lock:
                assigned = assign_many(app.state, body["app_id"], int(body["count"]), body.get("profile"),
                                       int(body.get("first", 1)))
            return json_response(200, {"assigned": assigned})
        if route == ("POST", "/_sim/sync_drift"):
            with app.state.lock:
                keys = plant_drift(app.state, body["app_id"], body["kind"], int(body.get("count", 1)))
            return json_response(200, {"kind": body["kind"], "keys": keys})
        if route == ("GET", "/_sim/faults"):
            return json_response(200, app.fault_counts())
        if route == ("DELETE", "/_sim/faults"):
            app.clear_fault_counts()
            return json_response(200, {"cleared": True})
        if route == ("POST", "/_sim/okta/consent"):
            # The admin's browser: "Authenticate with Salesforce.com", sign in, allow.
            return json_response(200, give_consent(app.state, (body or {})["app_id"]))
        if route == ("POST", "/_sim/okta/admin_console"):
            # An admin saving the To App / To Okta settings in the Admin Console: state changed, one event written.
            body = body or {}
            event = admin_console_change(app.state, body["app_id"], body["feature"], body.get("settings") or {})
            return json_response(200, {"event": event})
        if route == ("POST", "/_sim/okta/events"):
            return json_response(200, {"uuids": inject_events(app.state, body or {})})
        if route == ("GET", "/_sim/okta/events"):
            return json_response(200, all_events(app.state))
        if route == ("GET", "/_sim/salesforce_counts"):
            return json_response(200, salesforce_counts(app.state))
        if route == ("GET", "/_sim/info"):
            return json_response(200, app.info())
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        return _error(400, f"{type(exc).__name__}: {exc}")
    return _error(404, f"no control endpoint {req.method} {req.path}")
