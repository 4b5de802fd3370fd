"""The simulated Salesforce Metadata API: `readMetadata` of `ConnectedApp` components (SOAP, `/services/Soap/m/{ver}`).

Salesforce's Metadata API Developer Guide: readMetadata(type, fullNames[]) returns `records` of that type;
ConnectedApp has `oauthConfig` (callbackUrl, scopes, isAdminApproved, isConsumerSecretOptional, isPkceRequired,
isSecretRequiredForRefreshToken, consumerKey, ...) and `oauthPolicy` (ipRelaxation, refreshTokenPolicy). A name that
does not exist comes back as an empty record (no fullName). The consumer secret is never sent (Salesforce sends it only
with "Allow Access to OAuth Consumer Secrets via Metadata API" and the matching user permission).
Seed: `salesforce.connected_apps.{fullName}: {label, consumer_key, consumer_secret, oauth_config: {...},
oauth_policy: {...}}`; the element order follows the WSDL's sequence.
"""
from __future__ import annotations

from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .salesforce_api import soap_fault
from .wire import Request, Response

MD_NS = "http://soap.sforce.com/2006/04/metadata"
OAUTH_CONFIG_ORDER = ("callbackUrl", "certificate", "consumerKey", "isAdminApproved", "isClientCredentialEnabled",
                      "isCodeCredentialEnabled", "isCodeCredentialPostOnly", "isConsumerSecretOptional",
                      "isIntrospectAllTokens", "isNamedUserJwtEnabled", "isPkceRequired", "isRefreshTokenRotationEnabled",
                      "isSecretRequiredForRefreshToken", "isSecretRequiredForTokenExchange", "isTokenExchangeEnabled",
                      "oauthClientCredentialUser", "scopes", "singleLogoutUrl")
OAUTH_POLICY_ORDER = ("ipRelaxation", "isTokenExchangeFlowEnabled", "refreshTokenPolicy", "singleLogoutUrl")


def _value(value) -> str:
    return str(value).lower() if isinstance(value, bool) else escape(str(value))


def _elements(values: dict, order: tuple) -> str:
    out = []
    for name in order:
        value = values.get(name)
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            out.append(f"<{name}>{_value(item)}</{name}>")
    return "".join(out)


def _record(name: str, app: dict | None) -> str:
    if app is None:
        return '<records xsi:type="ConnectedApp"/>'
    config = dict(app.get("oauth_config") or {}, consumerKey=app.get("consumer_key"))
    return (f'<records xsi:type="ConnectedApp"><fullName>{escape(name)}</fullName>'
            f'<contactEmail>{escape(app.get("contact_email", "admin@acme.com"))}</contactEmail>'
            f'<label>{escape(app.get("label", name))}</label>'
            f'<oauthConfig>{_elements(config, OAUTH_CONFIG_ORDER)}</oauthConfig>'
            f'<oauthPolicy>{_elements(app.get("oauth_policy") or {}, OAUTH_POLICY_ORDER)}</oauthPolicy></records>')


def read_metadata(request: Request, state) -> Response:
    """readMetadata for ConnectedApp; other calls and types answer a fault. The caller holds state.lock."""
    try:
        root = ElementTree.fromstring(request.body)
    except ElementTree.ParseError:
        return soap_fault("INVALID_REQUEST", "The request is not a SOAP envelope.", "UnexpectedErrorFault")
    values = {}
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        values.setdefault(local, []).append((element.text or "").strip())
    session_id = (values.get("sessionId") or [""])[0]
    if session_id not in state.sf_sessions:
        return soap_fault("INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session",
                          "UnexpectedErrorFault")
    if "readMetadata" not in values:
        return soap_fault("INVALID_OPERATION", "Only readMetadata is simulated.", "UnexpectedErrorFault")
    md_type = (values.get("type") or [""])[0]
    if md_type != "ConnectedApp":
        return soap_fault("INVALID_TYPE", f"Unknown type name '{md_type}' specified in metadata", "UnexpectedErrorFault")
    apps = state.data["salesforce"].get("connected_apps", {})
    records = "".join(_record(name, apps.get(name)) for name in values.get("fullNames", []))
    body = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="{MD_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse>'
            f'<result>{records}</result></readMetadataResponse></soapenv:Body></soapenv:Envelope>')
    return Response(200, body.encode(), {"Content-Type": "text/xml;charset=UTF-8"})
