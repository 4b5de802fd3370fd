#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_sf_provisioning
short_description: Enable and configure Salesforce provisioning on an Okta Salesforce.com app
version_added: 0.1.0
description:
  - Finds the Okta Salesforce.com app (by O(app_id) or O(app_label)), or creates it with O(create_app=true),
    and brings its provisioning to the wanted state, as steps 2 to 13 of Okta's "Enable Salesforce
    provisioning" procedure do in the Admin Console.
  - Configures the API integration (the Salesforce API user's username, password + security token, and
    "Allow pushing null values"), then the To App settings (O(to_app)) and the To Okta settings (O(to_okta)).
  - Reads first and writes only what differs. Only options that are set are enforced; every option left
    unset keeps its current value in Okta.
  - B(The API-integration call is modelled.) Okta publishes no API for Salesforce's "Configure API
    Integration" form. This module models that step on Okta's public connections API
    (C(POST /api/v1/apps/{appId}/connections/default?activate=true) with the TOKEN scheme, the username and
    C(allowPushNullValues) in the profile, and the password immediately followed by the security token as
    the token).
  - B(The connection and features endpoints are documented by Okta for other apps only.) Okta's API reference
    lists the apps its Application Connections API supports (C(okta_org2org), C(zscalerbyz) with a token;
    C(google), C(office365), C(okta_org2org), C(slack), C(zoomus) with OAuth 2.0) and the apps its Application
    Features API supports (USER_PROVISIONING, the To App settings, for C(google), C(office365), C(okta_org2org),
    C(slack), C(zoomus), C(zscalerbyz); INBOUND_PROVISIONING, the To Okta settings, for the same apps but
    C(zscalerbyz)). Salesforce is not among them.
    The module uses these endpoints for Salesforce as they are documented for those apps; see the notes for
    each call and its status.
  - 'An org that does not expose these calls for Salesforce answers C(authScheme: UNKNOWN) for the connection, or
    refuses the reads with an HTTP 400, 403, 404 (the statuses Okta''s API reference lists for them) or 501.
    With O(manage_connection=true) the module then fails with a message that says so and gives the Admin
    Console link of the app''s provisioning tab (a 403 can also mean that the token lacks the permission: the
    message says so). Configure the API integration there by hand and use O(manage_connection=false); the
    module then verifies provisioning from the app''s C(features) array and manages what the API exposes (see
    O(manage_connection)). A 401 (credentials), 429 (rate limit) or 5xx still fails the task as an Okta error.'
  - O(sf_username), O(sf_password) and O(sf_security_token) are needed to enable the API integration the first
    time, and whenever it must be saved again (see O(update_credentials)); otherwise they can be left out.
    The module joins password and security token itself.
  - Okta tests the credentials against Salesforce when the API integration is saved, so every save is a
    Salesforce login of the API user, and failed logins count towards its lockout. When Salesforce refuses
    them, the task fails naming the Salesforce fault code (for example C(INVALID_LOGIN)) and Okta's request
    id; the save is never resent, and nothing after that step is written. When Okta's answer to a save is
    lost (HTTP 5xx, connection reset, timeout), the module reads the connection back before anything else.
    C(ENABLED) for the same username ends there; otherwise the save is sent once more, never a third time.
    M(idm.okta_salesforce.okta_sf_credentials_test) checks the API user in more depth, without Okta.
  - B(Two integration versions.) O(sf_auth=password_token) (default) is the procedure above. O(sf_auth=oauth) is
    Okta's OAuth and REST integration (the default for new Okta orgs); the module saves the connected app's
    O(sf_consumer_key) and O(sf_consumer_secret) (B(modelled) on the public OAUTH2 connection shape) and returns the
    consent link Okta gives (C(_links.authorize)) in RV(connection.consent_url), or the Admin Console link. The
    consent ("Authenticate with Salesforce.com") needs a browser and a Salesforce sign-in, so the module never gives
    it and never claims that it was given; RV(connection.consent) says C(pending) until Okta stops offering the link,
    with a warning. A rerun then verifies the consent and manages everything else as usual.
  - The version an app uses is read from its connection's C(authScheme) (C(TOKEN) is V(password_token), C(OAUTH2)
    is V(oauth)). A run that asks for the other version fails, naming both, and changes nothing, unless
    O(switch_version=true).
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.salesforce.credentials
  - idm.okta_salesforce.salesforce_oauth
  - idm.okta_salesforce.attributes
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request at all. C(changed) and the diff say what a real run would do, including the app
        that O(create_app=true) would create.
      - With O(create_app=true), whether the org exposes the new app's API integration cannot be known before the
        app exists. RV(connection.status) is then C(UNKNOWN), with a warning, instead of a predicted success.
      - Before provisioning is on, Okta does not answer the To App and To Okta settings; check mode then
        predicts them from Okta's documented defaults (RV(settings_source=okta_defaults)).
  diff_mode:
    support: full
    details:
      - Before and after of every managed setting, in this module's option vocabulary.
      - Secrets are never shown; C(credentials) is a fixed mask, and C(******** (will be sent)) when the run
        sends the password and security token.
  action_group:
    support: full
    membership:
      - idm.okta_salesforce.okta
    description: Use C(group/idm.okta_salesforce.okta) in C(module_defaults) to set the Okta options once.
