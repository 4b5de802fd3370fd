# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Salesforce API-integration connection, as MODELLED on Okta's public connections API (internal).

Okta publishes no endpoint for Salesforce's "Configure API Integration" form (username, password +
security token, Allow Pushing Null Values). This collection models that form on the public
``/api/v1/apps/{appId}/connections/default`` contract (TOKEN scheme, plus ``username`` and
``allowPushNullValues`` in the profile). This file is the only one that knows that shape, so that it
can follow Okta the day Okta publishes the real call.

It also recognises the answers of an org that only offers the published API (connection
``authScheme: UNKNOWN``, 400 on the POST and on the features endpoints) and turns them into one
clear error that carries the Admin Console link of the app's provisioning tab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import admin_console_url
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import (
    SALESFORCE_FAULT_CODES,
    login_fault_remedy,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import token_appended_problem, whitespace_problem

CONNECTION_PATH = "/api/v1/apps/{app_id}/connections/default"

# A Salesforce fault code in Okta's error text: "sf:CODE", or a known code (SALESFORCE_FAULT_CODES) on its own.
_FAULT_CODE = re.compile(r"(sf:)?\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")


class CredentialsInputError(InputError):
    """The Salesforce credentials given cannot be right; raised before any request is sent."""


class CredentialsRejected(CollectionError):
    """Okta tested the API credentials against Salesforce and Salesforce refused them."""

    def __init__(self, message, fault_code, okta_error):
        super().__init__(message, fault_code=fault_code, okta_error=okta_error.to_dict())
        self.fault_code = fault_code


class PublishedApiOnly(CollectionError):
    """The org answers only Okta's published API: Salesforce provisioning cannot be set through it."""

    def __init__(self, message, admin_url, okta_error=None):
        super().__init__(message, admin_url=admin_url, okta_error=okta_error.to_dict() if okta_error else None)
        self.admin_url = admin_url


@dataclass
class ConnectionState:
    """What Okta says about the app's provisioning connection (never a secret)."""

    status: str | None = None        # ENABLED, DISABLED, UNKNOWN; None when not created yet (check mode)
    auth_scheme: str | None = None   # TOKEN, OAUTH2, UNKNOWN
    username: str | None = None
    allow_push_null_values: bool | None = None

    @property
    def enabled(self):
        return self.status == "ENABLED"

    @property
    def exposed(self):
        """False when the org does not expose this app's connection through its API."""
        return self.auth_scheme not in (None, "UNKNOWN")

    def as_result(self):
        return {
            "status": self.status,
            "auth_scheme": self.auth_scheme,
            "username": self.username,
            "allow_push_null_values": self.allow_push_null_values,
        }


def _refuse_whitespace(option, value):
    problem = whitespace_problem(option, value)
    if problem:
        raise CredentialsInputError(
            f"{problem}. Salesforce logs the API user in with the password immediately followed by the security "
            f"token, so a space, tab or line break makes the login fail: remove it from {option} (the value is not "
            "shown here)."
        )


def join_credentials(password, security_token):
    """The secret Okta stores for the API user: the password immediately followed by the security token.

    Whitespace inside or around either part, and a password that already ends with the token, are refused
    here, before any request is sent (also when update_credentials=on_create would not send them).
    """
    if not password:
        raise CredentialsInputError("sf_password is empty: give the Salesforce API user's password.")
    _refuse_whitespace("sf_password", password)
    _refuse_whitespace("sf_security_token", security_token)
    appended = token_appended_problem(password, security_token)
    if appended:
        raise CredentialsInputError(f"{appended}. Nothing was sent to Okta.")
    return password + (security_token or "")


def check_username(username):
    """Refuse a Salesforce username with whitespace, naming the problem."""
    problem = whitespace_problem("sf_username", username)
    if problem:
        raise CredentialsInputError(f"{problem} ({username.strip()!r}): Salesforce usernames have none; remove it.")


def _state_from_body(body):
    body = body or {}
    profile = body.get("profile") or {}
    return ConnectionState(
        status=body.get("status"),
        auth_scheme=body.get("authScheme") or profile.get("authScheme"),
        username=profile.get("username"),
        allow_push_null_values=profile.get("allowPushNullValues"),
    )


def read_connection(client, app_id):
    """GET the connection; an org that does not expose it answers ``authScheme: UNKNOWN``."""
    return _state_from_body(client.get(CONNECTION_PATH.format(app_id=app_id)))


def published_api_only(org_url, app_id, okta_error=None, reason=None):
    """The one error for an org that does not expose Salesforce provisioning through its API."""
    admin_url = admin_console_url(org_url, app_id)
    detail = reason or "it answers authScheme UNKNOWN for the app's provisioning connection"
    message = (
        f"This Okta org does not expose Salesforce provisioning through its API ({detail}), so the API "
        f"integration of app {app_id} cannot be set here. Enable and configure provisioning in the Admin "
        f"Console: {admin_url} , then rerun with manage_connection=false to verify it and manage what the "
        "API exposes."
    )
    if okta_error is not None and okta_error.request_id:
        message += f" Okta request id: {okta_error.request_id}."
    return PublishedApiOnly(message, admin_url, okta_error)


def salesforce_fault_code(error):
    """The Salesforce fault code named in an Okta error's causes or summary, or None."""
    for text in list(error.causes or []) + [error.summary or ""]:
        for prefix, code in _FAULT_CODE.findall(text):
            if prefix or code in SALESFORCE_FAULT_CODES:
                return code
    return None


def _credentials_rejected(error, username):
    code = salesforce_fault_code(error)
    causes = "; ".join(error.causes or []) or error.summary or "no detail given"
    causes = causes.rstrip(". ")
    message = (
        f"Salesforce refused the API credentials of {username} ({code}) when Okta tested them: {causes}. "
        f"{login_fault_remedy(code)} Okta request id: {error.request_id}."
    )
    return CredentialsRejected(message, code, error)


def register_secret(client, secret):
    """Tell the client to scrub this secret from anything it logs or raises (a no-op if it cannot)."""
    register = getattr(client, "add_secret", None)
    if callable(register) and secret:
        register(secret)


def save_connection(client, app_id, username, secret, allow_push_null_values, current):
    """POST the API integration with ``activate=true``: Okta tests the credentials against Salesforce.

    `current` is the state read before: a 400 without a Salesforce fault code from an org that
    answered UNKNOWN is the published-API-only case. Returns the new state.
    """
    register_secret(client, secret)
    body = {"profile": {
        "authScheme": "TOKEN",
        "username": username,
        "token": secret,
        "allowPushNullValues": bool(allow_push_null_values),
    }}
    try:
        # Saving the same username and secret again leaves the same connection: safe to retry when the answer is lost.
        answer = client.post(CONNECTION_PATH.format(app_id=app_id), json=body, params={"activate": "true"}, idempotent=True)
    except OktaApiError as error:
        if error.status == 400 and salesforce_fault_code(error):
            raise _credentials_rejected(error, username) from None
        if error.status == 400 and not current.exposed:
            raise published_api_only(client.org_url, app_id, error,
                                     "it refuses the API-integration call with HTTP 400") from None
        raise
    state = _state_from_body(answer)
    if state.status is None:
        state = ConnectionState("ENABLED", "TOKEN", username, bool(allow_push_null_values))
    return state


def activate_connection(client, app_id):
    """Turn on a connection that keeps its saved credentials."""
    client.post(CONNECTION_PATH.format(app_id=app_id) + "/lifecycle/activate", idempotent=True)


def deactivate_connection(client, app_id):
    """Turn provisioning off; the saved credentials stay in Okta."""
    client.post(CONNECTION_PATH.format(app_id=app_id) + "/lifecycle/deactivate", idempotent=True)
