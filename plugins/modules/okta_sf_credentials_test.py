#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) idm.okta_salesforce contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_sf_credentials_test
short_description: Test the Salesforce API user that Okta provisions with, and say how to fix it
version_added: 0.1.0
description:
  - Logs in to Salesforce as the API user (the SOAP C(login) call, with the password followed by the security token)
    and checks that the user is fit for Okta's Salesforce provisioning, as Okta's Salesforce guide asks.
  - Read-only. Never reports C(changed). Runs the same read-only login and queries in check mode.
  - 'Each check returns C(pass), C(warn) or C(fail) with a detail and, unless it passed, a remedy a person can act
    on (with the Salesforce Setup path). The checks, in order:'
  - C(secrets_whitespace) - neither O(sf_password) nor O(sf_security_token) starts with, ends with or contains
    whitespace. When it fails, nothing is sent to Salesforce.
  - C(login) - Salesforce accepts the login. Each Salesforce fault code (C(INVALID_LOGIN), C(LOGIN_MUST_USE_SECURITY_TOKEN),
    C(API_DISABLED_FOR_ORG), C(PASSWORD_LOCKOUT), C(LOGIN_DURING_RESTRICTED_DOMAIN), ...), a disabled or retired SOAP
    C(login) call, and network or TLS errors each get their own remedy. C(PASSWORD_LOCKOUT) says how to unlock the
    user and how to find when the lock ends. When the org has SOAP C(login) turned off, the check says that Okta's
    username, password and token integration cannot work on that org either, and points to enabling the call and to
    Okta's OAuth version of the integration.
  - C(password_not_expired) - the login answer does not flag the password as expired.
  - C(user_active) - the user is active.
  - C(standard_user) - the user type is C(Standard) (an internal user with a Salesforce license); C(warn) otherwise.
    Whether the account serves only Okta cannot be seen through the API.
  - C(api_enabled_on_profile) and C(manage_users_on_profile) - the user's profile grants API Enabled and Manage Users.
    C(warn) when only an assigned permission set grants it, C(fail) when nothing does.
  - C(delegated_auth_off) - Is Single Sign-On Enabled (delegated authentication) is off on the profile and on every
    assigned permission set; a failure names each of them. In an org where delegated authentication is not enabled the
    permission does not exist, and the check passes saying so.
  - C(org_type_matches_app) - only when O(app_id) or O(app_label) is set (with O(sf_auth=oauth), only with an admin
    session, since the token-endpoint probe reads no org) - the org is a sandbox exactly when the Okta app's
    instance type is C(SANDBOX) (C(PRODUCTION) and C(GOVERNMENT) are production orgs).
  - A check that cannot run because an earlier one failed (no login, an expired password, a failed query) is still
    returned, with status C(fail) and a detail starting with C(Not checked:), so RV(checks) always holds the same names.
    A failed query leaves unchecked only the checks that need its answer, and the detail gives Salesforce's error code.
  - Logs in at most once per task, and never again after a refused login, a redirect or a lost answer, whatever the
    error. Salesforce locks the user after a number of failed logins (the org's password policy, 10 by default), and
    a locked integration user stops Okta's provisioning; so schedule this test with care when the password may be
    stale.
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.salesforce
  - idm.okta_salesforce.salesforce_admin
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.attributes
  - idm.okta_salesforce.attributes.actiongroup_okta
attributes:
  check_mode:
    support: full
    details:
      - The module only reads, so check mode runs the same login and queries and returns the same results.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  action_group:
    details:
      - The Okta options are needed only with O(app_id) or O(app_label); without them the module does not contact Okta.
options:
  sf_auth:
    description:
      - Which version of Okta's Salesforce integration the credentials are for.
      - V(password_token) - the original version (username, password and security token). The module logs in with
        SOAP C(login) when O(sf_password) is set, or checks the user through the admin session without any login.
      - V(oauth) - Okta's OAuth version (the default for new Okta orgs). The module checks O(sf_consumer_key) and
        O(sf_consumer_secret) with one request to Salesforce's OAuth token endpoint
        (C(POST /services/oauth2/token), an authorization-code request with a code that is not valid). Salesforce
        answers C(invalid_client_id) for an unknown key, C(invalid_client) for a wrong secret and C(invalid_grant)
        when both are right. No user takes part, so nothing counts toward anyone's lockout.
      - The token endpoint does not judge the callback URL (Salesforce reports a wrong one, C(redirect_uri_mismatch),
        only to a browser at the authorization endpoint); the admin session's policy check does, and
        RV(callback_url_checked_by) says which checked it.
      - If not set, the value of the E(SF_AUTH) environment variable is used.
    type: str
    choices: [password_token, oauth]
    default: password_token
  sf_consumer_key:
    description:
      - Consumer Key of the Salesforce connected app (or external client app) that Okta's OAuth version uses.
      - If not set, the value of the E(SF_CONSUMER_KEY) environment variable is used.
    type: str
  sf_consumer_secret:
    description:
      - Consumer Secret of that app. Never logged or returned.
      - If not set, the value of the E(SF_CONSUMER_SECRET) environment variable is used.
    type: str
  sf_oauth_app_name:
    description:
      - API name of that connected app or external client app. With an admin session, its OAuth settings are read
        through the Metadata API (C(readMetadata) of C(ConnectedApp); for an external client app, C(listMetadata) and
        C(readMetadata) of C(ExtlClntAppGlobalOauthSettings), C(ExtlClntAppOauthSettings) and
        C(ExtlClntAppOauthConfigurablePolicies)) and compared with the settings Okta's "Configure OAuth and REST
        integration" page lists; one C(oauth_policy_*) check per setting.
      - If not set, the value of the E(SF_OAUTH_APP_NAME) environment variable is used.
    type: str
  app_id:
    description:
      - Id of the Okta Salesforce app (C(0oa...)) whose instance type the org is compared with (check C(org_type_matches_app)).
      - Needs the Okta connection options (O(org_url) and an authentication method). Mutually exclusive with O(app_label).
    type: str
  app_label:
    description:
      - Label of the Okta Salesforce app, for example C(Salesforce.com), instead of O(app_id).
      - The task fails, listing the candidates, when no Salesforce app or several carry it.
    type: str
  fail_on:
    description:
      - What a failed check does to the task.
      - V(fail) fails the task; its message names every failed check with its remedy.
      - V(warn) keeps the task ok and shows one warning per failed check.
      - V(never) keeps the task ok without warnings; read RV(passed) and RV(checks) from the registered result.
      - With V(fail) and V(warn), checks with status C(warn) are also shown as warnings.
      - Bad options (an invalid O(sf_domain), O(sf_login_url) or O(sf_api_version), an unreadable O(sf_ca_path)) and
        Okta errors while looking up the app fail the task whatever this is set to.
    type: str
    choices: [fail, warn, never]
    default: fail
notes:
  - Sends a SOAP C(login) call to C(https://{sf_domain}.salesforce.com/services/Soap/u/{sf_api_version}) (or O(sf_login_url)), then,
    on the instance the login names, two REST describes (C(GET /services/data/vXX.X/sobjects/Profile/describe) and
    C(.../PermissionSet/describe), to learn which permission fields the org has) and three SOQL queries (User,
    PermissionSetAssignment, Organization) that name only those fields. All are public, documented Salesforce APIs;
    nothing is written. The session is not kept.
  - Salesforce turns the SOAP C(login) call off by default in orgs created from Winter '26, does not offer it from API 65.0, and
    retires it in Summer '27. Okta's own username, password and token integration relies on it as well; the lasting
    alternative is Okta's OAuth-based Salesforce integration.
  - With O(app_id) or O(app_label), reads the app with C(GET /api/v1/apps/{appId}) or C(GET /api/v1/apps?filter=name eq "salesforce")
    (public, documented; scope C(okta.apps.read)).
  - The Okta option O(org_url) is not required by this module (it is when O(app_id) or O(app_label) is set).
  - Requires the Python libraries C(requests) and C(simple-salesforce) on the host that runs the module.
  - The admin session (O(sf_admin_username) and the other C(sf_admin_*) options) checks the integration user
    O(sf_username) (active, user type, profile permissions, delegated authentication) without its password, and, with
    O(sf_oauth_app_name), the connected app's OAuth policy. It logs in through simple-salesforce's C(SalesforceLogin)
    (JWT bearer or client credentials flow), then uses the same describes and SOQL queries as the login path, looking the user up by O(sf_username),
    and the Metadata API's C(readMetadata) for the connected app. All public, documented Salesforce APIs; read-only.
  - "With O(sf_auth=oauth) the checks are: C(consumer_key), C(consumer_secret); with an admin session also
    C(admin_session), C(user_found), C(user_active), C(standard_user), C(api_enabled_on_profile),
    C(manage_users_on_profile), C(delegated_auth_off), and with O(sf_oauth_app_name) C(oauth_policy_callback_url),
    C(oauth_policy_scopes), C(oauth_policy_secret_for_web_server_flow), C(oauth_policy_secret_for_refresh_token_flow),
    C(oauth_policy_permitted_users), C(oauth_policy_refresh_token_policy), C(oauth_policy_pkce) (a PKCE mismatch only
    warns: Okta's guides differ on it)."
  - The OAuth probe and the admin session send no login of the integration user (RV(login.attempted) stays false).
requirements:
  - requests
  - simple-salesforce >= 1.12.8
seealso:
  - module: idm.okta_salesforce.okta_sf_provisioning
"""

EXAMPLES = r"""
- name: Test the Salesforce API user (fails the task, with remedies, if a check fails)
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_username: okta.api@acme.com
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"

- name: Test a sandbox user through its My Domain, and check the Okta app is set to SANDBOX
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_username: okta.api@acme.com.uat
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"
    sf_domain: acme--uat.sandbox.my
    org_url: https://acme.okta.com
    api_token: "{{ vault_okta_api_token }}"
    app_label: Salesforce Sandbox

- name: Audit without failing, then report
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_username: okta.api@acme.com
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"
    fail_on: never
  register: sf_test

- name: Show what to fix
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.detail }} -> {{ item.remedy }}"
  loop: "{{ sf_test.checks | rejectattr('status', 'equalto', 'pass') }}"

- name: Credentials from the environment (SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN, SF_DOMAIN)
  idm.okta_salesforce.okta_sf_credentials_test:
    fail_on: warn

- name: Through a TLS-inspecting proxy whose CA is not in the system store
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_username: okta.api@acme.com
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"
    sf_ca_path: /etc/pki/tls/certs/proxy-ca.pem
    sf_timeout: 60

- name: Okta's OAuth version - check the consumer key and secret (no user, no login), every day if you like
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_auth: oauth
    sf_consumer_key: "{{ vault_sf_consumer_key }}"
    sf_consumer_secret: "{{ vault_sf_consumer_secret }}"
    sf_domain: acme.my

- name: OAuth version with an admin session - also the integration user and the connected app's OAuth policy
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_auth: oauth
    sf_consumer_key: "{{ vault_sf_consumer_key }}"
    sf_consumer_secret: "{{ vault_sf_consumer_secret }}"
    sf_oauth_app_name: Okta_Provisioning
    sf_username: okta.api@acme.com
    sf_admin_username: admin@acme.com
    sf_admin_consumer_key: "{{ vault_sf_admin_consumer_key }}"
    sf_admin_private_key_file: /etc/ansible/keys/sf-admin.pem
    sf_domain: acme.my

- name: Password + token version, the user's profile checked without its password (no login as the user)
  idm.okta_salesforce.okta_sf_credentials_test:
    sf_username: okta.api@acme.com
    sf_domain: acme.my
    sf_admin_consumer_key: "{{ vault_sf_admin_consumer_key }}"
    sf_admin_consumer_secret: "{{ vault_sf_admin_consumer_secret }}"
"""

RETURN = r"""
passed:
  description: True when no check has status C(fail) (checks with status C(warn) allowed).
  returned: success or failed check
  type: bool
  sample: true
checks:
  description: The checks in the order they ran; see the description for each name.
  returned: success or failed check
  type: list
  elements: dict
  contains:
    name:
      description: Name of the check.
      type: str
      sample: delegated_auth_off
    status:
      description: C(pass), C(warn) or C(fail).
      type: str
      sample: fail
    detail:
      description: What was found. Starts with C(Not checked:) when an earlier check kept this one from running.
      type: str
      sample: Delegated authentication (Is Single Sign-On Enabled) is on for permission set 'SSO Users'.
    remedy:
      description: What to do about it, with Salesforce Setup paths. Empty when the check passed.
      type: str
      sample: Turn Is Single Sign-On Enabled off for the API user in Setup > Users > Permission Sets > SSO Users > System Permissions.
user:
  description: The Salesforce API user, as far as it could be read (unknown values are null).
  returned: success or failed check
  type: dict
  contains:
    id:
      description: Salesforce user id.
      type: str
      sample: 005Hn00000A1b2CIAR
    username:
      description: Salesforce username.
      type: str
      sample: okta.api@acme.com
    profile:
      description: Name of the user's profile.
      type: str
      sample: System Administrator
    user_type:
      description: Salesforce C(UserType), C(Standard) for internal users.
      type: str
      sample: Standard
    active:
      description: Whether the user is active.
      type: bool
      sample: true
org:
  description: The Salesforce org, as far as it could be read (unknown values are null).
  returned: success or failed check
  type: dict
  contains:
    id:
      description: Organization id.
      type: str
      sample: 00DHn0000001aBcMAI
    name:
      description: Organization name.
      type: str
      sample: Acme Corp
    is_sandbox:
      description: Whether the org is a sandbox.
      type: bool
      sample: false
    organization_type:
      description: Edition, for example C(Enterprise Edition).
      type: str
      sample: Enterprise Edition
    instance:
      description: Salesforce instance name.
      type: str
      sample: NA224
auth:
  description: The integration version the test ran for (O(sf_auth)).
  returned: with O(sf_auth=oauth) or an admin session
  type: str
  sample: oauth
callback_url_checked_by:
  description:
    - What checked the connected app's callback URL - C(admin_session) (the policy check), C(token_endpoint) (should
      Salesforce ever answer C(redirect_uri_mismatch) to the probe), or null (not checked; a warning says so).
  returned: with O(sf_auth=oauth) or an admin session
  type: str
  sample: admin_session