options:
  app_id:
    description:
      - Id of the Salesforce.com app (C(0oa...)). One of O(app_id) and O(app_label) is required.
    type: str
  app_label:
    description:
      - Label of the Salesforce.com app as shown in the Admin Console, for example V(Salesforce.com).
      - The task fails, listing the Salesforce apps with their ids, when no app or several apps carry it.
    type: str
  create_app:
    description:
      - Create the Salesforce.com app (SAML 2.0 sign-on, activated) when no Salesforce app carries O(app_label).
      - Needs O(app_label). Uses O(instance_type) and O(integration_type), V(production) and V(standard) when unset.
      - The new app's connection is read right after it is created. In an org that does not expose it, the task
        fails with C(changed=true) (the app exists now), the new app in RV(app) and in the message, its Admin
        Console link, and what to do next (set up provisioning there, then rerun with O(app_id) and
        O(manage_connection=false)).
      - Never creates a second app with a label that an existing Salesforce app already has (in any letter case).
    type: bool
    default: false
  instance_type:
    description:
      - The kind of Salesforce org the app signs in to (the app's C(settings.app.instanceType)).
      - Enforced when set, by updating the app; left as it is when unset.
      - It decides where Okta checks the API credentials (sandbox orgs use C(test.salesforce.com)), so it is
        updated before the API integration is saved.
    type: str
    choices: [production, sandbox, government]
  integration_type:
    description:
      - The Salesforce integration type of the app (C(settings.app.integrationType)). Enforced when set.
    type: str
    choices: [standard, portal, community]
  state:
    description:
      - V(enabled) turns the API integration on and configures O(to_app) and O(to_okta).
      - V(disabled) deactivates the API integration (Okta keeps its credentials and settings); O(to_app) and
        O(to_okta) are then ignored, with a warning.
    type: str
    choices: [enabled, disabled]
    default: enabled
  manage_connection:
    description:
      - V(true) lets the module save and enable the API integration (the modelled call).
      - V(false) is for an API integration set up by hand in the Admin Console, and for orgs that do not expose
        it through their API. The module never touches the connection and ignores the Salesforce credential
        options and O(allow_push_null_values). It checks that provisioning is on from the app's C(features)
        array, and fails when that array is empty.
      - With V(false), when the features API answers, O(to_app) and O(to_okta) are managed as usual.
      - With V(false), when the org does not expose the features API (HTTP 400, 403, 404 or 501), the C(features)
        array is the only signal. It shows only whether Okta creates (C(PUSH_NEW_USERS)), updates (C(PUSH_PROFILE_UPDATES)),
        deactivates (C(PUSH_USER_DEACTIVATION)) users and syncs passwords (C(PUSH_PASSWORD_UPDATES)). Those
        O(to_app) options are then compared, never written, and the task fails when one differs, with the Admin
        Console link. What the array cannot show (O(to_app.sync_password.seed), O(to_app.sync_password.change)
        and all of O(to_okta)) is not checked; it is listed in RV(unverified) and in a warning.
      - With V(false), the connection is read for the result only. An org that does not expose it never fails
        the task, and RV(connection) then says C(UNKNOWN).
      - V(false) cannot be used with O(state=disabled) or O(create_app=true).
    type: bool
    default: true
  update_credentials:
    description:
      - When to send O(sf_password) and O(sf_security_token) to Okta. Okta never returns them, so they cannot
        be compared.
      - The credential options go together, O(sf_username), O(sf_password) and O(sf_security_token) (the token
        may be left out only when the Salesforce org trusts the addresses Okta logs in from). They are checked
        on every run, also when V(on_create) would not send them.
      - V(on_create) sends them only when the API integration is not enabled yet, when O(sf_username) changes,
        or when O(allow_push_null_values) changes (Okta saves all of them together). Otherwise a rerun sends
        nothing and reports no change.
      - V(always) sends them on every run, for rotation after a Salesforce password reset; the task then
        always reports changed.
    type: str
    choices: [on_create, always]
    default: on_create
  switch_version:
    description:
      - Move an app set up with one integration version to the one O(sf_auth) names, by saving the new version's
        credentials (Okta replaces the old ones). Needs those credentials (O(sf_consumer_key) and
        O(sf_consumer_secret), or O(sf_username), O(sf_password) and O(sf_security_token)).
      - With V(false), a run that asks for the version the app does not use fails, naming both versions, and
        changes nothing.
      - Moving to V(oauth) leaves the consent pending (see RV(connection.consent)). Plan the switch for a time when
        an admin can give it, since provisioning stops until then.
    type: bool
    default: false
  allow_push_null_values:
    description:
      - The "Allow Pushing Null Values" check box of the API integration. Okta's "Enable Salesforce provisioning"
        page describes it only as an optional step, selected "to allow null values to be pushed from Salesforce
        to Okta"; this collection claims no more about its effect than that page does.
      - Enforced when set. Okta saves it together with the credentials, so changing it sends them again and
        needs O(sf_username), O(sf_password) and O(sf_security_token). Not used with O(manage_connection=false).
      - When unset, the current value is kept when the credentials are sent; a new API integration is saved
        with V(false) (the check box left clear, as Okta's optional step leaves it).
    type: bool
  to_app:
    description:
      - The "To App" provisioning settings (Okta's USER_PROVISIONING feature). Only the options set are enforced.
    type: dict
    suboptions:
      create_users:
        description: Create a Salesforce user for each user assigned to the app.
        type: bool
      update_user_attributes:
        description: Push Okta profile changes to Salesforce.
        type: bool
      deactivate_users:
        description: Deactivate the Salesforce user when the Okta user is unassigned or deactivated.
        type: bool
      sync_password:
        description: Push a password to Salesforce for each user.
        type: dict
        suboptions:
          enabled:
            description: Whether passwords are pushed.
            type: bool
          seed:
            description:
              - V(random) pushes a random password, V(okta) the user's Okta password.
              - Takes effect while passwords are pushed (O(to_app.sync_password.enabled=true), given here or already on in Okta).
            type: str
            choices: [random, okta]
          change:
            description:
              - V(keep_existing) keeps a user's existing Salesforce password, V(change) replaces it.
              - Takes effect while passwords are pushed, like O(to_app.sync_password.seed).
            type: str
            choices: [keep_existing, change]
  to_okta:
    description:
      - The "To Okta" import settings (Okta's INBOUND_PROVISIONING feature). Only the options set are enforced.
      - Checked before any request is sent; invalid cron expressions or time zones fail the task.
    type: dict
    suboptions:
      schedule:
        description: The import schedule.
        type: dict
        suboptions:
          enabled:
            description:
              - Whether scheduled imports run. When unset, setting O(to_okta.schedule.full) or
                O(to_okta.schedule.incremental) turns the schedule on.
              - V(true) needs O(to_okta.schedule.full) or O(to_okta.schedule.incremental), given here or already set in
                Okta; else the task fails before any write.
            type: bool
          full:
            description:
              - When full imports run, as a 5-field UNIX cron expression (minute hour day-of-month month day-of-week),
                for example V(0 2 * * 0).
            type: str
          incremental:
            description: When incremental imports run, as a 5-field UNIX cron expression, for example V(0 */4 * * *).
            type: str
          timezone:
            description:
              - IANA time zone name of both schedules, for example V(Europe/Paris) or V(UTC).
              - Goes with O(to_okta.schedule.full) or O(to_okta.schedule.incremental) (or both), as the time zone of
                those imports. Set it with at least one of them, unless Okta already has an import schedule; a time
                zone alone fails the task before any write.
            type: str
      username_format:
        description:
          - Okta username of imported users. V(email) uses the email address; V(custom) uses
            O(to_okta.username_expression).
        type: str
        choices: [email, custom]
      username_expression:
        description:
          - Okta Expression Language expression that makes the username of imported users.
          - Required with O(to_okta.username_format=custom), and only used with it.
        type: str
      match:
        description: How imported users are matched to Okta users, and what happens to them.
        type: dict
        suboptions:
          criteria:
            description: The attribute that makes an exact match.
            type: str
            choices: [email, username]
          allow_partial:
            description: Also match on first and last name (a partial match).
            type: bool
          auto_confirm_exact:
            description: Confirm exact matches automatically.
            type: bool
          auto_confirm_partial:
            description: Confirm partial matches automatically.
            type: bool
          auto_confirm_new:
            description: Confirm new users automatically.
            type: bool
          auto_activate_new:
            description: Activate new users automatically.
            type: bool
notes:
  - Order of writes, each only when needed; create the app, update its type, save or change the state of
    the API integration, then the To App and To Okta settings.
  - Everything is read and checked before the first write, so bad input and missing credentials fail with
    nothing written.
  - Okta answers the To App and To Okta settings only once provisioning is on. On the run that enables it,
    the module reads them right after saving the API integration and writes only what then differs.
  - "Calls made, and what documents them (Okta management API reference, spec 2026.06.3; Salesforce's own
    API docs). B(Documented for Salesforce): C(GET /api/v1/apps?filter=name eq \"salesforce\"),
    C(GET /api/v1/apps/{appId}), C(POST /api/v1/apps?activate=true), C(PUT /api/v1/apps/{appId}) (the Salesforce
    app schema, key name C(salesforce)) and the app's read-only C(features) array (documented for every app)."
  - "B(Documented by Okta for other apps only) (Application Connections and Application Features APIs; Salesforce
    is not among the apps they list): C(GET /api/v1/apps/{appId}/connections/default) (for Salesforce its
    C(username) and C(allowPushNullValues) are modelled), C(POST .../connections/default/lifecycle/activate) and
    C(.../lifecycle/deactivate), C(GET) and C(PUT /api/v1/apps/{appId}/features/USER_PROVISIONING) and
    C(.../features/INBOUND_PROVISIONING)."
  - "B(Modelled): C(POST /api/v1/apps/{appId}/connections/default?activate=true) with the Salesforce API user's
    C(username), C(token) (password + security token) and C(allowPushNullValues); Okta publishes no call for
    Salesforce's Configure API Integration form."
  - "B(Modelled), OAuth version: the same C(POST) with C(profile.authScheme) C(OAUTH2), C(clientId) (the consumer key;
    public for okta_org2org only) and C(clientSecret) (the consumer secret). The answer's C(_links.authorize) is the
    public shape Okta documents for OAuth 2.0 connections (a browser consent); that Okta offers it while the consent is
    pending and stops once it is given is modelled."
seealso:
  - module: idm.okta_salesforce.okta_sf_credentials_test
  - module: idm.okta_salesforce.okta_app_assignment
"""

EXAMPLES = r"""
- name: OAuth version (the default for new Okta orgs); the task warns with the consent link until an admin gives it
  idm.okta_salesforce.okta_sf_provisioning:
    app_label: Salesforce.com
    sf_auth: oauth
    sf_consumer_key: "{{ vault_sf_consumer_key }}"
    sf_consumer_secret: "{{ vault_sf_consumer_secret }}"
    to_app: {create_users: true, update_user_attributes: true, deactivate_users: true}
  register: provisioning

- name: Stop until the consent is given
  ansible.builtin.fail:
    msg: "Open {{ provisioning.connection.consent_url }} and authenticate with Salesforce.com, then rerun."
  when: provisioning.connection.consent == 'pending'

- name: Enable Salesforce provisioning and configure To App and To Okta
  idm.okta_salesforce.okta_sf_provisioning:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Salesforce.com
    sf_username: okta.api@acme.com
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"
    allow_push_null_values: false
    to_app:
      create_users: true
      update_user_attributes: true
      deactivate_users: true
      sync_password:
        enabled: false
    to_okta:
      schedule:
        full: "0 2 * * 0"
        incremental: "0 */4 * * *"
        timezone: Europe/Paris
      username_format: email
      match:
        criteria: email
        auto_confirm_exact: true

- name: Audit (check mode) with the Okta options set once for the play
  module_defaults:
    group/idm.okta_salesforce.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  check_mode: true
  idm.okta_salesforce.okta_sf_provisioning:
    app_id: 0oa1abcdEFGH2345ijkl
    to_app:
      create_users: true
      deactivate_users: true
  register: audit

- name: Rotate the Salesforce credentials after a password reset
  idm.okta_salesforce.okta_sf_provisioning:
    app_label: Salesforce.com
    sf_username: okta.api@acme.com
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"
    update_credentials: always

- name: Create the app for a sandbox and enable provisioning on it
  idm.okta_salesforce.okta_sf_provisioning:
    app_label: Salesforce UAT
    create_app: true
    instance_type: sandbox
    sf_username: okta.api@acme.com.uat
    sf_password: "{{ vault_sf_password }}"
    sf_security_token: "{{ vault_sf_security_token }}"

- name: API integration set up by hand (org without the API); verify it and manage the rest
  idm.okta_salesforce.okta_sf_provisioning:
    app_label: Salesforce.com
    manage_connection: false
    to_app:
      create_users: true

- name: Turn provisioning off
  idm.okta_salesforce.okta_sf_provisioning:
    app_label: Salesforce.com
    state: disabled
"""

RETURN = r"""
app:
  description:
    - The Salesforce app (with O(create_app=true) in check mode, the app that would be created, with a null id).
    - Also in the failed result of a run that created the app but could not set its API integration.
  returned: always
  type: dict
  contains:
    id: {description: App id, type: str, returned: always}
    label: {description: App label, type: str, returned: always}
    name: {description: "Okta's app name, V(salesforce).", type: str, returned: always}
    instance_type: {description: "V(production), V(sandbox) or V(government).", type: str, returned: always}
    integration_type: {description: "V(standard), V(portal) or V(community).", type: str, returned: always}
    status: {description: App status, type: str, returned: always}
    admin_url: {description: Admin Console link of the app's provisioning tab, type: str, returned: always}
  sample:
    id: 0oasalesforce0001
    label: Salesforce.com
    name: salesforce
    instance_type: production
    integration_type: standard
    status: ACTIVE
    admin_url: https://acme-admin.okta.com/admin/app/salesforce/instance/0oasalesforce0001/#tab-user-management
connection:
  description:
    - The API integration after the run (as it would be, in check mode). Never holds a secret.
    - C(status) and C(auth_scheme) are C(UNKNOWN) in an org that does not expose it, and in check mode with
      O(create_app=true) (the app does not exist yet; C(username) and C(allow_push_null_values) are then what the
      run would save).
  returned: when the app exists or is created
  type: dict
  contains:
    status: {description: "C(ENABLED), C(DISABLED) or C(UNKNOWN).", type: str, returned: always}
    auth_scheme: {description: "C(TOKEN) (password + token version) or C(OAUTH2) (OAuth version); C(UNKNOWN) when not exposed.", type: str, returned: always}
    version:
      description: "The integration version, from C(auth_scheme): V(password_token) (C(TOKEN)) or V(oauth) (C(OAUTH2)); null when unknown."
      type: str
      returned: always
    username: {description: The Salesforce API user Okta holds (password + token version), type: str, returned: always}
    allow_push_null_values: {description: The "Allow Pushing Null Values" check box of the API integration, type: bool, returned: always}
    consumer_key: {description: "OAuth version: the connected app's consumer key Okta holds (its C(clientId)).", type: str, returned: always}
    consent:
      description:
        - "OAuth version: V(pending) while Okta offers the consent link (the admin has not yet clicked \"Authenticate with
          Salesforce.com\"; provisioning cannot reach Salesforce), V(given) once the connection is enabled without it.
          Null for the password + token version and an OAuth connection not saved yet. B(Modelled) (see the notes)."
      type: str
      returned: always
    consent_url:
      description: "OAuth version, consent pending: Okta's consent link (C(_links.authorize)), else the Admin Console link."
      type: str
      returned: always
  sample: {status: ENABLED, auth_scheme: TOKEN, version: password_token, username: okta.api@acme.com,
           allow_push_null_values: false, consumer_key: null, consent: null, consent_url: null}
to_app:
  description:
    - The To App settings after the run, in this module's option vocabulary.
    - With RV(settings_source=app_features), only what the app's C(features) array shows.
    - Null with O(state=disabled).
  returned: always
  type: dict
  sample:
    create_users: true
    update_user_attributes: true
    deactivate_users: true
    sync_password: {enabled: false, seed: random, change: keep_existing}
to_okta:
  description:
    - The To Okta settings after the run, in this module's option vocabulary.
    - Null with O(state=disabled), and when the org does not expose them (RV(settings_source=app_features)).
  returned: always
  type: dict
  sample:
    schedule: {enabled: true, full: "0 2 * * 0", incremental: "0 */4 * * *", timezone: Europe/Paris}
    username_format: email
    username_expression: null
    match: {criteria: email, allow_partial: false, auto_confirm_exact: true, auto_confirm_partial: false,
            auto_confirm_new: false, auto_activate_new: false}
settings_source:
  description:
    - Where RV(to_app) and RV(to_okta) come from. V(features_api) is Okta's features API. V(okta_defaults)
      means check mode predicted them from Okta's defaults because provisioning is not on yet. V(app_features)
      is the app's C(features) array only (an org that does not expose the features API). Null with
      O(state=disabled).
  returned: always
  type: str
  sample: features_api
unverified:
  description:
    - Wanted settings that could not be checked because the org does not expose them (see O(manage_connection)).
    - A warning says why, with Okta's answer (status, error code, request id).
  returned: always
  type: list
  elements: str
  sample: [to_okta.schedule.full]
features:
  description: The app's C(features) array (read-only in Okta), after the run. In check mode, as it is now.
  returned: always
  type: list
  elements: str
  sample: [PUSH_NEW_USERS, PUSH_PROFILE_UPDATES, PUSH_USER_DEACTIVATION]
api_calls:
  description: Okta API requests this task sent, by HTTP method and in total (retries and OAuth token requests included).
  returned: always
  type: dict
  sample: {GET: 5, POST: 1, PUT: 2, total: 8}
diff:
  description: Before and after of every managed setting; secrets are masked.
  returned: in diff mode
  type: dict
  sample:
    before: {connection: {status: DISABLED, username: null, credentials: null}, to_app: {create_users: false}}
    after: {connection: {status: ENABLED, username: okta.api@acme.com, credentials: "******** (will be sent)"},
            to_app: {create_users: true}}
okta_error:
  description: The Okta error's fields (status, error_code, summary, causes, request_id, method, path, hint), on failure.
  returned: when an Okta call failed
  type: dict
admin_url:
  description: Admin Console link of the app's provisioning tab, on a failure that asks you to finish there.
  returned: when the org does not expose the API integration, or the outcome of a save is unknown
  type: str
"""

from ansible.module_utils.basic import env_fallback

from ansible_collections.idm.okta_salesforce.plugins.module_utils._integration_versions import SF_AUTH_ARGUMENT_SPEC
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule
from ansible_collections.idm.okta_salesforce.plugins.module_utils._provisioning import (
    ProvisioningReconciler,
    wanted_from_params,
)

TO_APP_OPTIONS = dict(
    create_users=dict(type="bool"),
    update_user_attributes=dict(type="bool"),
    deactivate_users=dict(type="bool"),
    sync_password=dict(type="dict", no_log=False, options=dict(
        enabled=dict(type="bool"),
        seed=dict(type="str", choices=["random", "okta"]),
        change=dict(type="str", choices=["keep_existing", "change"]),
    )),
)

TO_OKTA_OPTIONS = dict(
    schedule=dict(type="dict", options=dict(
        enabled=dict(type="bool"),
        full=dict(type="str"),
        incremental=dict(type="str"),
        timezone=dict(type="str"),
    )),
    username_format=dict(type="str", choices=["email", "custom"]),
    username_expression=dict(type="str"),
    match=dict(type="dict", options=dict(
        criteria=dict(type="str", choices=["email", "username"]),
        allow_partial=dict(type="bool"),
        auto_confirm_exact=dict(type="bool"),
        auto_confirm_partial=dict(type="bool"),
        auto_confirm_new=dict(type="bool"),
        auto_activate_new=dict(type="bool"),
    )),
)

PROVISIONING_OPTIONS = dict(
    app_id=dict(type="str"),
    app_label=dict(type="str"),
    create_app=dict(type="bool", default=False),
    instance_type=dict(type="str", choices=["production", "sandbox", "government"]),
    integration_type=dict(type="str", choices=["standard", "portal", "community"]),
    state=dict(type="str", choices=["enabled", "disabled"], default="enabled"),
    manage_connection=dict(type="bool", default=True),
    sf_username=dict(type="str", fallback=(env_fallback, ["SF_USERNAME"])),
    sf_password=dict(type="str", no_log=True, fallback=(env_fallback, ["SF_PASSWORD"])),
    sf_security_token=dict(type="str", no_log=True, fallback=(env_fallback, ["SF_SECURITY_TOKEN"])),
    update_credentials=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
    switch_version=dict(type="bool", default=False),
    allow_push_null_values=dict(type="bool"),
    to_app=dict(type="dict", options=TO_APP_OPTIONS),
    to_okta=dict(type="dict", options=TO_OKTA_OPTIONS,
                 required_if=[("username_format", "custom", ("username_expression",))]),
    **SF_AUTH_ARGUMENT_SPEC,
)


def reconcile(module):
    wanted = wanted_from_params(module.params)
    return ProvisioningReconciler(module.client, wanted, check_mode=module.check_mode).run()


def main():
    module = OktaModule(
        argument_spec=PROVISIONING_OPTIONS,
        required_one_of=[("app_id", "app_label")],
        mutually_exclusive=[("app_id", "app_label")],
        required_if=[("create_app", True, ("app_label",))],
        required_by={"sf_password": ("sf_username",), "sf_security_token": ("sf_password",)},
    )
    module.run(reconcile)


if __name__ == "__main__":
    main()
