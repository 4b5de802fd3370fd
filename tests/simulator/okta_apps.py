"""Okta apps: list/get/create/update, the provisioning connection (modelled for Salesforce),
the USER_PROVISIONING / INBOUND_PROVISIONING features, and the app-user schema."""
from __future__ import annotations

import bisect
import copy
import re
import zoneinfo

from . import okta_render as render
from .filters import matches, parse_expression
from .okta_system_log import app_target, record_request
from .paging import page_links, parse_limit, decode_cursor
from .salesforce_login import LoginFault, check_credentials
from .seed import default_connection, default_features, okta_app
from .state import now_iso
from .wire import OktaFailure, json_response, no_content, not_found, validation_failed

SALESFORCE_SIGN_ON = ("BROWSER_PLUGIN", "BOOKMARK", "SAML_2_0")
INSTANCE_TYPES = ("SANDBOX", "PRODUCTION", "GOVERNMENT")
INTEGRATION_TYPES = ("STANDARD", "PORTAL", "COMMUNITY")
READ_ONLY_APP_FIELDS = ("id", "created", "lastUpdated", "status", "features", "_links", "_embedded", "orn", "name")
NOT_ENABLED = "Provisioning is not enabled for the app instance."


def get_app(ctx, app_id: str) -> dict:
    app = ctx.state.data["okta"]["apps"].get(app_id)
    if app is None:
        raise not_found(f"{app_id} (App)")
    return app


# ----- apps ----------------------------------------------------------------------------------
def list_apps(ctx, req):
    state = ctx.state
    limit = parse_limit(req, 20, 200)
    after = decode_cursor(req.arg("after"))
    expression = parse_expression(req.arg("filter")) if req.arg("filter") else None
    q = (req.arg("q") or "").lower()
    items, more = [], False
    start = 0
    keys = state.apps_sorted.keys
    if after:
        start = bisect.bisect_right(keys, after)
    for app_id in keys[start:]:
        app = state.data["okta"]["apps"][app_id]
        if expression and not matches(app, expression):
            continue
        if q and not (app.get("name", "").lower().startswith(q) or app.get("label", "").lower().startswith(q)):
            continue
        if len(items) == limit:
            more = True
            break
        items.append(app)
    body = [render.render_app(state, req.base_url, a) for a in items]
    return json_response(200, body, page_links(req, items[-1]["id"] if more else None))


def read_app(ctx, req):
    return json_response(200, render.render_app(ctx.state, req.base_url, get_app(ctx, req.params["app_id"])))


def _check_app_fields(body: dict, name: str) -> None:
    if not isinstance(body, dict):
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.")
    if not body.get("label"):
        raise validation_failed("label", "label: The field cannot be left blank")
    if name == "salesforce":
        if body.get("signOnMode") not in SALESFORCE_SIGN_ON:
            raise validation_failed("signOnMode", f"signOnMode: must be one of {', '.join(SALESFORCE_SIGN_ON)}")
        settings_app = ((body.get("settings") or {}).get("app")) or {}
        if settings_app.get("instanceType") not in INSTANCE_TYPES:
            raise validation_failed("settings", f"instanceType: must be one of {', '.join(INSTANCE_TYPES)}")
        if settings_app.get("integrationType") not in INTEGRATION_TYPES:
            raise validation_failed("settings", f"integrationType: must be one of {', '.join(INTEGRATION_TYPES)}")


def create_app(ctx, req):
    body = req.json()
    ctx.validate("application", body)
    name = (body or {}).get("name")
    if not name:
        raise validation_failed("name", "name: The field cannot be left blank")
    _check_app_fields(body, name)
    activate = (req.arg("activate", "true") or "true").lower() != "false"
    state = ctx.state
    with state.lock:
        ctx.ledger.app_created(name, body.get("label"), state.data["okta"]["apps"].values())
        app_id = state.next_id("0oa")
        fields = {k: v for k, v in body.items() if k not in READ_ONLY_APP_FIELDS}
        fields.update(name=name, status="ACTIVE" if activate else "INACTIVE")
        app = okta_app(app_id, fields, created=now_iso())
        state.add_app(app, default_connection(app), default_features())
        record_request(ctx, req, "application.lifecycle.create", [app_target(state, app_id)])
        return json_response(200, render.render_app(state, req.base_url, app))


def update_app(ctx, req):
    body = req.json()
    ctx.validate("application", body)
    state = ctx.state
    with state.lock:
        app = get_app(ctx, req.params["app_id"])
        if body.get("name") not in (None, app["name"]):
            raise validation_failed("name", "name: An app's name cannot be changed")
        _check_app_fields(body, app["name"])
        for key, value in body.items():
            if key not in READ_ONLY_APP_FIELDS:
                app[key] = copy.deepcopy(value)
        app["lastUpdated"] = now_iso()
        record_request(ctx, req, "application.lifecycle.update", [app_target(state, app["id"])])
        return json_response(200, render.render_app(state, req.base_url, app))


