"""Helpers of the okta_app_assignment scenarios (no tests here): seeds with many users, reading results back."""
from __future__ import annotations

import copy

import yaml

from tests.integration.conftest import DEFAULT_SEED

SALESFORCE_APP = "0oasalesforce0001"
APPS_USERS_PATH = f"/api/v1/apps/{SALESFORCE_APP}/users"


def seed_with_users(count, assignments=None):
    """The default seed with `count` generated users (user0001@acme.com ...) and optional Salesforce assignments."""
    seed = yaml.safe_load(DEFAULT_SEED.read_text())
    seed = copy.deepcopy(seed)
    seed["okta"]["generate_users"]["count"] = count
    if assignments:
        for app in seed["okta"]["apps"]:
            if app["id"] == SALESFORCE_APP:
                app["assignments"] = assignments
    return seed


def login(n):
    return f"user{n:04d}@acme.com"


def logins(first, last):
    return [login(n) for n in range(first, last + 1)]


def app_users(simulator, app_id=SALESFORCE_APP):
    """The app's assigned users as the simulator holds them: {login: record (scope, credentials, profile)}."""
    state = simulator.state()["okta"]
    users = state["users"]
    return {users[uid]["profile"]["login"]: record for uid, record in state["app_users"][app_id].items()}


def app_groups(simulator, app_id=SALESFORCE_APP):
    """The app's group assignments: {group name: record (priority, profile)}."""
    state = simulator.state()["okta"]
    groups = state["groups"]
    return {groups[gid]["profile"]["name"]: record for gid, record in state["app_groups"][app_id].items()}


def user_id(simulator, user_login):
    for uid, user in simulator.state()["okta"]["users"].items():
        if user["profile"]["login"] == user_login:
            return uid
    raise AssertionError(f"no user {user_login}")


def assignment_task(name="assign", **options):
    options.setdefault("app_id", SALESFORCE_APP)
    return {"name": name, "idm.okta_salesforce.okta_app_assignment": options}


def gets(simulator):
    return [entry for entry in simulator.request_log() if entry["method"] == "GET" and entry["path"].startswith("/api/")]
