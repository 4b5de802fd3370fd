#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_sf_provisioning_info
short_description: Read the Salesforce provisioning state of Okta Salesforce.com apps
version_added: 0.1.0
description:
  - Reads, for one Okta Salesforce.com app (O(app_id) or O(app_label)) or for every Salesforce app of the org (neither
    set), what Okta holds about its provisioning. It returns the app, the API integration (connection), the To App and
    To Okta settings, the app's C(features) array and how many users and groups are assigned.
  - Read-only. It sends GET requests only and never reports C(changed).
  - The result always holds a list, RV(apps), with one entry per app (one entry when the app is named). The entries
    use the vocabulary that M(idm.okta_salesforce.okta_sf_provisioning) takes and returns. A read of the org can be
    compared with a playbook's wanted settings key by key.
  - 'Okta answers the To App and To Okta settings (its features API) only once provisioning is on. An org that does not
    expose the connection or features calls for Salesforce answers C(authScheme: UNKNOWN) for the connection, or refuses
    the reads with HTTP 400, 403, 404 or 501. None of this fails the task. The entry then says what could not be read,
    and why: RV(apps[].connection.exposed) is false, RV(apps[].settings_source) is V(app_features) (what the app''s
    C(features) array shows), and RV(apps[].unverified) and RV(apps[].unverified_reason) name the settings that could
    not be read, with Okta''s answer. A 403 can also mean that the token lacks the permission; the reason says so.
    A 401 (credentials), 429 (rate limit) or 5xx fails the task.'
  - B(The connection and features endpoints are documented by Okta for other apps only) (its Application Connections
    and Application Features APIs list C(google), C(office365), C(okta_org2org), C(slack), C(zoomus) and
    C(zscalerbyz), not Salesforce). For Salesforce, the C(username) and C(allowPushNullValues) of the connection read
    are modelled, as in M(idm.okta_salesforce.okta_sf_provisioning). See the notes for each call and its status.
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.attributes
  - idm.okta_salesforce.attributes.actiongroup_okta
  - idm.okta_salesforce.attributes.info_module
options:
  app_id:
    description:
      - Id of the Salesforce.com app (C(0oa...)) to read. Mutually exclusive with O(app_label).
      - When neither O(app_id) nor O(app_label) is set, every Salesforce app of the org is read.
    type: str
  app_label:
    description:
      - Label of the Salesforce.com app as shown in the Admin Console, for example V(Salesforce.com).
      - The task fails, listing the Salesforce apps with their ids, when no app or several apps carry it.
    type: str
  assignment_counts:
    description:
      - Count the users and groups assigned to each app (RV(apps[].assignments)).
      - Listing them takes one request per 500 users and per 200 groups. Set to V(false) to skip those reads on large
        apps; RV(apps[].assignments) is then null.
    type: bool
    default: true
notes:
  - Requests per app, all GET. The connection, then the USER_PROVISIONING and INBOUND_PROVISIONING features (Okta stops
    at the first 400). With O(assignment_counts=true), the app's users (C(limit=500)) and groups (C(limit=200)),
    page after page. Plus the app itself (O(app_id)) or the list of Salesforce apps
    (C(filter=name eq "salesforce"), C(limit=200), paged).
  - The Okta scope C(okta.apps.read) is enough for an OAuth 2.0 service app.
  - "Calls made, and what documents them (Okta management API reference, spec 2026.06.3). B(Documented for
    Salesforce): C(GET /api/v1/apps?filter=name eq \"salesforce\"), C(GET /api/v1/apps/{appId}) (the Salesforce app
    schema) with its read-only C(features) array, C(GET /api/v1/apps/{appId}/users) and C(.../groups) (every app)."
  - "B(Documented by Okta for other apps only): C(GET /api/v1/apps/{appId}/connections/default) (for Salesforce its
    C(username) and C(allowPushNullValues) are modelled), C(GET /api/v1/apps/{appId}/features/USER_PROVISIONING) and
    C(.../features/INBOUND_PROVISIONING)."