oauth_app:
  description: The app whose OAuth policy was compared (O(sf_oauth_app_name)) and its kind, C(connected_app) or C(external_client_app).
  returned: when the admin session read it
  type: dict
  sample: {name: Okta_Provisioning, kind: connected_app}
admin_session:
  description: The admin session - C(flow) (C(jwt_bearer) or C(client_credentials), null without one) and C(opened). Its token is never returned.
  returned: with O(sf_auth=oauth) or an admin session
  type: dict
  sample: {flow: jwt_bearer, opened: true}
login:
  description: The SOAP login. The session id is never returned.
  returned: success or failed check
  type: dict
  contains:
    login_host:
      description: Host the login was sent to.
      type: str
      sample: login.salesforce.com
    api_version:
      description: API version used.
      type: str
      sample: "64.0"
    attempted:
      description:
        - Whether a login was sent to Salesforce (at most one per task). False when the task stopped before it, for
          example on whitespace in the password or token. A refused login counts toward the user's lockout.
      type: bool
      sample: true
    fault:
      description:
        - The fault code Salesforce refused the login with (for example C(INVALID_LOGIN), C(PASSWORD_LOCKOUT),
          C(INVALID_OPERATION)); null when the login succeeded, was not sent, or got no Salesforce answer.
      type: str
      sample: INVALID_LOGIN
    server:
      description: Instance host named in the login answer (C(serverUrl)); null when the login failed.
      type: str
      sample: acme.my.salesforce.com
    sandbox:
      description: The login answer's C(sandbox) flag; null when the login failed.
      type: bool
      sample: false
    password_expired:
      description: The login answer's C(passwordExpired) flag; null when the login failed.
      type: bool
      sample: false
