# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Salesforce API-integration connection, as MODELLED on Okta's public connections API (internal).

Okta publishes no endpoint for Salesforce's "Configure API Integration" form (username, password +
security token, Allow Pushing Null Values). This collection models that form on the public
``/api/v1/apps/{appId}/connections/default`` contract (TOKEN scheme, plus ``username`` and
``allowPushNullValues`` in the profile). This file is the only one that knows that shape, so that it
can follow Okta the day Okta publishes the real call.

It also holds the one rule for the answers that mean "Okta does not expose this call for this app"
(`not_exposed`), used by every connection and features read of the collection, and turns them into
one clear error that carries the Admin Console link of the app's provisioning tab.

Okta logs in to Salesforce on every save of the API integration (the console's "Test API
Credentials"), and failed logins lock the API user out: a save is never resent blindly (see
`save_connection`).

The OAuth version (Okta's "OAuth and REST" Salesforce integration) is modelled on the same contract's public
OAUTH2 shape: ``{"profile": {"authScheme": "OAUTH2", "clientId": <consumer key>, "clientSecret": <consumer
secret>}}`` (``clientId`` is public, documented for okta_org2org; ``clientSecret`` is modelled). Okta's answer
carries ``_links.authorize`` (public: "the URI to invoke in a browser for granting scope consent required to
complete the OAuth 2.0 connection"): while Okta offers that link, the consent ("Authenticate with
Salesforce.com") is pending (modelled), and this collection never claims the connection works. The consent
needs a browser and a Salesforce sign-in, so no module gives it: `save_oauth_connection`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_client import OktaApiError, answer_may_be_lost
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import admin_console_url
from ansible_collections.idm.okta_salesforce.plugins.module_utils import _integration_versions as versions
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import (
    SALESFORCE_FAULT_CODES,
    login_fault_remedy,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import token_appended_problem, whitespace_problem

CONNECTION_PATH = "/api/v1/apps/{app_id}/connections/default"

# Okta documents the connections and features calls for other apps only: the tags ApplicationConnections
# (okta_org2org, zscalerbyz with a token; google, office365, okta_org2org, slack, zoomus with OAuth 2.0) and
# ApplicationFeatures (the same apps, zscalerbyz for USER_PROVISIONING only) of the management spec
# (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationConnections/ and
# .../tag/ApplicationFeatures/). For these paths the spec lists 403 and 404 (and 400 on GET .../features before
# provisioning is on). Okta documents no 501 there, but 501 means the server does not support the call (RFC 9110,
# 15.6.2), which an org lacking it may answer. Any of those to a READ means "not exposed here". These say nothing
# about exposure and stay errors: 401 (credentials), 407 (proxy), 408 (timeout), 429 (rate limit), other 5xx.
_NOT_ABOUT_EXPOSURE = frozenset((401, 407, 408, 429))
_NOT_IMPLEMENTED = 501

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

    def __init__(self, message, admin_url, okta_error=None, app=None):
        super().__init__(message, admin_url=admin_url, okta_error=okta_error.to_dict() if okta_error else None, app=app)
        self.admin_url = admin_url


class SaveOutcomeUnknown(CollectionError):
    """Okta's answer to a connection write was lost, and reading the connection back cannot settle it."""

    def __init__(self, message, admin_url, okta_error=None):
        super().__init__(message, admin_url=admin_url, okta_error=okta_error.to_dict() if okta_error else None)


def not_exposed(error):
    """True when an Okta error to a connection or features READ means "Okta does not expose this here".

    Any 4xx but 401, 407, 408 and 429, and 501. A 403 may also mean the token lacks the permission:
    `refusal_text` says so.
    """
    status = getattr(error, "status", None)
    if status is None:
        return False
    return status == _NOT_IMPLEMENTED or (400 <= status < 500 and status not in _NOT_ABOUT_EXPOSURE)


def okta_answer(error):
    """Okta's refusal in a few words: "HTTP 404 E0000007: Not found: ..., request id X"."""
    detail = "; ".join(error.causes or []) or error.summary or "no details given"
    code = f" {error.error_code}" if error.error_code else ""
    request_id = f", request id {error.request_id}" if error.request_id else ""
    return f"HTTP {error.status}{code}: {detail.rstrip('. ')}{request_id}"


def refusal_text(error, what):
    """`what` answered <okta_answer>, plus, for a 403, that it may be a missing permission and what to check."""
    text = f"{what} answered {okta_answer(error)}"
    if error.status == 403:
        # Okta's spec lists 403 (E0000006) for these paths; it is also what a token without the permission gets.
        text += (" (HTTP 403 means that Okta does not expose this call for the app, or that the credentials lack the "
                 "permission for it" + (f": {error.hint.rstrip('.')}" if error.hint else "") + ")")
    return text


@dataclass
class ConnectionState:
    """What Okta says about the app's provisioning connection (never a secret)."""

    status: str | None = None        # ENABLED, DISABLED, UNKNOWN; None when not created yet (check mode)
    auth_scheme: str | None = None   # TOKEN, OAUTH2, UNKNOWN
    username: str | None = None
    allow_push_null_values: bool | None = None
    consumer_key: str | None = None      # OAuth version: the connected app's consumer key (Okta's clientId)
    authorize_url: str | None = None     # OAuth version: Okta's `_links.authorize` (consent pending while offered)
    predicted_consent: str | None = field(default=None, compare=False)   # check mode: what a save would leave
    # The Okta error of a read that `not_exposed` recognised (the state is then UNKNOWN / UNKNOWN).
    refusal: OktaApiError | None = field(default=None, repr=False, compare=False)

    @property
    def enabled(self):
        return self.status == "ENABLED"

    @property
    def exposed(self):
        """False when the org does not expose this app's connection through its API."""
        return self.auth_scheme not in (None, "UNKNOWN")

    @property
    def version(self):
        """`password_token` (TOKEN), `oauth` (OAUTH2) or None (UNKNOWN, not read)."""
        return versions.version_of(self.auth_scheme)

    @property
    def consent(self):
        """OAuth version only: `pending` while Okta offers the consent link, `given` once enabled without it."""
        if self.predicted_consent:
            return self.predicted_consent
        if self.version != versions.OAUTH or not self.consumer_key and not self.authorize_url:
            return None
        if self.authorize_url:
            return "pending"
        return "given" if self.enabled else None

    @property
    def working(self):
        """Enabled, and (OAuth version) the consent given: provisioning can reach Salesforce."""
        return self.enabled and self.consent != "pending"

    @property
    def not_exposed_reason(self):
        """Why the connection is not exposed, with Okta's answer, or None when it is."""
        if self.refusal is not None:
            return refusal_text(self.refusal, "the connection endpoint")
        if self.auth_scheme == "UNKNOWN":
            return "Okta answers authScheme UNKNOWN for the app's provisioning connection"
        return None

    def as_result(self):
        return {
            "status": self.status,
            "auth_scheme": self.auth_scheme,
            "username": self.username,
            "allow_push_null_values": self.allow_push_null_values,
            "version": self.version,
            "consumer_key": self.consumer_key,
            "consent": self.consent,
            "consent_url": self.authorize_url,
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
    authorize = ((body.get("_links") or {}).get("authorize") or {}).get("href")
    return ConnectionState(
        status=body.get("status"),
        auth_scheme=body.get("authScheme") or profile.get("authScheme"),
        username=profile.get("username"),
        allow_push_null_values=profile.get("allowPushNullValues"),
        consumer_key=profile.get("clientId"),
        authorize_url=authorize,
    )


def read_connection(client, app_id):
    """GET the connection. An org that does not expose it answers ``authScheme: UNKNOWN``, or refuses the read
    (`not_exposed`): both give an UNKNOWN state, the refusal kept in `refusal`. Other errors are raised."""
    try:
        body = client.get(CONNECTION_PATH.format(app_id=app_id))
    except OktaApiError as error:
        if not not_exposed(error):
            raise
        return ConnectionState(status="UNKNOWN", auth_scheme="UNKNOWN", refusal=error)
    return _state_from_body(body)


def published_api_only(org_url, app_id, okta_error=None, reason=None, created_app=None, version=None):
    """The one error for an org that does not expose Salesforce provisioning through its API.

    `reason` says which answer showed it (with Okta's answer; `refusal_text` builds it). `created_app` is the
    app summary when this run has just created the app: the message then says so and what to do next.
    `version` `oauth` adds the Admin Console steps of the OAuth version (consumer key and secret, consent).
    """
    admin_url = admin_console_url(org_url, app_id)
    detail = reason or "it answers authScheme UNKNOWN for the app's provisioning connection"
    permission = okta_error is not None and okta_error.status == 403
    lead = ("This Okta org does not expose Salesforce provisioning through its API, or the credentials lack the "
            "permission for it" if permission else "This Okta org does not expose Salesforce provisioning through its API")
    if created_app is None:
        message = (
            f"{lead} ({detail}), so the API integration of app {app_id} cannot be set here. Enable and configure "
            f"provisioning in the Admin Console: {admin_url} , then rerun with manage_connection=false to verify it "
            "and manage what the API exposes."
        )
    else:
        message = (
            f"Created the Salesforce app {created_app.get('label')!r} (id {app_id}): Okta accepted that write, so this "
            f"run changed the org. {lead} ({detail}), so its API integration, To App and To Okta settings were not "
            f"set. Next: enable and configure provisioning of that app in the Admin Console: {admin_url} , then "
            f"rerun with app_id={app_id} (create_app is no longer needed) and manage_connection=false to verify it "
            "and manage what the API exposes."
        )
    if version == versions.OAUTH:
        message += " OAuth version: " + versions.oauth_setup_steps(admin_url)
    if okta_error is not None and okta_error.request_id and okta_error.request_id not in detail:
        message += f" Okta request id: {okta_error.request_id}."
    return PublishedApiOnly(message, admin_url, okta_error, app=created_app)


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


def _lost_twice(client, app_id, action, error, state):
    admin_url = admin_console_url(client.org_url, app_id)
    return SaveOutcomeUnknown(
        f"Okta's answer to the {action} of the API integration of app {app_id} was lost twice (last: {error}). Read "
        f"back, the connection is {state.status} for {state.username or 'no user'}, which does not show that the "
        f"{action} was applied. It was not sent a third time: Okta logs the API user in to Salesforce on each one, "
        f"and failed logins lock that user out. Check the API integration in the Admin Console: {admin_url} , or "
        "rerun later.", admin_url, error)


def _read_back(client, app_id, action, error):
    """The connection as Okta holds it after a write whose answer was lost; an error that says so if unreadable."""
    try:
        return _state_from_body(client.get(CONNECTION_PATH.format(app_id=app_id)))
    except OktaApiError as read_error:
        admin_url = admin_console_url(client.org_url, app_id)
        raise SaveOutcomeUnknown(
            f"Okta's answer to the {action} of the API integration of app {app_id} was lost ({error}), and reading the "
            f"connection back failed too ({read_error}). It was not sent again: Okta logs the API user in to "
            f"Salesforce on each one, and failed logins lock that user out. Check the API integration in the Admin "
            f"Console: {admin_url} , or rerun later.", admin_url, read_error) from None


def _send_reading_back(client, app_id, action, send, applied):
    """send() -> ConnectionState. When its answer is lost, read the connection back: `applied(state)` True ends
    there; otherwise it is sent once more, and never a third time."""
    for attempt in (1, 2):
        try:
            return send()
        except OktaApiError as error:
            if not answer_may_be_lost(error):
                raise
            lost = error
        state = _read_back(client, app_id, action, lost)
        if applied(state):
            return state
        if attempt == 2:
            raise _lost_twice(client, app_id, action, lost, state)
    raise AssertionError("unreachable")  # pragma: no cover


def _post_connection(client, app_id, body, current, assumed, rejected_as=None, version=None):
    """One POST of the API integration with ``activate=true``; the state it answers (`assumed` when the answer has
    none). With `rejected_as` (the password version), a 400 naming a Salesforce fault is CredentialsRejected. A
    refusal `not_exposed` recognises from an org that answered UNKNOWN, or a 403/404/501, is the published-API-only
    case (with `version`'s Admin Console steps)."""
    try:
        answer = client.post(CONNECTION_PATH.format(app_id=app_id), json=body, params={"activate": "true"},
                             idempotent=False)
    except OktaApiError as error:
        if rejected_as and error.status == 400 and salesforce_fault_code(error):
            raise _credentials_rejected(error, rejected_as) from None
        if not_exposed(error) and (not current.exposed or error.status != 400):
            raise published_api_only(client.org_url, app_id, error, refusal_text(error, "the API-integration call"),
                                     version=version) from None
        raise
    state = _state_from_body(answer)
    return assumed if state.status is None else state


def save_connection(client, app_id, username, secret, allow_push_null_values, current):
    """POST the API integration with ``activate=true``: Okta tests the credentials against Salesforce.

    `current` is the state read before. Okta logs the API user in to Salesforce on every save, so:
    credentials Salesforce rejected (400 naming a fault code) are never resent (CredentialsRejected); the
    client resends the POST only when Okta refused it unread (429) or it never left; an answer lost after it
    left (5xx, reset, timeout) is read back, and the save resent at most once, only when the connection does
    not already show it (ENABLED for the same username). A refusal `not_exposed` recognises from an org that
    answered UNKNOWN, or a 403/404/501, is the published-API-only case. Returns the new state.
    """
    register_secret(client, secret)
    push_null = bool(allow_push_null_values)
    body = {"profile": {
        "authScheme": "TOKEN",
        "username": username,
        "token": secret,
        "allowPushNullValues": push_null,
    }}

    def send():
        return _post_connection(client, app_id, body, current, ConnectionState("ENABLED", "TOKEN", username, push_null),
                                rejected_as=username)

    def shows_the_save(state):
        return (state.enabled and (state.username or "").lower() == username.lower()
                and state.allow_push_null_values in (None, push_null))

    # A connection that already showed this before the save cannot prove by a read that the new secret was
    # stored (Okta never returns it): then the save is resent once, for a definite answer.
    proven_by_read = not shows_the_save(current)
    return _send_reading_back(client, app_id, "save", send, lambda state: proven_by_read and shows_the_save(state))


def save_oauth_connection(client, app_id, consumer_key, consumer_secret, current):
    """POST the OAuth version's consumer key and secret with ``activate=true`` (modelled; see the module docstring).

    Okta does not log in to Salesforce here: the consent ("Authenticate with Salesforce.com") does, in a browser.
    The answer's `_links.authorize` is the consent link; the state returned says `consent: pending` while Okta
    offers it. A lost answer is read back like the password version's save (resent at most once, and only when
    the connection does not show this consumer key). Returns the new state.
    """
    register_secret(client, consumer_secret)
    body = {"profile": {
        "authScheme": versions.AUTH_SCHEMES[versions.OAUTH],
        "clientId": consumer_key,
        "clientSecret": consumer_secret,
    }}

    def send():
        return _post_connection(client, app_id, body, current, ConnectionState("ENABLED", "OAUTH2", consumer_key=consumer_key),
                                version=versions.OAUTH)

    def shows_the_save(state):
        return state.version == versions.OAUTH and state.consumer_key == consumer_key and state.status == "ENABLED"

    proven_by_read = not shows_the_save(current)
    return _send_reading_back(client, app_id, "save", send, lambda state: proven_by_read and shows_the_save(state))


def activate_connection(client, app_id, current=None):
    """Turn on a connection that keeps its saved credentials (Okta tests them against Salesforce: a lost answer
    is read back before the call is resent, at most once; a rejection names the fault code)."""
    username = (current.username if current else None) or "the saved API user"

    def send():
        try:
            client.post(CONNECTION_PATH.format(app_id=app_id) + "/lifecycle/activate", idempotent=False)
        except OktaApiError as error:
            if error.status == 400 and salesforce_fault_code(error):
                raise _credentials_rejected(error, username) from None
            raise
        if current is None:
            return ConnectionState("ENABLED", "TOKEN")
        return ConnectionState("ENABLED", current.auth_scheme, current.username, current.allow_push_null_values,
                               consumer_key=current.consumer_key, authorize_url=current.authorize_url)

    return _send_reading_back(client, app_id, "activation", send, lambda state: state.enabled)


def deactivate_connection(client, app_id):
    """Turn provisioning off; the saved credentials stay in Okta (no Salesforce login: safe to resend)."""
    client.post(CONNECTION_PATH.format(app_id=app_id) + "/lifecycle/deactivate", idempotent=True)
