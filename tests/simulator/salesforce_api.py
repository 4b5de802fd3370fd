"""The simulated Salesforce org: SOAP partner `login()`, and the REST query and describe endpoints.

Served on the same port as Okta, so the simulator's URL is also the Salesforce login URL;
`serverUrl` in the login answer points back at this server, as a real org points at its instance.
"""
from __future__ import annotations

import json
import re
import secrets
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from . import salesforce_admin
from .salesforce_login import LoginFault, check_credentials, record_login
from .salesforce_schema import describe, object_name
from .soql import SoqlError, query_more, run_query
from .wire import Request, Response

PARTNER_NS = "urn:partner.soap.sforce.com"
SOAP_PATH = re.compile(r"^/services/Soap/u/(?P<version>\d+\.\d+)(?:/[\w]+)?/?$")
QUERY_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d+)/query/?$")
QUERY_MORE_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d+)/query/(?P<locator>01g\w+-\d+)/?$")
BATCH_SIZE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
DESCRIBE_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d+)/sobjects/(?P<object>\w+)/describe/?$")

# SOAP login() answers when the call is off or gone, as Salesforce words them:
# - off in the org (the default in orgs created from Winter '26): quoted in github.com/OpenFn/adaptors/issues/1715
#   and github.com/jsforce/jsforce/issues/1771; Salesforce's login() page: "It is disabled by default for orgs
#   created in Winter '26 and later. To enable it, go to User Interface in Setup and select Enable SOAP API
#   login()" (https://developer.salesforce.com/docs/platform/api/guide/sforce-api-calls-login.html);
# - an API version above 64.0: quoted in github.com/forcedotcom/wsc/issues/363 ("login() remains available in API
#   version 64.0 and earlier", same page).
SOAP_LOGIN_DISABLED = ("SOAP API login() is disabled by default in this org. Contact the org administrator to enable "
                       "SOAP API login().")
SOAP_LOGIN_NOT_IN_VERSION = ("The SOAP Login operation is not available in the API version specified ({version}). "
                             "Refer to the documentation for supported versions.")
VERSIONS = ["58.0", "59.0", "60.0", "61.0", "62.0", "63.0", "64.0", "65.0", "66.0"]


def _xml(status: int, body: str) -> Response:
    return Response(status, ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode(),
                    {"Content-Type": "text/xml;charset=UTF-8"})


def soap_fault(code: str, message: str, fault_type: str = "LoginFault") -> Response:
    """HTTP 500 SOAP fault with sf:exceptionCode / sf:exceptionMessage, as the partner API sends."""
    return _xml(500, (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<soapenv:Body><soapenv:Fault><faultcode>sf:{escape(code)}</faultcode>'
        f'<faultstring>{escape(code)}: {escape(message)}</faultstring>'
        f'<detail><sf:{fault_type} xsi:type="sf:{fault_type}"><sf:exceptionCode>{escape(code)}</sf:exceptionCode>'
        f'<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage></sf:{fault_type}></detail>'
        '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'))


def _login_fields(body: bytes) -> tuple[str, str]:
    root = ElementTree.fromstring(body)
    values = {}
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("username", "password") and local not in values:
            values[local] = element.text or ""
    if "username" not in values or "password" not in values:
        raise ValueError("login request without username or password")
    return values["username"], values["password"]


def soap_login(request: Request, state) -> Response:
    match = SOAP_PATH.match(request.path)
    if request.method != "POST" or not match:
        return soap_fault("UNKNOWN_EXCEPTION", "Unsupported SOAP endpoint or method", "UnexpectedErrorFault")
    version = match.group("version")
    try:
        username, secret = _login_fields(request.body)
    except (ElementTree.ParseError, ValueError):
        return soap_fault("INVALID_REQUEST", "The request is not a valid partner login() envelope.", "UnexpectedErrorFault")
    org = state.data["salesforce"]["org"]
    unavailable = None
    if not org.get("soap_login_enabled", True):
        unavailable = SOAP_LOGIN_DISABLED
    elif float(version) > float(org.get("max_soap_login_version", 64.0)):
        unavailable = SOAP_LOGIN_NOT_IN_VERSION.format(version=version)
    if unavailable:
        with state.lock:
            record_login(state, username, "soap_login", "INVALID_OPERATION")
        return soap_fault("INVALID_OPERATION", unavailable, "InvalidOperationFault")
    try:
        user = check_credentials(state, username, secret, channel="soap_login")
    except LoginFault as fault:
        return soap_fault(fault.code, fault.message)
    session_id = f"{org['id']}!sim{secrets.token_urlsafe(40)}"
    with state.lock:
        state.sf_sessions[session_id] = {"username": user["username"],
                                         "password_expired": bool(user.get("password_expired"))}
    return _xml(200, _login_result(request.base_url, version, org, state.data["salesforce"], user, session_id))


