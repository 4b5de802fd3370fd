"""The simulated Salesforce Metadata API (SOAP, `/services/Soap/m/{ver}`): `readMetadata` of `ConnectedApp` components
and of the external client app OAuth components, and `listMetadata` of the latter.

Salesforce's Metadata API Developer Guide: readMetadata(type, fullNames[]) returns `records` of that type;
ConnectedApp has `oauthConfig` (callbackUrl, scopes, isAdminApproved, isConsumerSecretOptional, isPkceRequired,
isSecretRequiredForRefreshToken, consumerKey, ...) and `oauthPolicy` (ipRelaxation, refreshTokenPolicy). A name that
does not exist comes back as an empty record (no fullName). The consumer secret is never sent (Salesforce sends it only
with "Allow Access to OAuth Consumer Secrets via Metadata API" and the matching user permission).
Seed: `salesforce.connected_apps.{fullName}: {label, consumer_key, consumer_secret, oauth_config: {...},
oauth_policy: {...}}`; the element order follows the WSDL's sequence.

External client apps (Metadata API Developer Guide: ExtlClntAppGlobalOauthSettings, ExtlClntAppOauthSettings,
ExtlClntAppOauthConfigurablePolicies; each names its app in `externalClientApplication`):
`salesforce.external_client_apps.{name}: {consumer_key, consumer_secret, global_oauth: {...}, oauth: {...},
policies: {...}}`. Their component names here are `{name}_glbloauth`, `{name}_oauth`, `{name}_oauthPlcy`; clients
find them with listMetadata and the `externalClientApplication` field, not by the name.
"""
from __future__ import annotations

from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .salesforce_admin import create_profile
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


ECA_TYPES = {"ExtlClntAppGlobalOauthSettings": ("global_oauth", "_glbloauth"),
             "ExtlClntAppOauthSettings": ("oauth", "_oauth"),
             "ExtlClntAppOauthConfigurablePolicies": ("policies", "_oauthPlcy")}


def _eca_components(state, md_type: str) -> dict:
    """fullName -> (app name, that component's fields) of every external client app."""
    section, suffix = ECA_TYPES[md_type]
    return {name + suffix: (name, app.get(section) or {})
            for name, app in state.data["salesforce"].get("external_client_apps", {}).items()}


def _eca_record(md_type: str, full_name: str, found) -> str:
    if found is None:
        return f'<records xsi:type="{md_type}"/>'
    app_name, fields = found
    values = "".join(f"<{k}>{_value(v)}</{k}>" for k, v in sorted(fields.items()) if v is not None)
    return (f'<records xsi:type="{md_type}"><fullName>{escape(full_name)}</fullName>'
            f'<externalClientApplication>{escape(app_name)}</externalClientApplication>{values}</records>')


def _envelope(operation: str, inner: str) -> Response:
    body = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns="{MD_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><{operation}Response>'
            f'{inner}</{operation}Response></soapenv:Body></soapenv:Envelope>')
    return Response(200, body.encode(), {"Content-Type": "text/xml;charset=UTF-8"})


def _list_metadata(root, state) -> Response:
    results = []
    for query in (e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "queries"):
        md_type = next((c.text for c in query if c.tag.rsplit("}", 1)[-1] == "type"), "")
        if md_type not in ECA_TYPES:
            continue
        for full_name in _eca_components(state, md_type):
            results.append(f"<result><fullName>{escape(full_name)}</fullName><type>{md_type}</type></result>")
    return _envelope("listMetadata", "".join(results))


def read_metadata(request: Request, state) -> Response:
    """readMetadata (ConnectedApp, the external client app OAuth types) and listMetadata (the latter); other calls and
    types answer a fault. The caller holds state.lock."""
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
    if "createMetadata" in values:
        return _create_metadata(values, state)
    if "listMetadata" in values:
        return _list_metadata(root, state)
    if "readMetadata" not in values:
        return soap_fault("INVALID_OPERATION", "Only readMetadata and listMetadata are simulated.", "UnexpectedErrorFault")
    md_type = (values.get("type") or [""])[0]
    if md_type in ECA_TYPES:
        components = _eca_components(state, md_type)
        records = "".join(_eca_record(md_type, name, components.get(name)) for name in values.get("fullNames", []))
        return _envelope("readMetadata", f"<result>{records}</result>")
    if md_type != "ConnectedApp":
        return soap_fault("INVALID_TYPE", f"Unknown type name '{md_type}' specified in metadata", "UnexpectedErrorFault")
    apps = state.data["salesforce"].get("connected_apps", {})
    records = "".join(_record(name, apps.get(name)) for name in values.get("fullNames", []))
    return _envelope("readMetadata", f"<result>{records}</result>")


def _create_metadata(values: dict, state) -> Response:
    """createMetadata of one custom Profile (metadata: fullName, custom, userLicense): a SaveResult."""
    full_name = (values.get("fullName") or [""])[0]
    licence = (values.get("userLicense") or [""])[0]
    session = state.sf_sessions[(values.get("sessionId") or [""])[0]]
    success, message = create_profile(state, session, full_name, licence)
    errors = "" if success else f"<errors><message>{escape(message)}</message><statusCode>DUPLICATE_VALUE</statusCode></errors>"
    return _envelope("createMetadata", f"<result>{errors}<fullName>{escape(full_name)}</fullName>"
                                       f"<success>{str(success).lower()}</success></result>")
