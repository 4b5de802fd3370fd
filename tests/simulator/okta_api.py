"""The Okta routes the contract uses: path pattern -> handler, rate-limit family and OAuth scope."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote

from . import okta_apps as apps
from . import okta_assignments as assignments
from . import okta_directory as directory
from . import okta_system_log as system_log

ID = r"[^/]+"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    handler: Callable
    family: str          # rate-limit bucket, after Okta's per-endpoint-family limits
    scope: str | None    # OAuth scope a Bearer token needs


def _route(method: str, path: str, handler, family: str, scope: str | None) -> Route:
    regex = re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>{ID})", path)
    regex = regex.replace("(?P<action>[^/]+)", "(?P<action>activate|deactivate)")
    return Route(method, re.compile(f"^{regex}/?$"), handler, family, scope)


APPS_READ, APPS_MANAGE = "okta.apps.read", "okta.apps.manage"
A = "/api/v1/apps/{app_id}"
ROUTES = [
    _route("GET", "/api/v1/apps", apps.list_apps, "apps", APPS_READ),
    _route("POST", "/api/v1/apps", apps.create_app, "apps", APPS_MANAGE),
    _route("GET", A, apps.read_app, "app", APPS_READ),
    _route("PUT", A, apps.update_app, "app", APPS_MANAGE),
    _route("POST", A + "/lifecycle/{action}", apps.app_lifecycle, "app", APPS_MANAGE),
    _route("GET", A + "/connections/default", apps.read_connection, "app", APPS_READ),
    _route("POST", A + "/connections/default", apps.set_connection, "app", APPS_MANAGE),
    _route("POST", A + "/connections/default/lifecycle/{action}", apps.connection_lifecycle, "app", APPS_MANAGE),
    _route("GET", A + "/features", apps.list_features, "app", APPS_READ),
    _route("GET", A + "/features/{feature}", apps.read_feature, "app", APPS_READ),
    _route("PUT", A + "/features/{feature}", apps.update_feature, "app", APPS_MANAGE),
    _route("GET", A + "/users", assignments.list_app_users, "app_users", APPS_READ),
    _route("POST", A + "/users", assignments.assign_user, "app_users", APPS_MANAGE),
    _route("GET", A + "/users/{user_id}", assignments.read_app_user, "app_users", APPS_READ),
    _route("POST", A + "/users/{user_id}", assignments.update_app_user, "app_users", APPS_MANAGE),
    _route("DELETE", A + "/users/{user_id}", assignments.unassign_user, "app_users", APPS_MANAGE),
    _route("GET", A + "/groups", assignments.list_app_groups, "app_groups", APPS_READ),
    _route("GET", A + "/groups/{group_id}", assignments.read_app_group, "app_groups", APPS_READ),
    _route("PUT", A + "/groups/{group_id}", assignments.assign_group, "app_groups", APPS_MANAGE),
    _route("DELETE", A + "/groups/{group_id}", assignments.unassign_group, "app_groups", APPS_MANAGE),
    _route("GET", "/api/v1/meta/schemas/apps/{app_id}/default", apps.app_user_schema, "schemas", "okta.schemas.read"),
    _route("GET", "/api/v1/users", directory.list_users, "users", "okta.users.read"),
    _route("GET", "/api/v1/users/me", directory.read_me, "users", "okta.users.read"),
    _route("GET", "/api/v1/users/{user_id}", directory.read_user, "users", "okta.users.read"),
    # System Log (https://developer.okta.com/docs/reference/system-log-query/): its own rate-limit family
    _route("GET", "/api/v1/logs", system_log.list_logs, "logs", "okta.logs.read"),
    _route("GET", "/api/v1/groups", directory.list_groups, "groups", "okta.groups.read"),
    _route("GET", "/api/v1/groups/{group_id}", directory.read_group, "groups", "okta.groups.read"),
    _route("GET", "/api/v1/groups/{group_id}/users", directory.list_group_users, "groups", "okta.groups.read"),
]


def match(method: str, path: str) -> tuple[Route | None, dict, bool]:
    """(route, path params, whether the path exists for some other method)."""
    path_known = False
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            if route.method == method:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}, True   # Okta decodes path segments
            path_known = True
    return None, {}, path_known


def family_of(path: str) -> str:
    """Rate-limit family of any /api path, routed or not."""
    for route in ROUTES:
        if route.pattern.match(path):
            return route.family
    return "api"
