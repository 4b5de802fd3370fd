# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Salesforce login (SOAP, through simple-salesforce) and the read-only SOQL queries behind the
API user's fitness checks (internal to this collection).

simple-salesforce logs in, holds the session and runs the describes and queries. This file adds only
what the library does not do: an adapter that applies the task's timeout and TLS settings to every
request (its login POST sets no timeout), and a response hook that keeps the raw login answer to read
passwordExpired, sandbox, userId and userInfo (it keeps only sessionId and serverUrl).

Lockout safety: one run sends at most one login, and never sends it again. Salesforce locks the user
after a number of failed logins (the password policy's "Maximum invalid login attempts"), and a locked
integration user stops Okta's provisioning for everyone. So the login POST is never retried: not by
urllib3 (the adapter's Retry allows none), not through a redirect (the session follows none: requests
would resend a POST on a 307/308), and not by simple-salesforce (given a session id rather than a
password, it has nothing to log in again with when a query answers INVALID_SESSION_ID).
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from ansible.module_utils.basic import env_fallback

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
except ImportError:
    HTTPAdapter = object
    InsecureRequestWarning = Warning
    HAS_REQUESTS = False

try:
    from simple_salesforce import Salesforce, SalesforceLogin, format_soql
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError
    HAS_SIMPLE_SALESFORCE = True
except ImportError:
    HAS_SIMPLE_SALESFORCE = False

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import (
    SecretScrubber,
    plain_http_problem,
    token_appended_problem,
    transport_failure,
    whitespace_problem,
)

DEFAULT_API_VERSION = "64.0"
# SOAP login() does not exist from API 65.0 on, and is retired for every version in Summer '27.
LAST_SOAP_LOGIN_API_VERSION = 64.0
SOAP_LOGIN_PATH = "/services/Soap/u/"
PARTNER_NS = "{urn:partner.soap.sforce.com}"

SALESFORCE_ARGUMENT_SPEC = {
    # Not `required`: okta_sf_credentials_test needs neither for the OAuth version or an admin session, and says so.
    "sf_username": {"type": "str", "fallback": (env_fallback, ["SF_USERNAME"])},
    "sf_password": {"type": "str", "no_log": True, "fallback": (env_fallback, ["SF_PASSWORD"])},
    "sf_security_token": {"type": "str", "no_log": True, "fallback": (env_fallback, ["SF_SECURITY_TOKEN"])},
    "sf_domain": {"type": "str", "default": "login", "fallback": (env_fallback, ["SF_DOMAIN"])},
    "sf_login_url": {"type": "str", "fallback": (env_fallback, ["SF_LOGIN_URL"])},
    "sf_api_version": {"type": "str", "default": DEFAULT_API_VERSION},
    "sf_validate_certs": {"type": "bool", "default": True},
    "sf_ca_path": {"type": "path", "fallback": (env_fallback, ["SF_CA_PATH"])},
    "sf_timeout": {"type": "float", "default": 30},
}

# The permission fields the checks read. They vary by org: Permissions* fields exist per licence and feature,
# and "Is Single Sign-On Enabled" (Profile.IsSsoEnabled, PermissionSet.PermissionsIsSsoEnabled) only where
# delegated authentication is enabled ("After enabling, the Is Single Sign-On Enabled permission becomes
# available in profiles and permission sets": Salesforce Knowledge article 000386846). A SOQL naming a field the
# org lacks fails whole with 400 INVALID_FIELD ("No such column 'X' on entity 'Y'"), so each object is described
# first (GET /services/data/vXX.X/sobjects/{Object}/describe, whose `fields` lists the fields this org and user
# have: Salesforce REST API Developer Guide, "Get Field and Other Metadata for an Object") and only the fields it
# lists are queried.
PROFILE_PERMISSION_FIELDS = ("IsSsoEnabled", "PermissionsApiEnabled", "PermissionsManageUsers", "PermissionsModifyAllData")
PERMISSION_SET_PERMISSION_FIELDS = ("PermissionsIsSsoEnabled", "PermissionsApiEnabled", "PermissionsManageUsers")
ORGANIZATION_QUERY = "SELECT Id, Name, IsSandbox, OrganizationType, InstanceName FROM Organization"

_DOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
_API_VERSION_RE = re.compile(r"^v?(\d{2,3})(?:\.(\d))?$")
_SALESFORCE_ID_RE = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


class SalesforceInputError(InputError):
    """Bad Salesforce connection options; the message says which option and what to do."""


class SalesforceLoginError(Exception):
    """A failed login. Never holds a secret. `kind`: fault (a login fault code), retired (Salesforce says login() is
    off or gone in the org), version (login() does not exist at sf_api_version), protocol (not a SOAP login answer,
    or a redirect), or a TransportFailure kind."""

    def __init__(self, code: str, message: str, kind: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.kind = kind


@dataclass
class LoginEndpoint:
    """Where the SOAP login goes: a Salesforce domain (login, test, acme.my) or a full base URL."""

    api_version: str
    domain: str | None = None
    base_url: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc if self.base_url else f"{self.domain}.salesforce.com"

    @property
    def url(self) -> str:
        base = self.base_url or f"https://{self.domain}.salesforce.com"
        return f"{base}{SOAP_LOGIN_PATH}{self.api_version}"

    @property
    def soap_login_retired(self) -> bool:
        return float(self.api_version) > LAST_SOAP_LOGIN_API_VERSION


@dataclass
class LoginAnswer:
    """The fields of the SOAP login answer the checks need. The session id stays out of repr and output."""

    session_id: str = field(repr=False)
    instance: str                    # the instance host (and port) from serverUrl, as the library read it
    user_id: str | None
    password_expired: bool | None
    sandbox: bool | None
    user_info: dict


@dataclass
class FitnessRecords:
    """The three SOQL answers, or for each the reason it could not be read, and the permission fields asked for.

    `profile_fields` / `permission_set_fields`: the permission fields the org's Profile / PermissionSet object has
    (from its describe), which are the ones queried; every wanted one when the describe failed (then
    `describe_errors` says why, and a missing field shows as a failed query).
    """

    user: dict | None = None
    user_error: str | None = None
    permission_sets: list | None = None
    permission_sets_error: str | None = None
    organization: dict | None = None
    organization_error: str | None = None
    profile_fields: tuple = PROFILE_PERMISSION_FIELDS
    permission_set_fields: tuple = PERMISSION_SET_PERMISSION_FIELDS
    describe_errors: dict = field(default_factory=dict)


# ---------------------------------------------------------------- options

def normalise_api_version(value) -> str:
    match = _API_VERSION_RE.match(str(value).strip())
    if not match:
        raise SalesforceInputError(f"sf_api_version must look like 64.0, got {value!r}.")
    return f"{int(match.group(1))}.{match.group(2) or 0}"


def login_endpoint(sf_domain: str | None, sf_login_url: str | None, sf_api_version) -> LoginEndpoint:
    """Validate sf_domain / sf_login_url / sf_api_version; sf_login_url, when set, wins over sf_domain."""
    api_version = normalise_api_version(DEFAULT_API_VERSION if sf_api_version is None else sf_api_version)
    if sf_login_url:
        parts = urlsplit(sf_login_url.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SalesforceInputError(
                f"sf_login_url must be a URL such as https://acme.my.salesforce.com, got {sf_login_url!r}."
            )
        refusal = plain_http_problem("sf_login_url", sf_login_url.strip())
        if refusal:
            raise SalesforceInputError(refusal)
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise SalesforceInputError(
                f"sf_login_url must be the server's base URL without a path (e.g. https://{parts.netloc}), got {sf_login_url!r}."
            )
        return LoginEndpoint(api_version=api_version, base_url=f"{parts.scheme}://{parts.netloc}")
    domain = (sf_domain or "login").strip().lower()
    domain = re.sub(r"^https?://", "", domain).rstrip("/")
    domain = re.sub(r"\.salesforce\.com$", "", domain)
    if not _DOMAIN_RE.match(domain):
        raise SalesforceInputError(
            f"sf_domain must be login, test or a My Domain such as acme.my (or acme--uat.sandbox.my), got {sf_domain!r}."
        )
    return LoginEndpoint(api_version=api_version, domain=domain)


def tls_verify_setting(sf_validate_certs: bool, sf_ca_path: str | None):
    """What requests' `verify` gets: the CA file when given, else the validate_certs boolean."""
    if sf_ca_path:
        if not os.path.isfile(sf_ca_path):
            raise SalesforceInputError(f"sf_ca_path {sf_ca_path!r} is not a readable file: give a PEM CA bundle.")
        return sf_ca_path
    return bool(sf_validate_certs)


# ---------------------------------------------------------------- transport

class _TimeoutAndTlsAdapter(HTTPAdapter):
    """Applies the task's timeout and TLS setting to every request, whoever sends it, and retries none.

    SalesforceLogin posts without a timeout, and requests lets REQUESTS_CA_BUNDLE replace a
    session's `verify`, so the adapter is the one place where both hold for sure.
    """

    def __init__(self, timeout: float, verify):
        # No urllib3 retry of any request, the login POST above all (requests' own default, stated here so that
        # it stays so): a resent login after a failed one is one more step toward the user's lockout.
        super().__init__(max_retries=Retry(total=0, read=False))
        self._timeout = timeout
        self._verify = verify

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        kwargs["timeout"] = self._timeout
        kwargs["verify"] = self._verify
        return super().send(request, **kwargs)


def build_session(timeout: float, verify) -> requests.Session:
    """A session whose every request uses `timeout` and `verify` (see _TimeoutAndTlsAdapter) and follows no redirect.

    requests resends a POST, body and all, on a 307 or 308; with max_redirects 0 a redirect raises
    TooManyRedirects instead, so the login is sent once and the redirect reported.
    """
    session = requests.Session()
    session.max_redirects = 0
    adapter = _TimeoutAndTlsAdapter(timeout, verify)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


@contextlib.contextmanager
def insecure_request_warnings_silenced():
    """With sf_validate_certs false the module warns once; urllib3 would warn on every request."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        yield


def _looks_like_soap_login_unavailable(code, message: str) -> bool:
    """Salesforce's answers when login() is off in the org or gone from the API version (both INVALID_OPERATION):
    "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login()."
    (quoted in github.com/OpenFn/adaptors/issues/1715) and "The SOAP Login operation is not available in the API
    version specified (65.0). ..." (github.com/forcedotcom/wsc/issues/363)."""
    text = f"{code} {message}".lower()
    return "login()" in text or "soap api login" in text or "soap login" in text


def _text(element, name: str) -> str | None:
    child = element.find(PARTNER_NS + name) if element is not None else None
    return child.text if child is not None else None


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.strip().lower() == "true"


def parse_login_answer(content: bytes) -> dict:
    """Read passwordExpired, sandbox, userId and userInfo/* (which simple-salesforce drops) from a SOAP loginResponse."""
    root = ET.fromstring(content)
    result = root.find(f".//{PARTNER_NS}loginResponse/{PARTNER_NS}result")
    if result is None:
        raise ValueError("no loginResponse/result element")
    info = result.find(PARTNER_NS + "userInfo")
    user_info = {} if info is None else {child.tag.replace(PARTNER_NS, ""): child.text for child in info}
    return {
        "user_id": _text(result, "userId"),
        "password_expired": _bool(_text(result, "passwordExpired")),
        "sandbox": _bool(_text(result, "sandbox")),
        "user_info": user_info,
    }


def soap_login(session, endpoint: LoginEndpoint, username: str, password: str, security_token: str,
               timeout: float) -> LoginAnswer:
    """Log in through simple-salesforce's SalesforceLogin and return the fields the checks need."""
    scrubber = SecretScrubber((password, security_token, password + security_token))
    captured = []

    def keep_login_answer(response, *args, **kwargs):  # pylint: disable=unused-argument
        if SOAP_LOGIN_PATH in (response.url or ""):
            captured.append(response)

    target = {"scratch_url": endpoint.base_url} if endpoint.base_url else {"domain": endpoint.domain}
    session.hooks["response"].append(keep_login_answer)
    try:
        # Joined and passed as the password: SalesforceLogin XML-escapes the password but not security_token.
        session_id, instance = SalesforceLogin(
            username=username, password=password + security_token, security_token="",
            sf_version=endpoint.api_version, session=session, **target,
        )
    except SalesforceAuthenticationFailed as error:
        message = scrubber.scrub(error.auth_message or "").strip()
        if error.code is None or isinstance(error.code, int):
            # Not a SOAP fault: some other web server, or no login() at this API version. The library gives
            # the HTTP status only when the body is not XML, so it is read from the kept answer.
            status = captured[-1].status_code if captured else error.code
            detail = f"HTTP {status} from {endpoint.url}"
            kind = "version" if endpoint.soap_login_retired else "protocol"
            raise SalesforceLoginError(str(status), detail, kind) from None
        kind = "retired" if _looks_like_soap_login_unavailable(error.code, message) else "fault"
        if kind == "retired" and endpoint.soap_login_retired:
            kind = "version"
        raise SalesforceLoginError(str(error.code), message or "no message", kind) from None
    except requests.exceptions.TooManyRedirects as error:
        location = error.response.headers.get("Location") if error.response is not None else None
        status = error.response.status_code if error.response is not None else "3xx"
        raise SalesforceLoginError(
            "REDIRECT", f"{endpoint.url} answered the login with HTTP {status}, a redirect to {location or 'another URL'}; "
            "the login was not sent there.", "protocol") from None
    except requests.exceptions.RequestException as error:
        failure = transport_failure(error, endpoint.host, timeout, url=endpoint.url)
        raise SalesforceLoginError(failure.kind.upper(), scrubber.scrub(failure.sentence), failure.kind) from None
    except (ExpatError, ValueError):  # an answer that is not XML, or not UTF-8: the library cannot read it
        raise SalesforceLoginError("PROTOCOL", f"The answer from {endpoint.url} is not a SOAP login answer.", "protocol") from None
    finally:
        session.hooks["response"].remove(keep_login_answer)

    try:
        fields = parse_login_answer(captured[-1].content)
    except (IndexError, ET.ParseError, ValueError):
        raise SalesforceLoginError("PROTOCOL", f"The answer from {endpoint.url} could not be read.", "protocol") from None
    return LoginAnswer(session_id=session_id, instance=instance, **fields)


@contextlib.contextmanager
def api_user_session(params: dict):
    """A simple-salesforce `Salesforce` client logged in as the API user of the sf_* options, for read-only queries.

    Yields (client, answer). Bad options raise SalesforceInputError and whitespace in the secrets refuses the login,
    both before anything is sent; a refused login raises SalesforceLoginError and is never sent again (one login per
    run, as for the credentials test). The client holds the session id, not the password, so it cannot log in again.
    """
    endpoint = login_endpoint(params.get("sf_domain"), params.get("sf_login_url"), params.get("sf_api_version"))
    verify = tls_verify_setting(params.get("sf_validate_certs", True), params.get("sf_ca_path"))
    timeout = float(params.get("sf_timeout") or 30)
    password, token = params.get("sf_password") or "", params.get("sf_security_token") or ""
    for option, value in (("sf_password", password), ("sf_security_token", token)):
        problem = whitespace_problem(option, value)
        if problem:
            raise SalesforceInputError(f"{problem}: remove it. No login was attempted.")
    appended = token_appended_problem(password, token)
    if appended:
        raise SalesforceInputError(f"{appended}. No login was attempted.")
    with build_session(timeout, verify) as session, insecure_request_warnings_silenced():
        answer = soap_login(session, endpoint, params["sf_username"], password, token, timeout)
        yield Salesforce(session_id=answer.session_id, instance=answer.instance, session=session,
                         version=endpoint.api_version), answer


# ---------------------------------------------------------------- describe and SOQL

def query_error(error: Exception, host: str, timeout: float) -> str:
    """Why a describe or query failed: Salesforce's status and error code, or what went wrong on the way."""
    if isinstance(error, SalesforceError):
        content = error.content
        if isinstance(content, list) and content and isinstance(content[0], dict):
            # INVALID_FIELD's message starts with the query and a caret line; its last line says what is wrong.
            lines = [line.strip() for line in str(content[0].get("message") or "").splitlines() if line.strip()]
            return f"HTTP {error.status} {content[0].get('errorCode')}: {lines[-1] if lines else ''}".rstrip(": ")
        return f"HTTP {error.status}"
    if isinstance(error, requests.exceptions.RequestException):
        return transport_failure(error, host, timeout).reason
    return f"{type(error).__name__}: {error}"


def _existing_fields(client, sobject: str, wanted: tuple, records: FitnessRecords, host: str, timeout: float) -> tuple:
    """The `wanted` fields that `sobject` has in this org (its describe); all of them when the describe fails."""
    try:
        described = getattr(client, sobject).describe()
    except Exception as error:  # pylint: disable=broad-exception-caught
        records.describe_errors[sobject] = f"the {sobject} describe failed: {query_error(error, host, timeout)}"
        return wanted
    names = {str(item.get("name")).lower() for item in (described or {}).get("fields") or [] if isinstance(item, dict)}
    return tuple(name for name in wanted if name.lower() in names)


def _failure(what: str, error: Exception, records: FitnessRecords, host: str, timeout: float) -> str:
    reason = f"the {what} query failed: {query_error(error, host, timeout)}"
    if records.describe_errors:
        reason += f" (the fields could not be listed first: {'; '.join(records.describe_errors.values())})"
    return reason


def user_query(profile_fields) -> str:
    """The User query (a format_soql template: {} is the user id) with the profile fields the org has."""
    fields = ["Id", "Username", "IsActive", "UserType", "Profile.Name"] + [f"Profile.{name}" for name in profile_fields]
    return f"SELECT {', '.join(fields)} FROM User WHERE Id = {{}}"


def permission_sets_query(permission_set_fields) -> str:
    """The PermissionSetAssignment query (a format_soql template) with the permission set fields the org has."""
    fields = ["PermissionSet.Name", "PermissionSet.IsOwnedByProfile"] + [f"PermissionSet.{name}" for name in permission_set_fields]
    return f"SELECT {', '.join(fields)} FROM PermissionSetAssignment WHERE AssigneeId = {{}}"


def read_fitness_records(session, answer: LoginAnswer, api_version: str, timeout: float) -> FitnessRecords:
    """Describe Profile and PermissionSet, then run the three read-only SOQL queries, through simple-salesforce.

    The client is given the login's session id, not the password: simple-salesforce then cannot log in again
    (it does so on a 401 INVALID_SESSION_ID only when it holds the credentials), so this sends no login.
    """
    records = FitnessRecords()
    host = answer.instance
    if not _SALESFORCE_ID_RE.match(answer.user_id or ""):
        records.user_error = records.permission_sets_error = f"the login answer has no valid userId ({answer.user_id!r})"
    client = Salesforce(session_id=answer.session_id, instance=answer.instance, session=session, version=api_version)

    if records.user_error is None:
        records.profile_fields = _existing_fields(client, "Profile", PROFILE_PERMISSION_FIELDS, records, host, timeout)
        records.permission_set_fields = _existing_fields(
            client, "PermissionSet", PERMISSION_SET_PERMISSION_FIELDS, records, host, timeout)
        try:
            rows = client.query(format_soql(user_query(records.profile_fields), answer.user_id))["records"]
            if rows:
                records.user = rows[0]
            else:
                records.user_error = f"the User query returned no record for {answer.user_id}"
        except Exception as error:  # pylint: disable=broad-exception-caught
            records.user_error = _failure("User", error, records, host, timeout)
        try:
            query = format_soql(permission_sets_query(records.permission_set_fields), answer.user_id)
            rows = client.query_all(query)["records"]
            records.permission_sets = [row.get("PermissionSet") or {} for row in rows]
        except Exception as error:  # pylint: disable=broad-exception-caught
            records.permission_sets_error = _failure("PermissionSetAssignment", error, records, host, timeout)
    try:
        rows = client.query(ORGANIZATION_QUERY)["records"]
        records.organization = rows[0] if rows else None
        if not rows:
            records.organization_error = "the Organization query returned no record"
    except Exception as error:  # pylint: disable=broad-exception-caught
        records.organization_error = f"the Organization query failed: {query_error(error, host, timeout)}"
    return records
