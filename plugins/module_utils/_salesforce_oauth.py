# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Salesforce checks that need no password of the integration user (internal to this collection):

- the consumer key / consumer secret probe of Okta's OAuth version of the integration: one request to Salesforce's
  OAuth token endpoint with a dummy authorization code, which no user takes part in, so it cannot count toward anyone's
  lockout and can run every day;
- the admin session (OAuth 2.0 JWT bearer flow or client credentials flow, through simple-salesforce's
  SalesforceLogin): the integration user named by sf_username read with an administrator's token (the same fitness
  rules as _salesforce_checks, on the same describes and queries), and the connected app's OAuth settings read with
  the Metadata API's readMetadata and compared with what Okta's "Configure OAuth and REST integration" page asks
  (OKTA_CONNECTED_APP_SETTINGS: data, not code).

Every request goes through _salesforce.build_session (the task's timeout and TLS settings, no retry, no redirect).
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ansible.module_utils.basic import env_fallback

from ansible_collections.idm.okta_salesforce.plugins.module_utils._integration_versions import (
    OKTA_OAUTH_CALLBACK_URL,
    SF_AUTH_ARGUMENT_SPEC,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    LoginAnswer,
    SalesforceInputError,
    _TimeoutAndTlsAdapter,
    build_session,
    insecure_request_warnings_silenced,
    login_endpoint,
    read_fitness_records,
    tls_verify_setting,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import (
    FAIL,
    PASS,
    TRANSPORT_OPTIONS,
    USER_CHECKS,
    WARN,
    Check,
    CredentialsReport,
    _user_checks,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._transport import (
    TRANSPORT_KINDS,
    SecretScrubber,
    transport_advice,
    transport_failure,
)

try:
    import requests
    from cryptography.hazmat.primitives import serialization
    from simple_salesforce import Salesforce, SalesforceLogin, format_soql
    from simple_salesforce.exceptions import SalesforceAuthenticationFailed
except ImportError:  # reported by the module (HAS_REQUESTS / HAS_SIMPLE_SALESFORCE)
    pass

# The options of Okta's OAuth version (the same as okta_sf_provisioning's) and of the admin session.
OAUTH_ARGUMENT_SPEC = {
    **SF_AUTH_ARGUMENT_SPEC,
    "sf_oauth_app_name": {"type": "str", "fallback": (env_fallback, ["SF_OAUTH_APP_NAME"])},
    "sf_admin_username": {"type": "str", "fallback": (env_fallback, ["SF_ADMIN_USERNAME"])},
    "sf_admin_consumer_key": {"type": "str", "no_log": False, "fallback": (env_fallback, ["SF_ADMIN_CONSUMER_KEY"])},
    "sf_admin_private_key": {"type": "str", "no_log": True, "fallback": (env_fallback, ["SF_ADMIN_PRIVATE_KEY"])},
    "sf_admin_private_key_file": {"type": "path", "fallback": (env_fallback, ["SF_ADMIN_PRIVATE_KEY_FILE"])},
    "sf_admin_consumer_secret": {"type": "str", "no_log": True, "fallback": (env_fallback, ["SF_ADMIN_CONSUMER_SECRET"])},
}
TOKEN_PATH = "/services/oauth2/token"
METADATA_NS = "http://soap.sforce.com/2006/04/metadata"
# The probe's code: any value Salesforce never issued. Only the answer's error code is read.
DUMMY_CODE = "okta-salesforce-credentials-probe"

# ---------------------------------------------------------------- what Okta asks (data)

# Okta's "Configure OAuth and REST integration" (Salesforce app): the callback URL, the two scopes, a secret for the
# web-server and refresh-token flows, "All users may self-authorize", "Refresh token is valid until revoked".
# Okta's connected-app and external-client-app guides word PKCE differently, so a PKCE mismatch only warns.
# Field names: Metadata API Developer Guide, ConnectedApp (ConnectedAppOauthConfig, ConnectedAppOauthPolicy;
# https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_connectedapp.htm); the same names are in
# simple-salesforce's bundled metadata.wsdl. isAdminApproved false = "All users may self-authorize";
# refreshTokenPolicy "infinite" = "Refresh token is valid until revoked".
CONNECTED_APP_SETUP = "Setup > App Manager > the connected app > Edit"
CONNECTED_APP_OAUTH = CONNECTED_APP_SETUP + " > API (Enable OAuth Settings)"
CONNECTED_APP_POLICIES = "Setup > Connected Apps > Manage Connected Apps > the app > Edit Policies"
ECA_SETTINGS = "Setup > External Client App Manager > the app > Edit Settings > OAuth Settings"
ECA_POLICIES = "Setup > External Client App Manager > the app > Edit Policies > OAuth Policies"
# External client apps keep the same settings in three Metadata API components, each naming its app in
# externalClientApplication (Metadata API Developer Guide: ExtlClntAppGlobalOauthSettings, ExtlClntAppOauthSettings,
# ExtlClntAppOauthConfigurablePolicies - permittedUsersPolicyType AllSelfAuthorized, refreshTokenPolicyType Infinite).
ECA_COMPONENT_TYPES = {"global": "ExtlClntAppGlobalOauthSettings", "oauth": "ExtlClntAppOauthSettings",
                       "policies": "ExtlClntAppOauthConfigurablePolicies"}
# Per setting: where each kind of app keeps it, as (section, field, expected value), and the Setup page.
OKTA_CONNECTED_APP_SETTINGS = (
    {"name": "callback_url", "rule": "has_line", "label": "Callback URL " + OKTA_OAUTH_CALLBACK_URL, "severity": FAIL,
     "connected_app": ("oauthConfig", "callbackUrl", OKTA_OAUTH_CALLBACK_URL, CONNECTED_APP_OAUTH),
     "external_client_app": ("global", "callbackUrl", OKTA_OAUTH_CALLBACK_URL, ECA_SETTINGS)},
    {"name": "scopes", "rule": "includes", "severity": FAIL,
     "label": "Selected OAuth Scopes: Manage user data via APIs (api) and Perform requests at any time "
              "(refresh_token, offline_access)",
     "connected_app": ("oauthConfig", "scopes", ["Api", "RefreshToken"], CONNECTED_APP_OAUTH),
     "external_client_app": ("oauth", "commaSeparatedOauthScopes", ["Api", "RefreshToken"], ECA_SETTINGS)},
    {"name": "secret_for_web_server_flow", "rule": "equals", "severity": FAIL,
     "label": "Require Secret for Web Server Flow (on)",
     "connected_app": ("oauthConfig", "isConsumerSecretOptional", False, CONNECTED_APP_OAUTH),
     "external_client_app": ("global", "isConsumerSecretOptional", False, ECA_SETTINGS)},
    {"name": "secret_for_refresh_token_flow", "rule": "equals", "severity": FAIL,
     "label": "Require Secret for Refresh Token Flow (on)",
     "connected_app": ("oauthConfig", "isSecretRequiredForRefreshToken", True, CONNECTED_APP_OAUTH),
     "external_client_app": ("global", "isSecretRequiredForRefreshToken", True, ECA_SETTINGS)},
    {"name": "permitted_users", "rule": "equals", "severity": FAIL, "label": "Permitted Users: All users may self-authorize",
     "connected_app": ("oauthConfig", "isAdminApproved", False, CONNECTED_APP_POLICIES),
     "external_client_app": ("policies", "permittedUsersPolicyType", "AllSelfAuthorized", ECA_POLICIES)},
    {"name": "refresh_token_policy", "rule": "equals", "severity": FAIL,
     "label": "Refresh Token Policy: Refresh token is valid until revoked",
     "connected_app": ("oauthPolicy", "refreshTokenPolicy", "infinite", CONNECTED_APP_POLICIES),
     "external_client_app": ("policies", "refreshTokenPolicyType", "Infinite", ECA_POLICIES)},
    {"name": "pkce", "rule": "equals", "severity": WARN,
     "label": "Require Proof Key for Code Exchange (PKCE) (off)",
     "connected_app": ("oauthConfig", "isPkceRequired", False, CONNECTED_APP_OAUTH),
     "external_client_app": ("global", "isPkceRequired", False, ECA_SETTINGS)},
)

# ---------------------------------------------------------------- token endpoint answers (probe)

# What the token endpoint answers an authorization-code request whose code is not valid. The client is judged first,
# then its secret, then the code (client authentication comes before the grant: RFC 6749 section 5.2). Salesforce's
# codes and words: invalid_client_id "client identifier invalid" (github.com/omniphx/forrest/issues/184),
# invalid_client "invalid client credentials" (github.com/restforce/restforce/issues/338), invalid_grant for a bad or
# expired code (Salesforce Help, "OAuth 2.0 Web Server Flow for Web App Integration": the code is valid 15 minutes,
# once). The callback URL is NOT judged here: Salesforce documents redirect_uri_mismatch ("redirect_uri must match
# configuration") as an error of the authorization endpoint, sent to the browser (Salesforce Help, "OAuth 2.0
# Authorization Errors"; Knowledge article 001122778), so the probe leaves the callback URL to the admin session's
# policy check and says so. Should Salesforce answer redirect_uri_mismatch here anyway, the probe reports it.
KEY_REMEDY = ("Copy the Consumer Key again from Salesforce (App Manager or External Client App Manager > the app > "
              "Manage Consumer Details) into sf_consumer_key, and check that sf_domain / sf_login_url point "
              "at the org that holds the app (a sandbox: test or its My Domain).")
SECRET_REMEDY = ("Copy the Consumer Secret again (Manage Consumer Details) into sf_consumer_secret, or, after a "
                 "rotation (Generate New Consumer Secret), the new one; then update it in Okta too.")


@dataclass
class ProbeAnswer:
    key_ok: bool | None
    secret_ok: bool | None
    callback_ok: bool | None
    error: str | None
    description: str


def token_url(params) -> str:
    endpoint = login_endpoint(params.get("sf_domain"), params.get("sf_login_url"), params.get("sf_api_version"))
    base = endpoint.base_url or f"https://{endpoint.domain}.salesforce.com"
    return base + TOKEN_PATH


def probe_client(session, url: str, consumer_key: str, consumer_secret: str, timeout: float) -> ProbeAnswer:
    """One authorization-code request with a dummy code: tells a bad key, a bad secret and good ones apart."""
    scrubber = SecretScrubber((consumer_secret,))
    host = urlsplit(url).netloc
    form = {"grant_type": "authorization_code", "code": DUMMY_CODE, "client_id": consumer_key,
            "client_secret": consumer_secret, "redirect_uri": OKTA_OAUTH_CALLBACK_URL}
    try:
        response = session.post(url, data=form)
    except requests.exceptions.RequestException as error:
        failure = transport_failure(error, host, timeout, url=url)
        return ProbeAnswer(None, None, None, failure.kind, scrubber.scrub(failure.sentence))
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = str(body.get("error") or "") if isinstance(body, dict) else ""
    description = scrubber.scrub(str(body.get("error_description") or "") if isinstance(body, dict) else "")
    if code == "invalid_client_id":
        return ProbeAnswer(False, None, None, code, description)
    if code == "invalid_client":
        return ProbeAnswer(True, False, None, code, description)
    if code == "invalid_grant":
        return ProbeAnswer(True, True, None, code, description)
    if code == "redirect_uri_mismatch":
        return ProbeAnswer(True, None, False, code, description)
    return ProbeAnswer(None, None, None, code or f"HTTP {response.status_code}",
                       description or f"{url} answered HTTP {response.status_code}, not an OAuth error.")


def probe_checks(answer: ProbeAnswer) -> list:
    """consumer_key and consumer_secret checks from the probe's answer."""
    said = f"The token endpoint answered {answer.error}" + (f" ({answer.description})" if answer.description else "")
    if answer.key_ok is None and answer.error in TRANSPORT_KINDS:
        advice = transport_advice(answer.error, TRANSPORT_OPTIONS)
        return [Check("consumer_key", FAIL, answer.description, advice),
                Check("consumer_secret", FAIL, "Not checked: Salesforce's token endpoint could not be reached.",
                      advice, ran=False)]
    if answer.key_ok is None:
        remedy = ("Check that sf_domain or sf_login_url points at Salesforce's login host, and look the error up in "
                  "Salesforce Help, \"OAuth 2.0 Authorization Errors\".")
        return [Check("consumer_key", FAIL, said + ", which does not tell whether the key is known.", remedy),
                Check("consumer_secret", FAIL, "Not checked: the consumer key could not be checked.", remedy, ran=False)]
    if not answer.key_ok:
        return [Check("consumer_key", FAIL, said + ": no connected app or external client app of this org has this "
                      "consumer key.", KEY_REMEDY),
                Check("consumer_secret", FAIL, "Not checked: Salesforce checks the secret only for a known consumer key.",
                      KEY_REMEDY, ran=False)]
    checks = [Check("consumer_key", PASS, "Salesforce knows the consumer key (" + said + ").")]
    if answer.secret_ok is False:
        checks.append(Check("consumer_secret", FAIL, said + ": the consumer secret does not belong to this key.", SECRET_REMEDY))
    elif answer.secret_ok:
        checks.append(Check("consumer_secret", PASS, "The consumer secret matches the key (the token endpoint went on "
                                                     "to refuse only the dummy authorization code, as expected)."))
    else:
        checks.append(Check("consumer_secret", WARN, said + ", before judging the secret.",
                            f"Set the connected app's Callback URL to {OKTA_OAUTH_CALLBACK_URL}, then run the test again."))
    return checks


# ---------------------------------------------------------------- admin session

class _RebaseAdapter(_TimeoutAndTlsAdapter):
    """Sends what simple-salesforce addresses to https://{domain}.salesforce.com to sf_login_url instead.

    SalesforceLogin builds its token URL from a domain only; sf_login_url (a proxy, a private endpoint, a test server)
    would otherwise be ignored by the admin session while the rest of the task honours it."""

    def __init__(self, timeout, verify, canonical: str, base_url: str):
        super().__init__(timeout, verify)
        self._canonical = canonical
        self._base_url = base_url

    def send(self, request, **kwargs):  # pylint: disable=arguments-differ
        if request.url.startswith(self._canonical):
            request.url = self._base_url + request.url[len(self._canonical):]
        return super().send(request, **kwargs)


ADMIN_OPTIONS = ("sf_admin_username", "sf_admin_consumer_key", "sf_admin_private_key", "sf_admin_private_key_file",
                 "sf_admin_consumer_secret")


def admin_options_given(params) -> bool:
    return any(params.get(name) for name in ADMIN_OPTIONS)


def admin_flow(params) -> str:
    """jwt_bearer or client_credentials; SalesforceInputError for an incomplete set of sf_admin_* options."""
    key = params.get("sf_admin_consumer_key")
    has_key = params.get("sf_admin_private_key") or params.get("sf_admin_private_key_file")
    # Checked here rather than with mutually_exclusive: AWX injects empty strings for empty fields, which count as unset.
    given = [name for name in ("sf_admin_private_key", "sf_admin_private_key_file", "sf_admin_consumer_secret")
             if params.get(name)]
    if len(given) > 1:
        raise SalesforceInputError(f"{' and '.join(given)} exclude each other: give a private key (JWT bearer flow) or a "
                                   "consumer secret (client credentials flow), one of them.")
    if not key:
        raise SalesforceInputError("The admin session needs sf_admin_consumer_key (the consumer key of the admin's "
                                   "connected app or external client app).")
    if has_key:
        _check_private_key(params)
        if not params.get("sf_admin_username"):
            raise SalesforceInputError("The JWT bearer flow (sf_admin_private_key or sf_admin_private_key_file) needs "
                                       "sf_admin_username: the administrator the token is issued for.")
        return "jwt_bearer"
    if params.get("sf_admin_consumer_secret"):
        return "client_credentials"
    raise SalesforceInputError("The admin session needs sf_admin_private_key or sf_admin_private_key_file (JWT bearer "
                               "flow, with sf_admin_username) or sf_admin_consumer_secret (client credentials flow).")


def _check_private_key(params) -> None:
    """A readable PEM private key, before anything is sent (the message never holds the key)."""
    path = params.get("sf_admin_private_key_file")
    if path:
        try:
            with open(path, "rb") as handle:
                pem = handle.read()
        except OSError as error:
            raise SalesforceInputError(f"sf_admin_private_key_file {path!r} cannot be read: {error.strerror}.") from None
    else:
        pem = params["sf_admin_private_key"].encode()
    try:
        serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        where = "sf_admin_private_key_file" if path else "sf_admin_private_key"
        raise SalesforceInputError(f"{where} is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- or "
                                   "-----BEGIN RSA PRIVATE KEY-----): give the key whose certificate the admin app "
                                   "holds.") from None


def admin_domain(params) -> tuple:
    """The domain SalesforceLogin is given, and the base URL its requests are sent to instead (or None)."""
    domain = (params.get("sf_domain") or "login").strip().lower()
    domain = domain.replace("https://", "").rstrip("/")
    domain = domain[: -len(".salesforce.com")] if domain.endswith(".salesforce.com") else domain
    login_url = params.get("sf_login_url")
    if login_url:
        parts = urlsplit(login_url.strip())
        host = parts.hostname or ""
        if host.endswith(".salesforce.com") and not parts.port:
            return host[: -len(".salesforce.com")], None
        return domain, f"{parts.scheme}://{parts.netloc}"
    return domain, None


def admin_login(session, params, flow: str, timeout: float, verify) -> tuple:
    """(access token, instance host) through simple-salesforce's SalesforceLogin."""
    domain, rebase = admin_domain(params)
    if flow == "client_credentials" and domain in ("login", "test"):
        raise SalesforceInputError("The client credentials flow works only on the org's My Domain: set sf_domain to it "
                                   "(for example acme.my or acme--uat.sandbox.my), not login or test.")
    if rebase:
        canonical = f"https://{domain}.salesforce.com"
        session.mount(canonical + "/", _RebaseAdapter(timeout, verify, canonical, rebase))
    kwargs = {"consumer_key": params["sf_admin_consumer_key"], "domain": domain, "session": session,
              "sf_version": login_endpoint(None, None, params.get("sf_api_version")).api_version}
    if flow == "jwt_bearer":
        kwargs["username"] = params["sf_admin_username"]
        if params.get("sf_admin_private_key"):
            kwargs["privatekey"] = params["sf_admin_private_key"]
        else:
            kwargs["privatekey_file"] = params["sf_admin_private_key_file"]
    else:
        kwargs["consumer_secret"] = params["sf_admin_consumer_secret"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the library warns on "user hasn't approved this consumer"; the check says it
        return SalesforceLogin(**kwargs)


ADMIN_REMEDIES = {
    "invalid_client_id": "sf_admin_consumer_key is not the consumer key of a connected app or external client app of "
                         "this org: copy it again (Manage Consumer Details), and check sf_domain / sf_login_url.",
    "invalid_client": "sf_admin_consumer_secret does not belong to sf_admin_consumer_key: copy it again.",
    "invalid_grant": "For the JWT bearer flow: upload the certificate of sf_admin_private_key to the admin app (Use "
                     "digital signatures), set its Permitted Users to \"Admin approved users are pre-authorized\" and "
                     "add the administrator's profile or permission set, and use sf_domain test for a sandbox. For the "
                     "client credentials flow: enable it on the app and set its Run As user.",
}


def admin_session_check(flow: str, who: str, error: Exception | None, scrubber) -> Check:
    name = "JWT bearer flow" if flow == "jwt_bearer" else "client credentials flow"
    if error is None:
        return Check("admin_session", PASS, f"Admin session opened with the OAuth 2.0 {name} ({who}).")
    if isinstance(error, SalesforceAuthenticationFailed):
        code = str(error.code)
        detail = f"Salesforce refused the admin session ({name}): {code}: {scrubber.scrub(str(error.auth_message or ''))}"
        return Check("admin_session", FAIL, detail, ADMIN_REMEDIES.get(code, ADMIN_REMEDIES["invalid_grant"]))
    if isinstance(error, requests.exceptions.RequestException):
        failure = transport_failure(error, "Salesforce", 0)
        return Check("admin_session", FAIL, scrubber.scrub(failure.sentence), transport_advice(failure.kind, TRANSPORT_OPTIONS))
    return Check("admin_session", FAIL, f"The admin session could not be opened: {type(error).__name__}: "
                 f"{scrubber.scrub(str(error))}", "Check the sf_admin_* options (a PEM private key, a readable file).")


def find_user_id(client, username: str) -> str | None:
    rows = client.query(format_soql("SELECT Id FROM User WHERE Username = {}", username))["records"]
    return rows[0]["Id"] if rows else None


# ---------------------------------------------------------------- connected app policy (Metadata API)

def _soap(session, instance: str, api_version: str, token: str, operation: str, inner: str):
    """One Metadata API call; the answer's root element. ValueError for a SOAP fault."""
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:md="{METADATA_NS}"><soapenv:Header><md:SessionHeader><md:sessionId>{escape(token)}</md:sessionId>'
        f'</md:SessionHeader></soapenv:Header><soapenv:Body><md:{operation}>{inner}</md:{operation}></soapenv:Body>'
        '</soapenv:Envelope>')
    response = session.post(f"https://{instance}/services/Soap/m/{api_version}", data=envelope.encode(),
                            headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": operation})
    root = ET.fromstring(response.content)
    if response.status_code != 200:
        fault = next((e.text for e in root.iter() if _local(e) == "faultstring"), None)
        raise ValueError(f"{operation} answered HTTP {response.status_code}: {fault or 'no fault string'}")
    return root


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _fields(element) -> dict:
    """A record's child elements as values (true/false as booleans; repeated ones, such as scopes, as lists)."""
    values = {}
    for child in list(element) if element is not None else []:
        text = (child.text or "").strip()
        value = {"true": True, "false": False}.get(text, text)
        if _local(child) in values or _local(child) == "scopes":
            previous = values.get(_local(child), [])
            values[_local(child)] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            values[_local(child)] = value
    return values


def _read(session, instance, api_version, token, md_type: str, names) -> list:
    inner = f"<md:type>{md_type}</md:type>" + "".join(f"<md:fullNames>{escape(n)}</md:fullNames>" for n in names)
    root = _soap(session, instance, api_version, token, "readMetadata", inner)
    return [e for e in root.iter() if _local(e) == "records" and e.find(f"{{{METADATA_NS}}}fullName") is not None]


def read_oauth_app(session, instance: str, api_version: str, token: str, name: str):
    """(kind, sections) of the connected app or external client app with API name `name`, or (None, None).

    Connected app: readMetadata('ConnectedApp', [name]) -> {oauthConfig, oauthPolicy}. External client app: listMetadata
    of its three OAuth component types, then readMetadata of those, keeping the ones whose externalClientApplication
    is `name` -> {global, oauth, policies} (their own names are not assumed)."""
    records = _read(session, instance, api_version, token, "ConnectedApp", [name])
    if records:
        return "connected_app", {section: _fields(records[0].find(f"{{{METADATA_NS}}}{section}"))
                                 for section in ("oauthConfig", "oauthPolicy")}
    queries = "".join(f"<md:queries><md:type>{t}</md:type></md:queries>" for t in ECA_COMPONENT_TYPES.values())
    root = _soap(session, instance, api_version, token, "listMetadata", queries + f"<md:asOfVersion>{api_version}</md:asOfVersion>")
    listed = {}
    for result in (e for e in root.iter() if _local(e) == "result"):
        item = _fields(result)
        listed.setdefault(item.get("type"), []).append(item.get("fullName"))
    found = {}
    for section, md_type in ECA_COMPONENT_TYPES.items():
        names = listed.get(md_type, [])
        for start in range(0, len(names), 10):   # readMetadata takes at most 10 names
            for record in _read(session, instance, api_version, token, md_type, names[start:start + 10]):
                fields = _fields(record)
                if fields.get("externalClientApplication") == name:
                    found[section] = fields
    return ("external_client_app", found) if found else (None, None)


def _matches(rule: str, actual, expected) -> bool:
    if rule == "has_line":
        return expected in [line.strip() for line in str(actual or "").splitlines()]
    if rule == "includes":
        values = actual if isinstance(actual, list) else [v.strip() for v in str(actual or "").split(",")]
        return set(expected) <= set(values)
    return actual == expected


def policy_checks(app_name: str, kind: str, found: dict, settings=OKTA_CONNECTED_APP_SETTINGS) -> list:
    """One check per expected setting: oauth_policy_<name>."""
    checks = []
    what = "Connected app" if kind == "connected_app" else "External client app"
    for setting in settings:
        section, field_name, expected, where = setting[kind]
        actual = (found.get(section) or {}).get(field_name)
        name = "oauth_policy_" + setting["name"]
        shown = f"{what} {app_name}: {field_name} is {actual!r}"
        if _matches(setting["rule"], actual, expected):
            checks.append(Check(name, PASS, f"{shown}, as Okta asks ({setting['label']})."))
        else:
            checks.append(Check(name, setting["severity"], f"{shown}; Okta asks for {setting['label']} ({expected!r}).",
                                f"Set {setting['label']} in {where}, as Okta's \"Configure OAuth and REST integration\" "
                                "page for the Salesforce app lists it."))
    return checks


# ---------------------------------------------------------------- the run

def uses_admin_or_oauth(params) -> bool:
    """True when the test runs here: the OAuth version, or the password version checked without the user's password."""
    return params.get("sf_auth") == "oauth" or (not params.get("sf_password") and admin_options_given(params))


def run_oauth_and_admin_test(params: dict) -> CredentialsReport:
    """The probe (sf_auth oauth) and, with sf_admin_*, the integration user and the connected app's policy.

    Sends no login of the integration user at all: `login.attempted` stays false."""
    verify = tls_verify_setting(params.get("sf_validate_certs", True), params.get("sf_ca_path"))
    timeout = float(params.get("sf_timeout") or 30)
    oauth = params.get("sf_auth") == "oauth"
    endpoint = login_endpoint(params.get("sf_domain"), params.get("sf_login_url"), params.get("sf_api_version"))
    with_admin = admin_options_given(params)
    flow = admin_flow(params) if with_admin else None
    if oauth and not (params.get("sf_consumer_key") and params.get("sf_consumer_secret")):
        raise SalesforceInputError("sf_auth oauth needs sf_consumer_key and sf_consumer_secret (the connected app's "
                                   "Consumer Key and Consumer Secret, as entered in Okta).")
    if not oauth and not with_admin:
        raise SalesforceInputError("sf_password is required, unless an admin session (sf_admin_*) checks the user.")
    secrets = [params.get(n) or "" for n in ("sf_consumer_secret", "sf_admin_private_key", "sf_admin_consumer_secret")]
    scrubber = SecretScrubber(secrets)
    report = CredentialsReport()
    report.login.update(login_host=endpoint.host, api_version=endpoint.api_version)
    report.user["username"] = params.get("sf_username")
    extra = {"auth": params.get("sf_auth") or "password_token", "callback_url_checked_by": None,
             "admin_session": {"flow": flow, "opened": False}}
    report.extra = extra

    with build_session(timeout, verify) as session, insecure_request_warnings_silenced():
        if oauth:
            answer = probe_client(session, token_url(params), params["sf_consumer_key"], params["sf_consumer_secret"], timeout)
            report.checks.extend(probe_checks(answer))
            if answer.callback_ok is False:
                extra["callback_url_checked_by"] = "token_endpoint"
        if not with_admin:
            report.warnings.append(
                "No admin session (sf_admin_*): the integration user, its profile and the connected app's callback URL "
                "and OAuth policy were not checked; the token endpoint does not judge the callback URL.")
            report.scrub(secrets)
            return report
        try:
            token, instance = admin_login(session, params, flow, timeout, verify)
            error = None
        except SalesforceInputError:
            raise
        except Exception as failure:  # pylint: disable=broad-exception-caught
            token = instance = None
            error = failure
        who = params.get("sf_admin_username") or "the app's Run As user"
        report.checks.append(admin_session_check(flow, who, error, scrubber))
        if error is not None:
            report.add_not_run(("user_found",) + USER_CHECKS if params.get("sf_username") else (),
                               "the admin session could not be opened (see admin_session).")
            report.scrub(secrets)
            return report
        extra["admin_session"]["opened"] = True
        scrubber = SecretScrubber(secrets + [token])
        _admin_user_checks(report, params, session, token, instance, endpoint.api_version, timeout)
        if oauth:
            _admin_policy_checks(report, params, session, token, instance, endpoint.api_version, scrubber)
    report.scrub(secrets + [token])
    return report


def _admin_user_checks(report, params, session, token, instance, api_version, timeout) -> None:
    username = params.get("sf_username")
    if not username:
        report.warnings.append("sf_username is not set: the integration user was not checked.")
        return
    client = Salesforce(session_id=token, instance=instance, session=session, version=api_version)
    try:
        user_id = find_user_id(client, username)
    except Exception as error:  # pylint: disable=broad-exception-caught
        report.checks.append(Check("user_found", FAIL, f"The User query failed: {type(error).__name__}",
                                   "Give the admin session's user View Setup and Configuration and API Enabled."))
        report.add_not_run(USER_CHECKS, "the user could not be looked up (see user_found).")
        return
    if user_id is None:
        report.checks.append(Check("user_found", FAIL, f"No Salesforce user has the username {username}.",
                                   "Check sf_username (a Salesforce username, often with a suffix in a sandbox), or "
                                   "create the integration user (Setup > Users > Users > New User)."))
        report.add_not_run(USER_CHECKS, "the user does not exist (see user_found).")
        return
    report.checks.append(Check("user_found", PASS, f"The user {username} exists ({user_id}); read with the admin "
                                                   "session, without the user's password."))
    answer = LoginAnswer(session_id=token, instance=instance, user_id=user_id, password_expired=None, sandbox=None,
                         user_info={})
    records = read_fitness_records(session, answer, api_version, timeout)
    report.user["id"] = user_id
    _user_checks(report, records)
    if records.organization is not None:
        org = records.organization
        report.org.update(id=org.get("Id"), name=org.get("Name"), is_sandbox=org.get("IsSandbox"),
                          organization_type=org.get("OrganizationType"), instance=org.get("InstanceName"))


def _admin_policy_checks(report, params, session, token, instance, api_version, scrubber) -> None:
    name = params.get("sf_oauth_app_name")
    if not name:
        report.warnings.append("sf_oauth_app_name is not set: the connected app's callback URL and OAuth policy were "
                               "not checked. Set it to the app's API name to compare them with what Okta asks.")
        return
    try:
        kind, found = read_oauth_app(session, instance, api_version, token, name)
    except Exception as error:  # pylint: disable=broad-exception-caught
        report.checks.append(Check("oauth_policy_read", FAIL, scrubber.scrub(f"The app {name} could not be read through "
                                   f"the Metadata API: {type(error).__name__}: {error}"),
                                   "Give the admin session's user the Customize Application and Modify Metadata "
                                   "permissions (external client apps: also View all External Client Apps, view "
                                   "their settings, and edit their policies)."))
        return
    if found is None:
        report.checks.append(Check("oauth_policy_read", FAIL, f"No connected app or external client app has the API "
                                   f"name {name}.", "Set sf_oauth_app_name to the app's API Name (App Manager or "
                                   "External Client App Manager > the app)."))
        return
    report.extra["oauth_app"] = {"name": name, "kind": kind}
    report.checks.extend(policy_checks(name, kind, found))
    report.extra["callback_url_checked_by"] = "admin_session"
