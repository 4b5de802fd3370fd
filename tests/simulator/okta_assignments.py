"""App assignments: users (scope USER or, through an assigned group, GROUP) and groups."""
from __future__ import annotations

from . import okta_render as render
from .okta_apps import get_app, schema_properties
from .paging import paged
from .okta_system_log import app_target, group_target, record_push, record_request, user_target
from .salesforce_provisioning import deactivate_user, pushes_new_users, push_user
from .state import now_iso
from .wire import OktaFailure, json_response, no_content, not_found, validation_failed

TYPES = {"string": str, "array": list, "boolean": bool, "integer": int, "number": (int, float), "object": dict}


def _check_profile(ctx, app: dict, profile) -> dict:
    if profile is None:
        return {}
    if not isinstance(profile, dict):
        raise validation_failed("profile", "profile: must be an object")
    known = schema_properties(ctx, app)
    for name, value in profile.items():
        if name not in known:
            raise validation_failed("profile", f"Property '{name}' not found")
        expected = TYPES.get(known[name], object)
        if value is not None and (not isinstance(value, expected) or (expected is int and isinstance(value, bool))):
            raise validation_failed("profile", f"Property '{name}' must be of type {known[name]}")
    return profile


def _check_credentials(credentials) -> dict:
    if credentials is None:
        return {}
    if not isinstance(credentials, dict):
        raise validation_failed("credentials", "credentials: must be an object")
    user_name = credentials.get("userName")
    if user_name is not None and (not isinstance(user_name, str) or not user_name.strip()):
        raise validation_failed("credentials", "credentials.userName: must be a non-empty string")
    return credentials


def _injected_failure(ctx, user: dict) -> OktaFailure | None:
    """`faults.fail_users`: ids or logins (or {"user", "status", "errorCode", "errorSummary"}) whose assignment fails."""
    for entry in ctx.config.faults.get("fail_users") or []:
        spec = entry if isinstance(entry, dict) else {"user": entry}
        key = str(spec.get("user", ""))
        if key == user["id"] or key.lower() == user["profile"]["login"].lower():
            return OktaFailure(int(spec.get("status", 400)), spec.get("errorCode", "E0000001"),
                               spec.get("errorSummary", "Api validation failed: user"),
                               spec.get("errorCauses", [f"Assignment of user {user['id']} failed (simulated)."]))
    return None