app:
  description: The Okta app the org type was compared with.
  returned: when O(app_id) or O(app_label) is set
  type: dict
  contains:
    id:
      description: App id.
      type: str
      sample: 0oa1b2c3d4SalesForce
    label:
      description: App label.
      type: str
      sample: Salesforce.com
    instance_type:
      description: The app's C(settings.app.instanceType), in lower case as O(idm.okta_salesforce.okta_sf_provisioning#module:instance_type) spells it.
      type: str
      sample: production
api_calls:
  description: Okta API requests this task sent, by HTTP method and in total (retries and OAuth token requests included).
  returned: always
  type: dict
  sample: {GET: 2, total: 2}
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError, InputError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import app_summary, find_app
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    HAS_REQUESTS,
    HAS_SIMPLE_SALESFORCE,
    SALESFORCE_ARGUMENT_SPEC,
    login_endpoint,
    tls_verify_setting,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import (
    org_type_matches_app_check,
    run_credentials_test,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_oauth import (
    OAUTH_ARGUMENT_SPEC,
    run_oauth_and_admin_test,
    uses_admin_or_oauth,
)


def okta_app_to_compare(module):
    """The Okta app named by app_id/app_label, or None when neither is set (Okta is then not contacted)."""
    params = module.params
    if not (params["app_id"] or params["app_label"]):
        return None
    if not params["org_url"]:
        raise InputError("app_id and app_label need the Okta connection: set org_url (or OKTA_ORG_URL) and "
                         "api_token or the OAuth options, or drop app_id/app_label to test only Salesforce.")
    return find_app(module.client, app_id=params["app_id"], app_label=params["app_label"])


def test_credentials(module):
    params = module.params
    for library, present in (("requests", HAS_REQUESTS), ("simple-salesforce", HAS_SIMPLE_SALESFORCE)):
        if not present:
            raise CollectionError(missing_required_lib(library))
    # Bad Salesforce options fail before anything is sent, to Okta or Salesforce.
    login_endpoint(params["sf_domain"], params["sf_login_url"], params["sf_api_version"])
    tls_verify_setting(params["sf_validate_certs"], params["sf_ca_path"])
    warnings = []
    if not params["sf_validate_certs"] and not params["sf_ca_path"]:
        warnings.append("sf_validate_certs is false: Salesforce's TLS certificate is not checked, so the password and "
                        "security token can be intercepted. Use sf_ca_path for a private CA instead.")

    if uses_admin_or_oauth(params):
        app = okta_app_to_compare(module)
        report = run_oauth_and_admin_test(params)
        # The token-endpoint probe alone reads no org: only an admin session tells a sandbox from production.
        if app is not None and (report.org or {}).get("is_sandbox") is not None:
            report.checks.append(org_type_matches_app_check(report.org["is_sandbox"], app))
    else:
        if not params["sf_username"] or not params["sf_password"]:
            raise InputError("sf_username and sf_password are required for sf_auth password_token, unless an admin "
                             "session (sf_admin_*) checks the user without its password.")
        app = okta_app_to_compare(module)
        report = run_credentials_test(params, okta_app=app)
    result = dict(report.as_result(), changed=False)
    if app is not None:
        summary = app_summary(module.client, app)
        result["app"] = {name: summary[name] for name in ("id", "label", "instance_type")}
    warnings += report.warnings
    fail_on = params["fail_on"]
    if fail_on != "never":
        warnings += [f"Salesforce check {check.name}: {check.detail} Remedy: {check.remedy}" for check in report.warnings_raised]
    if not report.passed and fail_on == "warn":
        warnings += [f"Salesforce check {check.name} failed: {check.detail} Remedy: {check.remedy}" for check in report.failures]
    result["warnings"] = warnings
    if not report.passed and fail_on == "fail":
        raise CollectionError(report.summary(params["sf_username"] or params["sf_consumer_key"] or ""), **result)
    return result


def main():
    module = OktaModule(
        argument_spec=dict(
            SALESFORCE_ARGUMENT_SPEC,
            **OAUTH_ARGUMENT_SPEC,
            app_id=dict(type="str"),
            app_label=dict(type="str"),
            fail_on=dict(type="str", default="fail", choices=["fail", "warn", "never"]),
        ),
        mutually_exclusive=[["app_id", "app_label"]],
    )
    module.run(test_credentials)


if __name__ == "__main__":
    main()