seealso:
  - module: idm.okta_salesforce.okta_sf_provisioning
  - module: idm.okta_salesforce.okta_app_assignment
"""

EXAMPLES = r"""
- name: Read the provisioning state of one Salesforce app
  idm.okta_salesforce.okta_sf_provisioning_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Salesforce.com
  register: sf_info

- name: Show whether Okta creates Salesforce users
  ansible.builtin.debug:
    msg: "{{ sf_info.apps[0].app.label }}: create users {{ sf_info.apps[0].to_app.create_users }}"

- name: Read every Salesforce app of the org, without counting assignments
  module_defaults:
    group/idm.okta_salesforce.okta:
      org_url: https://acme.okta.com
      api_token: "{{ okta_api_token }}"
  idm.okta_salesforce.okta_sf_provisioning_info:
    assignment_counts: false
  register: all_sf_apps

- name: List the Salesforce apps whose API integration is not enabled
  ansible.builtin.debug:
    msg: "{{ all_sf_apps.apps | rejectattr('connection.status', 'equalto', 'ENABLED') | map(attribute='app.label') | list }}"
"""

RETURN = r"""
apps:
  description:
    - One entry per Salesforce app read, in the order Okta lists them. Exactly one entry when O(app_id) or O(app_label)
      is set; an empty list when the org has no Salesforce app.
  returned: success
  type: list
  elements: dict
  contains:
    app:
      description: The app, as M(idm.okta_salesforce.okta_sf_provisioning) returns it.
      type: dict
      returned: always
      contains:
        id: {description: App id, type: str, returned: always}
        label: {description: App label, type: str, returned: always}
        name: {description: "Okta's app name, V(salesforce).", type: str, returned: always}
        instance_type: {description: "V(production), V(sandbox) or V(government).", type: str, returned: always}
        integration_type: {description: "V(standard), V(portal) or V(community).", type: str, returned: always}
        status: {description: "App status as Okta spells it (C(ACTIVE), C(INACTIVE)).", type: str, returned: always}
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
        - The API integration as Okta holds it. Never holds a secret (Okta never returns the password and security token).
        - C(status) and C(auth_scheme) are C(UNKNOWN) when the org does not expose it (C(exposed) false).
      type: dict
      returned: always
      contains:
        status: {description: "C(ENABLED), C(DISABLED) or C(UNKNOWN).", type: str, returned: always}
        auth_scheme: {description: "C(TOKEN) for the modelled Salesforce integration, C(OAUTH2), or C(UNKNOWN).", type: str, returned: always}
        username: {description: The Salesforce API user Okta holds; null when none is saved or it is not exposed, type: str, returned: always}
        allow_push_null_values: {description: The "Allow Pushing Null Values" check box of the API integration; null when unknown, type: bool, returned: always}
        version:
          description: "Okta's Salesforce integration version the app uses, from C(auth_scheme): V(password_token) (C(TOKEN))
            or V(oauth) (C(OAUTH2)); null when unknown."
          type: str
          returned: always
        consumer_key: {description: "OAuth version: the connected app's consumer key Okta holds (C(clientId)).", type: str, returned: always}
        consent:
          description: "OAuth version: V(pending) while Okta offers the browser consent link (\"Authenticate with
            Salesforce.com\" not done; provisioning cannot reach Salesforce), V(given) once enabled without it; null
            otherwise. Modelled, as in M(idm.okta_salesforce.okta_sf_provisioning)."
          type: str
          returned: always
        consent_url: {description: "Consent pending: Okta's consent link (C(_links.authorize)), else the Admin Console link.", type: str, returned: always}
        exposed: {description: "Whether the org exposes the app's connection through its API.", type: bool, returned: always}
      sample: {status: ENABLED, auth_scheme: OAUTH2, version: oauth, username: null, allow_push_null_values: null,
               consumer_key: 3MVG9sim000, consent: pending, consent_url: "https://login.salesforce.com/services/oauth2/authorize?...",
               exposed: true}
    to_app:
      description:
        - The To App settings, in the option vocabulary of M(idm.okta_salesforce.okta_sf_provisioning).
        - With RV(apps[].settings_source=app_features), only what the app's C(features) array shows (C(create_users),
          C(update_user_attributes), C(deactivate_users), C(sync_password.enabled)).
      type: dict
      returned: always
      sample:
        create_users: true
        update_user_attributes: true
        deactivate_users: true
        sync_password: {enabled: false, seed: random, change: keep_existing}
    to_okta:
      description:
        - The To Okta settings, in the option vocabulary of M(idm.okta_salesforce.okta_sf_provisioning).
        - Null when Okta does not answer them (RV(apps[].settings_source=app_features)).
      type: dict
      returned: always
      sample:
        schedule: {enabled: true, full: "0 2 * * 0", incremental: "0 */4 * * *", timezone: Europe/Paris}
        username_format: email
        username_expression: null
        match: {criteria: email, allow_partial: false, auto_confirm_exact: true, auto_confirm_partial: false,
                auto_confirm_new: false, auto_activate_new: false}
    settings_source:
      description:
        - Where RV(apps[].to_app) and RV(apps[].to_okta) come from. V(features_api) is Okta's features API.
        - V(app_features) is the app's C(features) array only. Okta refused the features API (HTTP 400 because
          provisioning is off, or 400, 403, 404 or 501 because the org does not expose it for the app).
      type: str
      returned: always
      sample: features_api
    unverified:
      description:
        - The parts that could not be read, as option paths. V(connection) when the connection is not exposed.
          V(to_app.sync_password.seed), V(to_app.sync_password.change) and V(to_okta) when the features API did not answer.
        - Empty when everything was read.
      type: list
      elements: str
      returned: always
      sample: [to_app.sync_password.seed, to_app.sync_password.change, to_okta]
    unverified_reason:
      description: Why RV(apps[].unverified) could not be read, with Okta's answer and request id; null when it is empty.
      type: str
      returned: always
      sample: >-
        the features API (USER_PROVISIONING) answered HTTP 400 E0000001: Provisioning is not enabled for the app
        instance, request id reqAbC123
    features:
      description: The app's C(features) array (read-only in Okta); empty when provisioning is off.
      type: list
      elements: str
      returned: always
      sample: [PUSH_NEW_USERS, PUSH_PROFILE_UPDATES, PUSH_USER_DEACTIVATION, REACTIVATE_USERS]
    assignments:
      description: How many users and groups are assigned to the app; null with O(assignment_counts=false).
      type: dict
      returned: always
      contains:
        users_direct: {description: Users assigned directly (scope C(USER)), type: int, returned: always}
        users_group: {description: Users who have the app only through a group (scope C(GROUP)), type: int, returned: always}
        groups: {description: Groups assigned to the app, type: int, returned: always}
      sample: {users_direct: 20, users_group: 12, groups: 2}
api_calls:
  description: Requests sent to Okta by this task, by HTTP method and in total (retries and token requests included).
  returned: always
  type: dict
  sample: {GET: 5, total: 5}
okta_error:
  description: The Okta error's fields (status, error_code, summary, causes, request_id, method, path, hint), on failure.
  returned: when an Okta call failed
  type: dict
"""

from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule
from ansible_collections.idm.okta_salesforce.plugins.module_utils._provisioning_info import read_provisioning_info

INFO_OPTIONS = dict(
    app_id=dict(type="str"),
    app_label=dict(type="str"),
    assignment_counts=dict(type="bool", default=True),
)


def read(module):
    params = module.params
    return read_provisioning_info(module.client, app_id=params["app_id"], app_label=params["app_label"],
                                  with_assignments=params["assignment_counts"])


def main():
    module = OktaModule(argument_spec=INFO_OPTIONS, mutually_exclusive=[("app_id", "app_label")])
    module.run(read)


if __name__ == "__main__":
    main()