def app_lifecycle(ctx, req):
    with ctx.state.lock:
        app = get_app(ctx, req.params["app_id"])
        app["status"] = "ACTIVE" if req.params["action"] == "activate" else "INACTIVE"
        app["lastUpdated"] = now_iso()
        record_request(ctx, req, f"application.lifecycle.{req.params['action']}", [app_target(ctx.state, app["id"])])
    return json_response(200, {})


# ----- how much of the API this org exposes for one app ---------------------------------------
# state["okta"]["api_exposure"][app_id] = {"connection_status": 501, "features_status": 404}: every call to
# that app's connection (GET, POST, lifecycle) or features endpoints answers that status. Okta's spec lists
# 403 and 404 for these paths (and 400 on GET .../features before provisioning is on); the 501 body is
# modelled (Okta documents no 501 there): an Okta-shaped body without an error code.
_EXPOSURE_ANSWERS = {
    400: lambda what: validation_failed(what, NOT_ENABLED if what == "feature" else
                                        "Provisioning connection through the API is not supported for this app."),
    403: lambda what: OktaFailure(403, "E0000006", "You do not have permission to perform the requested action"),
    404: lambda what: not_found(f"{what} (AppInstance{'Feature' if what == 'feature' else 'Connection'})"),
    501: lambda what: OktaFailure(501, None, "Not Implemented"),
}


def _refuse_if_not_exposed(ctx, app: dict, part: str) -> None:
    """Raise the answer the seed or a patch set for this app's `part` ("connection" or "features"), if any."""
    status = (ctx.state.data["okta"].get("api_exposure", {}).get(app["id"]) or {}).get(f"{part}_status")
    if not status:
        return
    status = int(status)
    what = "feature" if part == "features" else "connection"
    answer = _EXPOSURE_ANSWERS.get(status)
    raise answer(what) if answer else OktaFailure(status, None, f"HTTP {status} (api_exposure)")


# ----- provisioning connection ---------------------------------------------------------------
def _supports_connection(ctx, app: dict) -> bool:
    return not ctx.config.published_api_only and app["name"] == "salesforce"


def _unsupported_connection(app: dict) -> OktaFailure:
    return validation_failed("connection", f"Provisioning connection through the API is not supported for the "
                                           f"'{app['name']}' app.")


