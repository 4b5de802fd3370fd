"""Okta users and groups: search/filter/q listing with paging, and reads by id (or login)."""
from __future__ import annotations

from . import okta_render as render
from .filters import matches, parse_expression, single_attr_eq_values
from .paging import paged, paged_list
from .wire import json_response, not_found


def _select(state, collection: str, sorted_keys, index: dict, index_attr: str, req, prefix_fields):
    """Matching objects in id order; `index_attr eq` or-chains use the index, anything else scans."""
    objects = state.data["okta"][collection]
    expression = req.arg("search") or req.arg("filter")
    if expression:
        groups = parse_expression(expression)
        values = single_attr_eq_values(groups, index_attr)
        if values is not None:
            ids = set()
            for value in values:
                hit = index.get(value.lower())
                ids.update(hit if isinstance(hit, list) else [hit] if hit else [])
            return sorted((objects[i] for i in ids), key=lambda o: o["id"])
        found = [objects[k] for k in sorted_keys.keys if matches(objects[k], groups)]
    else:
        found = None
    q = (req.arg("q") or "").lower()
    if q:
        pool = found if found is not None else (objects[k] for k in sorted_keys.keys)
        found = [o for o in pool if any(str(o["profile"].get(f) or "").lower().startswith(q) for f in prefix_fields)]
    return found


def list_users(ctx, req):
    state = ctx.state
    with state.lock:
        found = _select(state, "users", state.users_sorted, state.users_by_login, "profile.login", req,
                        ("login", "email", "firstName", "lastName"))
        if found is None:
            keys, links = paged(req, state.users_sorted, 200, 200)
            found = [state.data["okta"]["users"][k] for k in keys]
        else:
            found, links = paged_list(req, found, lambda o: o["id"], 200, 200)
        body = [render.render_user(req.base_url, u) for u in found]
    return json_response(200, body, links)


def read_user(ctx, req):
    with ctx.state.lock:
        user = ctx.state.user_by_id_or_login(req.params["user_id"])
        if user is None:
            raise not_found(f"{req.params['user_id']} (User)")
        return json_response(200, render.render_user(req.base_url, user))


def read_me(ctx, req):
    """The caller as a User: an API token's owner; an OAuth service-app token has no user, and Okta answers 404
    (modelled wording: the same E0000007 as any unknown user)."""
    from .okta_system_log import owner_user
    if req.auth.get("kind") != "SSWS":
        raise not_found("me (User)")
    return json_response(200, render.render_user(req.base_url, owner_user(ctx.state)))


def list_groups(ctx, req):
    state = ctx.state
    with state.lock:
        found = _select(state, "groups", state.groups_sorted, state.group_ids_by_name, "profile.name", req, ("name",))
        if found is None:
            keys, links = paged(req, state.groups_sorted, 10000, 10000)
            found = [state.data["okta"]["groups"][k] for k in keys]
        else:
            found, links = paged_list(req, found, lambda o: o["id"], 10000, 10000)
        body = [render.render_group(req.base_url, g) for g in found]
    return json_response(200, body, links)


def read_group(ctx, req):
    group = ctx.state.data["okta"]["groups"].get(req.params["group_id"])
    if group is None:
        raise not_found(f"{req.params['group_id']} (UserGroup)")
    return json_response(200, render.render_group(req.base_url, group))


def list_group_users(ctx, req):
    state = ctx.state
    with state.lock:
        group = state.data["okta"]["groups"].get(req.params["group_id"])
        if group is None:
            raise not_found(f"{req.params['group_id']} (UserGroup)")
        members = sorted(state.data["okta"]["group_members"].get(group["id"], []))
        users = [state.data["okta"]["users"][m] for m in members if m in state.data["okta"]["users"]]
        found, links = paged_list(req, users, lambda o: o["id"], 1000, 1000)
        return json_response(200, [render.render_user(req.base_url, u) for u in found], links)