def _login_result(base: str, version: str, org: dict, sf: dict, user: dict, session_id: str) -> str:
    profile = sf["profiles"].get(user.get("profile"), {})
    info = {"accessibilityMode": "false", "currencySymbol": "$", "orgAttachmentFileSizeLimit": "5242880",
            "orgDefaultCurrencyIsoCode": "USD", "orgDisallowHtmlAttachments": "false", "orgHasPersonAccounts": "false",
            "organizationId": org["id"], "organizationMultiCurrency": "false", "organizationName": org["name"],
            "profileId": profile.get("id", ""), "roleId": "", "sessionSecondsValid": "7200",
            "userDefaultCurrencyIsoCode": "", "userEmail": user.get("email", ""), "userFullName": user.get("full_name", ""),
            "userId": user["id"], "userLanguage": "en_US", "userLocale": "en_US", "userName": user["username"],
            "userTimeZone": "America/Los_Angeles", "userType": user.get("user_type", "Standard"), "userUiSkin": "Theme3"}
    result = {
        "metadataServerUrl": f"{base}/services/Soap/m/{version}/{org['id']}",
        "passwordExpired": str(bool(user.get("password_expired"))).lower(),
        "sandbox": str(bool(org.get("is_sandbox"))).lower(),
        "serverUrl": f"{base}/services/Soap/u/{version}/{org['id']}",
        "sessionId": session_id, "userId": user["id"],
    }
    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in result.items())
    user_info = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in info.items())
    return ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="{PARTNER_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<soapenv:Body><loginResponse><result>{fields}<userInfo>{user_info}</userInfo></result>'
            '</loginResponse></soapenv:Body></soapenv:Envelope>')


def _rest_error(status: int, code: str, message: str) -> Response:
    return Response(status, json.dumps([{"message": message, "errorCode": code}]).encode(),
                    {"Content-Type": "application/json;charset=UTF-8"})


def rest(request: Request, state) -> Response:
    """REST: `GET /services/data/` (versions), `GET /services/data/vXX.X/query/?q=` and
    `GET /services/data/vXX.X/sobjects/{Object}/describe` (the fields this org has, see salesforce_schema.py)."""
    if request.path.rstrip("/") == "/services/data":
        return Response(200, json.dumps([{"label": f"v{v}", "url": f"/services/data/v{v}", "version": v}
                                         for v in VERSIONS]).encode(), {"Content-Type": "application/json;charset=UTF-8"})
    header = request.headers.get("authorization", "")
    scheme, _sep, session_id = header.partition(" ")
    session = state.sf_sessions.get(session_id.strip()) if scheme in ("Bearer", "OAuth") else None
    if session is None:
        return _rest_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
    if session["password_expired"]:
        return _rest_error(403, "INVALID_OPERATION_WITH_EXPIRED_PASSWORD",
                           "The users password has expired, you must call SetPassword before attempting any other API operations")
    written = salesforce_admin.handle(request, state, session)
    if written is not None:
        return written
    match = QUERY_PATH.match(request.path) or QUERY_MORE_PATH.match(request.path) or DESCRIBE_PATH.match(request.path)
    if not match:
        return _rest_error(404, "NOT_FOUND", "The requested resource does not exist")
    if request.method != "GET":
        return _rest_error(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed. Allowed are GET")
    if match.re is DESCRIBE_PATH:
        sobject = object_name(match.group("object"))
        if sobject is None:
            return _rest_error(404, "NOT_FOUND", "The requested resource does not exist")
        with state.lock:
            result = describe(state.data["salesforce"]["org"], sobject, f"/services/data/v{match.group('version')}")
        return Response(200, json.dumps(result).encode(), {"Content-Type": "application/json;charset=UTF-8"})
    prefix = f"/services/data/v{match.group('version')}"
    options = BATCH_SIZE.search(request.headers.get("sforce-query-options", ""))
    try:
        with state.lock:
            if match.re is QUERY_MORE_PATH:
                result = query_more(state.sf_query_cursors, match.group("locator"), prefix)
            else:
                result = run_query(state.data["salesforce"], request.arg("q", ""), prefix, state.sf_query_cursors,
                                   int(options.group(1)) if options else None)
    except SoqlError as exc:
        return _rest_error(exc.status, exc.code, exc.message)
    return Response(200, json.dumps(result).encode(), {"Content-Type": "application/json;charset=UTF-8"})