def read_connection(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    _refuse_if_not_exposed(ctx, app, "connection")
    if not _supports_connection(ctx, app):
        return json_response(200, render.render_connection(req.base_url, app["id"], default_connection({"name": None})))
    return json_response(200, render.render_connection(req.base_url, app["id"], ctx.state.data["okta"]["connections"][app["id"]]))


def _test_credentials(ctx, username: str, secret: str) -> None:
    try:
        check_credentials(ctx.state, username, secret)
    except LoginFault as fault:
        raise validation_failed("connection", f"Salesforce refused the API credentials: {fault.code}: {fault.message}") from None


def set_connection(ctx, req):
    body = req.json()
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    _refuse_if_not_exposed(ctx, app, "connection")
    if not _supports_connection(ctx, app):
        raise _unsupported_connection(app)
    ctx.validate("salesforce_connection", body)
    profile = (body or {}).get("profile")
    if not isinstance(profile, dict):
        raise validation_failed("profile", "profile: The field cannot be left blank")
    activate = (req.arg("activate", "false") or "").lower() == "true"
    if profile.get("authScheme") == "OAUTH2":
        return _set_oauth_connection(ctx, req, app, profile, activate)
    if profile.get("authScheme") != "TOKEN":
        raise validation_failed("authScheme", "authScheme: Salesforce provisioning uses the TOKEN or OAUTH2 scheme")
    with state.lock:
        current = state.data["okta"]["connections"][app["id"]]
        username = profile.get("username") or current["profile"].get("username")
        token = profile.get("token")
        if not username:
            raise validation_failed("username", "username: The field cannot be left blank")
        if token is None:
            if username != current["profile"].get("username") or not current["profile"].get("token"):
                raise validation_failed("token", "token: The field cannot be left blank")
            token = current["profile"]["token"]
        if not isinstance(token, str) or not token:
            raise validation_failed("token", "token: The field cannot be left blank")
        if activate:
            push_null = bool(profile.get("allowPushNullValues", current["profile"].get("allowPushNullValues", False)))
            ctx.ledger.salesforce_login(app["id"], "save", username, token, push_null)
            _test_credentials(ctx, username, token)
        new_profile = {"authScheme": "TOKEN", "username": username, "token": token,
                       "allowPushNullValues": bool(profile.get("allowPushNullValues",
                                                               current["profile"].get("allowPushNullValues", False)))}
        current["profile"] = new_profile
        current["authScheme"] = "TOKEN"
        current.pop("consent", None)
        if activate:
            current["status"] = "ENABLED"
        current["lastUpdated"] = now_iso()
        _record_connection(ctx, req, app, "save")
        return json_response(200, render.render_connection(req.base_url, app["id"], current))


def _set_oauth_connection(ctx, req, app: dict, profile: dict, activate: bool):
    """The OAuth version (modelled): Okta stores the consumer key and secret, does not log in to Salesforce, and
    offers `_links.authorize` until an admin gives the consent in a browser (`give_consent`). Saving another
    scheme's connection with this one switches the app's version (as the Admin Console's upgrade does)."""
    key, secret = profile.get("clientId"), profile.get("clientSecret")
    if not isinstance(key, str) or not key:
        raise validation_failed("clientId", "clientId: The field cannot be left blank")
    if not isinstance(secret, str) or not secret:
        raise validation_failed("clientSecret", "clientSecret: The field cannot be left blank")
    with ctx.state.lock:
        current = ctx.state.data["okta"]["connections"][app["id"]]
        current["authScheme"] = "OAUTH2"
        current["profile"] = {"authScheme": "OAUTH2", "clientId": key, "clientSecret": secret}
        current["consent"] = "pending"   # new client credentials: Salesforce must be asked again
        if activate:
            current["status"] = "ENABLED"
        current["lastUpdated"] = now_iso()
        _record_connection(ctx, req, app, "save")
        return json_response(200, render.render_connection(req.base_url, app["id"], current))


def _record_connection(ctx, req, app: dict, action: str) -> None:
    """Modelled: Okta does not document which System Log event a Provisioning-tab save writes; we write
    application.lifecycle.update naming the part that changed."""
    record_request(ctx, req, "application.lifecycle.update", [app_target(ctx.state, app["id"])],
                   debug_data={"connection": "API integration", "action": action})


def give_consent(state, app_id: str) -> dict:
    """What the admin's browser does: "Authenticate with Salesforce.com", sign in, allow (control API)."""
    with state.lock:
        current = state.data["okta"]["connections"].get(app_id)
        if not current or current.get("authScheme") != "OAUTH2" or not current["profile"].get("clientId"):
            raise ValueError(f"app {app_id} has no OAuth connection with a consumer key to consent to")
        current["consent"] = "given"
        return {"app_id": app_id, "consent": "given"}


def connection_lifecycle(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    _refuse_if_not_exposed(ctx, app, "connection")
    if not _supports_connection(ctx, app):
        raise _unsupported_connection(app)
    with state.lock:
        current = state.data["okta"]["connections"][app["id"]]
        if req.params["action"] == "activate":
            profile = current["profile"]
            if current.get("authScheme") == "OAUTH2":
                if not profile.get("clientId"):
                    raise validation_failed("connection", "The connection has no credentials: set them first.")
            else:
                if not profile.get("username") or not profile.get("token"):
                    raise validation_failed("connection", "The connection has no credentials: set them first.")
                ctx.ledger.salesforce_login(app["id"], "activate", profile["username"], profile["token"])
                _test_credentials(ctx, profile["username"], profile["token"])
            current["status"] = "ENABLED"
        else:
            current["status"] = "DISABLED"
        _record_connection(ctx, req, app, req.params["action"])
    return no_content()


# ----- features ------------------------------------------------------------------------------
def _require_provisioning(ctx, app: dict) -> None:
    _refuse_if_not_exposed(ctx, app, "features")
    enabled = ctx.state.data["okta"]["connections"].get(app["id"], {}).get("status") == "ENABLED"
    if ctx.config.published_api_only or app["name"] != "salesforce" or not enabled:
        raise validation_failed("feature", NOT_ENABLED)


def list_features(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    _require_provisioning(ctx, app)
    features = ctx.state.data["okta"]["features"][app["id"]]
    return json_response(200, [render.render_feature(req.base_url, app["id"], n, features[n]) for n in render.FEATURE_DESCRIPTIONS])


def _feature_name(req) -> str:
    name = req.params["feature"]
    if name not in render.FEATURE_DESCRIPTIONS:
        raise not_found(f"{name} (ApplicationFeature)")
    return name


def read_feature(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    name = _feature_name(req)
    _require_provisioning(ctx, app)
    caps = ctx.state.data["okta"]["features"][app["id"]][name]
    return json_response(200, render.render_feature(req.base_url, app["id"], name, caps))


ENUMS = {"status": ("ENABLED", "DISABLED"), "seed": ("OKTA", "RANDOM"), "change": ("CHANGE", "KEEP_EXISTING"),
         "usernameFormat": ("EMAIL", "CUSTOM", "EMAIL_PREFIX", "CUSTOM_SCRIPT", "USERNAME", "EMAIL_DOMAIN"),
         "exactMatchCriteria": ("EMAIL", "USERNAME")}
BOOLS = ("allowPartialMatch", "autoConfirmPartialMatch", "autoConfirmExactMatch", "autoConfirmNewUsers",
         "autoActivateNewUsers")
CRON = re.compile(r"^\S+(\s+\S+){4,5}$")


def _check_values(node, path: str = "") -> None:
    if not isinstance(node, dict):
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.", [f"{path or 'body'} must be an object"])
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            _check_values(value, where)
        elif key in ENUMS and value not in ENUMS[key]:
            raise validation_failed("feature", f"{where}: '{value}' is not one of {', '.join(ENUMS[key])}")
        elif key in BOOLS and not isinstance(value, bool):
            raise validation_failed("feature", f"{where}: must be true or false")
        elif key == "expression" and not (isinstance(value, str) and CRON.match(value)):
            raise validation_failed("feature", f"{where}: '{value}' is not a valid cron expression")
        elif key == "timezone":
            try:
                zoneinfo.ZoneInfo(str(value))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise validation_failed("feature", f"{where}: '{value}' is not a valid IANA time zone") from None


def _merge(target: dict, changes: dict) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _normalise_inbound(body: dict) -> dict:
    """Accept the spec examples' `userNameFormat` spelling; store the SDK's `usernameFormat`."""
    username = ((body.get("importSettings") or {}).get("username")) if isinstance(body.get("importSettings"), dict) else None
    if isinstance(username, dict):
        if "userNameFormat" in username:
            username.setdefault("usernameFormat", username.pop("userNameFormat"))
        if "usernameExpression" in username:
            username.setdefault("userNameExpression", username.pop("usernameExpression"))
    return body


def update_feature(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    name = _feature_name(req)
    _require_provisioning(ctx, app)
    body = req.json()
    if isinstance(body, dict) and name == "INBOUND_PROVISIONING":
        body = _normalise_inbound(body)
    ctx.validate("capabilities" if name == "USER_PROVISIONING" else "inbound_capabilities", body)
    _check_values(body)
    with ctx.state.lock:
        caps = ctx.state.data["okta"]["features"][app["id"]][name]
        updated = copy.deepcopy(caps)
        _merge(updated, body)
        username = updated.get("importSettings", {}).get("username", {})
        if username.get("usernameFormat") == "CUSTOM" and not username.get("userNameExpression"):
            raise validation_failed("feature", "importSettings.username.userNameExpression: required when usernameFormat is CUSTOM")
        ctx.state.data["okta"]["features"][app["id"]][name] = updated
        # modelled, as the connection save: application.lifecycle.update naming the feature
        record_request(ctx, req, "application.lifecycle.update", [app_target(ctx.state, app["id"])],
                       debug_data={"feature": name})
        return json_response(200, render.render_feature(req.base_url, app["id"], name, updated))


# ----- app-user schema -----------------------------------------------------------------------
def _schema_properties(props: dict) -> dict:
    out = {}
    for name, spec in (props or {}).items():
        prop = {"title": spec.get("title", name), "type": spec.get("type", "string"), "scope": "NONE",
                "master": {"type": "PROFILE_MASTER"}, "mutability": "READ_WRITE",
                "permissions": [{"principal": "SELF", "action": "READ_WRITE"}]}
        if "items" in spec:
            prop["items"] = spec["items"]
        out[name] = prop
    return out


def app_user_schema(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    schema = ctx.state.data["okta"]["app_user_schemas"].get(app["name"], {})
    base = f"{req.base_url}/api/v1/meta/schemas/apps/{app['id']}/default"
    body = {
        "id": base, "$schema": "http://json-schema.org/draft-04/schema#", "name": app["name"],
        "title": f"{app['label']} User", "created": app["created"], "lastUpdated": app["lastUpdated"],
        "definitions": {
            "base": {"id": "#base", "type": "object", "properties": _schema_properties(schema.get("base")), "required": []},
            "custom": {"id": "#custom", "type": "object", "properties": _schema_properties(schema.get("custom")), "required": []},
        },
        "type": "object",
        "properties": {"profile": {"allOf": [{"$ref": "#/definitions/custom"}, {"$ref": "#/definitions/base"}]}},
        "_links": {"self": {"href": base, "method": "GET", "rel": "self"}},
    }
    return json_response(200, body)


def schema_properties(ctx, app: dict) -> dict:
    """name -> type of every app-user profile attribute (for validating writes)."""
    schema = ctx.state.data["okta"]["app_user_schemas"].get(app["name"], {})
    props = {}
    for part in ("base", "custom"):
        for name, spec in (schema.get(part) or {}).items():
            props[name] = spec.get("type", "string")
    return props