def list_app_users(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    expand_user = req.arg("expand") == "user"
    with state.lock:
        keys, links = paged(req, state.app_users_sorted[app["id"]], 50, 500)
        records = state.data["okta"]["app_users"][app["id"]]
        body = [render.render_app_user(state, req.base_url, app["id"], records[k], expand_user) for k in keys]
    return json_response(200, body, links)


def read_app_user(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    record = state.data["okta"]["app_users"][app["id"]].get(req.params["user_id"])
    if record is None:
        raise not_found(f"{req.params['user_id']} (AppUser)")
    return json_response(200, render.render_app_user(state, req.base_url, app["id"], record, req.arg("expand") == "user"))


def assign_user(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    body = req.json()
    ctx.validate("app_user_assign", body)
    if not isinstance(body, dict) or not body.get("id"):
        raise validation_failed("id", "id: The field cannot be left blank")
    if body.get("scope") not in (None, "USER"):
        raise validation_failed("scope", "scope: only USER can be assigned directly")
    profile = _check_profile(ctx, app, body.get("profile"))
    credentials = _check_credentials(body.get("credentials"))
    with state.lock:
        user = state.data["okta"]["users"].get(body["id"])
        if user is None:
            raise not_found(f"{body['id']} (User)")
        failure = _injected_failure(ctx, user)
        if failure:
            if pushes_new_users(state, app["id"]):   # the push that this fault stands for failed: Okta logs it
                record_push(state, "application.provision.user.push", app["id"], user["id"],
                            (credentials or {}).get("userName") or user["profile"]["login"], result="FAILURE",
                            reason="; ".join(failure.causes) or failure.summary)
            raise failure
        if user["status"] in ("DEPROVISIONED", "SUSPENDED"):
            raise OktaFailure(403, "E0000117", "Cannot assign apps or update app profiles for an inactive user.",
                              [f"User {user['id']} is {user['status']}."])
        existing = state.data["okta"]["app_users"][app["id"]].get(user["id"])
        if existing is not None and existing["scope"] == "USER":
            raise OktaFailure(409, "E0000062", "The specified user is already assigned to the application.")
        merged_profile = dict(existing["profile"]) if existing else {}
        merged_profile.update(profile)
        credentials = {"userName": user["profile"]["login"], **credentials}
        credentials.pop("password", None)
        record = state.set_direct_assignment(app["id"], user["id"], credentials, merged_profile)
        record_request(ctx, req, "application.user_membership.add", [app_target(state, app["id"]), user_target(user)])
        push_user(state, app["id"], record)
        return json_response(200, render.render_app_user(state, req.base_url, app["id"], record, False))


def update_app_user(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    body = req.json()
    ctx.validate("app_user_update", body)
    if not isinstance(body, dict):
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.")
    profile = _check_profile(ctx, app, body.get("profile"))
    credentials = _check_credentials(body.get("credentials"))
    with state.lock:
        record = state.data["okta"]["app_users"][app["id"]].get(req.params["user_id"])
        if record is None:
            raise not_found(f"{req.params['user_id']} (AppUser)")
        record["profile"] = {**record["profile"], **profile}
        if credentials:
            record["credentials"] = {**record["credentials"], **{k: v for k, v in credentials.items() if k != "password"}}
        record["lastUpdated"] = now_iso()
        push_user(state, app["id"], record)
        return json_response(200, render.render_app_user(state, req.base_url, app["id"], record, False))


def unassign_user(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    with state.lock:
        record = state.data["okta"]["app_users"][app["id"]].get(req.params["user_id"])
        if record is None:
            raise not_found(f"{req.params['user_id']} (AppUser)")
        if record["scope"] != "USER":
            raise OktaFailure(403, "E0000006", "You do not have permission to perform the requested action",
                              ["The user is assigned to the app through a group (scope GROUP); remove the group "
                               "assignment or the group membership instead."])
        state.remove_direct_assignment(app["id"], record["id"])
        user = state.data["okta"]["users"].get(record["id"])
        if user is not None:
            record_request(ctx, req, "application.user_membership.remove", [app_target(state, app["id"]), user_target(user)])
        if record["id"] not in state.data["okta"]["app_users"][app["id"]]:
            deactivate_user(state, app["id"], record)
    return no_content()


def list_app_groups(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    expand_group = req.arg("expand") == "group"
    with state.lock:
        keys, links = paged(req, state.app_groups_sorted[app["id"]], 20, 200, minimum=20)
        records = state.data["okta"]["app_groups"][app["id"]]
        body = [render.render_app_group(state, req.base_url, app["id"], records[k], expand_group) for k in keys]
    return json_response(200, body, links)


def read_app_group(ctx, req):
    app = get_app(ctx, req.params["app_id"])
    record = ctx.state.data["okta"]["app_groups"][app["id"]].get(req.params["group_id"])
    if record is None:
        raise not_found(f"{req.params['group_id']} (ApplicationGroupAssignment)")
    return json_response(200, render.render_app_group(ctx.state, req.base_url, app["id"], record, req.arg("expand") == "group"))


def assign_group(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    body = req.json() or {}
    ctx.validate("group_assignment", body)
    if not isinstance(body, dict):
        raise OktaFailure(400, "E0000003", "The request body was not well-formed.")
    priority = body.get("priority")
    if priority is not None and (not isinstance(priority, int) or isinstance(priority, bool) or priority < 0):
        raise validation_failed("priority", "priority: must be a non-negative integer")
    profile = _check_profile(ctx, app, body.get("profile"))
    with state.lock:
        group = state.data["okta"]["groups"].get(req.params["group_id"])
        if group is None:
            raise not_found(f"{req.params['group_id']} (UserGroup)")
        record = state.set_group_assignment(app["id"], group["id"], priority, profile)
        record_request(ctx, req, "group.application_assignment.add", [app_target(state, app["id"]), group_target(group)])
        app_users = state.data["okta"]["app_users"][app["id"]]
        for uid in state.data["okta"]["group_members"].get(group["id"], []):
            if uid in app_users:
                push_user(state, app["id"], app_users[uid])
        return json_response(200, render.render_app_group(state, req.base_url, app["id"], record, False))


def unassign_group(ctx, req):
    state = ctx.state
    app = get_app(ctx, req.params["app_id"])
    with state.lock:
        if req.params["group_id"] not in state.data["okta"]["app_groups"][app["id"]]:
            raise not_found(f"{req.params['group_id']} (ApplicationGroupAssignment)")
        before = dict(state.data["okta"]["app_users"][app["id"]])
        state.remove_group_assignment(app["id"], req.params["group_id"])
        group = state.data["okta"]["groups"].get(req.params["group_id"])
        if group is not None:
            record_request(ctx, req, "group.application_assignment.remove", [app_target(state, app["id"]), group_target(group)])
        for uid, record in before.items():
            if uid not in state.data["okta"]["app_users"][app["id"]]:
                deactivate_user(state, app["id"], record)
    return no_content()
