#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the idm.okta_salesforce collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: okta_sf_sync_info
short_description: Compare the users Okta assigned to a Salesforce app with the users of the Salesforce org
version_added: 0.2.0
description:
  - Answers "is provisioning really working?" for one Okta Salesforce.com app (O(app_id) or O(app_label)). It reads
    every user assigned to the app in Okta and every user of the Salesforce org, and returns counts and lists of the
    users on which the two sides disagree.
  - C(missing_in_salesforce) - assigned in Okta, no such user in Salesforce.
  - C(inactive_in_salesforce) - assigned in Okta, inactive in Salesforce.
  - C(profile_or_role_differs) - the Salesforce profile or role differs from the C(profile) or C(role) attribute of
    Okta's app-user profile. An attribute Okta leaves empty is not compared (Okta pushes nothing for it).
  - C(unassigned_in_okta) - active standard users of Salesforce that no Okta app user matches (a licence cost and an
    access risk). The API user (O(sf_username)) and the users of O(ignore_usernames) are never listed.
  - C(okta_sync_problems) - Okta app users whose C(syncState) is C(ERROR) or C(OUT_OF_SYNC), or whose C(status) is not
    provisioned (neither C(PROVISIONED) nor C(ACTIVE)), with the meaning Okta gives that state.
  - C(in_sync) - matched, active, same profile and role, and provisioned without a sync problem in Okta.
  - The problem categories are independent observations. A user in C(ERROR) in Okta who is also missing in Salesforce
    is counted in both. RV(healthy) is true when every problem count is 0.
  - Read-only. It sends GET requests to Okta, and one SOAP login, describes and SOQL SELECT queries to Salesforce.
    It never reports C(changed).
  - Memory stays flat as users grow. Both sides are streamed (Okta's pages of 500 app users, then Salesforce's
    batches of up to 2,000 users); only each Okta user's key and compared fields are kept while the Salesforce users
    stream past, and the lists stop at O(max_listed).
author:
  - idm.okta_salesforce contributors (!UNKNOWN)
extends_documentation_fragment:
  - idm.okta_salesforce.okta
  - idm.okta_salesforce.salesforce
  - idm.okta_salesforce.attributes
  - idm.okta_salesforce.attributes.actiongroup_okta
  - idm.okta_salesforce.attributes.info_module
options:
  app_id:
    description:
      - Id of the Salesforce.com app (C(0oa...)). Mutually exclusive with O(app_label); one of them is required.
    type: str
  app_label:
    description:
      - Label of the Salesforce.com app as shown in the Admin Console, for example V(Salesforce.com).
      - The task fails, listing the Salesforce apps with their ids, when no app or several apps carry it.
    type: str
  match_on:
    description:
      - How an Okta app user and a Salesforce user are matched, always without regard to case.
      - V(username) matches Okta's app username (C(credentials.userName)) with the Salesforce C(Username).
      - V(federation_id) matches Okta's app username with the Salesforce C(FederationIdentifier) (Federation ID), for
        orgs where the app username is the Federation ID (Okta's Salesforce Federated ID setup).
    type: str
    choices: [username, federation_id]
    default: username
  include:
    description:
      - The categories whose users are listed in RV(users). Counts (RV(counts)) always cover every category.
    type: list
    elements: str
    choices: [missing_in_salesforce, inactive_in_salesforce, profile_or_role_differs, unassigned_in_okta,
              okta_sync_problems, in_sync]
    default: [missing_in_salesforce, inactive_in_salesforce, profile_or_role_differs, unassigned_in_okta,
              okta_sync_problems]
  max_listed:
    description:
      - At most this many users listed per category, the first found. RV(truncated) names the categories with more.
    type: int
    default: 50
  ignore_usernames:
    description:
      - Salesforce usernames never listed in C(unassigned_in_okta), for example break-glass administrators that must not
        depend on Okta. Compared without regard to case. RV(counts.ignored) counts them.
      - The API user O(sf_username) is always ignored.
    type: list
    elements: str
    default: []
notes:
  - "Okta calls (public, documented for every app): C(GET /api/v1/apps/{appId}) or C(GET /api/v1/apps?filter=name eq
    \"salesforce\") to find the app, then C(GET /api/v1/apps/{appId}/users?limit=500), following the C(Link) header's
    C(rel=\"next\"). Scope C(okta.apps.read)."
  - "Salesforce calls (public, documented): the SOAP C(login) of the API user (one per run, never resent), then
    C(GET /services/data/vXX.X/sobjects/User/describe) and C(GET /services/data/vXX.X/query?q=SELECT Id, Username,
    FederationIdentifier, IsActive, UserType, Profile.Name, UserRole.Name, LastLoginDate FROM User) with its
    C(nextRecordsUrl) batches. Fields the describe does not list (C(UserRole) in an org without roles) are left out of
    the query, and the role is then not compared."
  - Okta's app user object has no error text (management API spec 2026.06.3). For C(okta_sync_problems) the reason is
    Okta's meaning of the status and C(syncState); the error itself is in the Admin Console's provisioning tasks and in
    the System Log (C(application.provision.user.*) events).
  - The API user sees every user only with the "View Setup and Configuration" or "Manage Users" permission, which Okta's
    integration needs anyway (see M(idm.okta_salesforce.okta_sf_credentials_test)).
requirements:
  - requests
  - simple-salesforce >= 1.12.8
seealso:
  - module: idm.okta_salesforce.okta_sf_provisioning_info
  - module: idm.okta_salesforce.okta_sf_credentials_test
  - module: idm.okta_salesforce.okta_app_assignment
"""

EXAMPLES = r"""
- name: Compare Okta's assignments with Salesforce's users
  idm.okta_salesforce.okta_sf_sync_info:
    org_url: https://acme.okta.com
    api_token: "{{ okta_api_token }}"
    app_label: Salesforce.com
    sf_username: okta.api@acme.com
    sf_password: "{{ sf_password }}"
    sf_security_token: "{{ sf_security_token }}"
    ignore_usernames: [breakglass.admin@acme.com]
  register: sync

- name: Fail when Okta assigned users that Salesforce does not have, or Okta could not push
  ansible.builtin.assert:
    that:
      - sync.counts.missing_in_salesforce == 0
      - sync.counts.okta_sync_problems == 0
    fail_msg: "{{ sync.users.missing_in_salesforce + sync.users.okta_sync_problems }}"

- name: Match on the Federation ID and list only the active Salesforce users nobody assigned in Okta
  idm.okta_salesforce.okta_sf_sync_info:
    app_id: 0oa1b2c3d4e5f6g7h8i9
    match_on: federation_id
    include: [unassigned_in_okta]
    max_listed: 500
    sf_username: okta.api@acme.com
    sf_password: "{{ sf_password }}"
    sf_security_token: "{{ sf_security_token }}"
  register: licences
"""

RETURN = r"""
healthy:
  description: True when every problem category (all but C(in_sync)) counts 0.
  returned: success
  type: bool
  sample: false
counts:
  description:
    - How many users fall in each category (always complete, whatever O(include) and O(max_listed)), and how many were
      read on each side.
  returned: success
  type: dict
  contains:
    missing_in_salesforce: {description: "Assigned in Okta, not found in Salesforce", type: int, returned: always}
    inactive_in_salesforce: {description: "Assigned in Okta, inactive in Salesforce", type: int, returned: always}
    profile_or_role_differs: {description: Salesforce profile or role differs from Okta's app-user profile, type: int, returned: always}
    unassigned_in_okta: {description: Active standard Salesforce users with no Okta app user, type: int, returned: always}
    okta_sync_problems: {description: "Okta app users in C(ERROR) or C(OUT_OF_SYNC), or not provisioned", type: int, returned: always}
    in_sync: {description: Users on which both sides agree, type: int, returned: always}
    okta_app_users: {description: Okta app users read, type: int, returned: always}
    salesforce_users: {description: Salesforce users read, type: int, returned: always}
    ignored: {description: Salesforce users skipped by O(ignore_usernames) or as the API user, type: int, returned: always}
  sample: {missing_in_salesforce: 1, inactive_in_salesforce: 0, profile_or_role_differs: 2, unassigned_in_okta: 3,
           okta_sync_problems: 1, in_sync: 412, okta_app_users: 416, salesforce_users: 431, ignored: 2}
users:
  description:
    - Per category named in O(include), the first O(max_listed) users found.
    - Okta-side entries carry C(username) (the app username), C(okta_user_id), C(scope), C(status); Salesforce-side
      entries C(username), C(salesforce_id), C(federation_id), C(profile), C(role), C(last_login).
    - C(profile_or_role_differs) entries carry C(differs) (V(profile), V(role)) and the values on each side under
      C(okta) and C(salesforce).
    - C(okta_sync_problems) entries carry C(status), C(sync_state), C(reason) (Okta's meaning of the state), C(last_sync)
      and C(status_changed).
  returned: success
  type: dict
  sample:
    missing_in_salesforce: [{username: jdoe@acme.com, okta_user_id: 00u1a2b3c4, scope: USER, status: PROVISIONED}]
    profile_or_role_differs:
      - {username: asmith@acme.com, okta_user_id: 00u5d6e7, salesforce_id: 005Hs00000Abc12AAA, differs: [role],
         okta: {role: Sales EMEA}, salesforce: {role: Sales US}}
    okta_sync_problems:
      - {username: bkim@acme.com, okta_user_id: 00u9f8e7, status: PROVISIONED, sync_state: ERROR, scope: GROUP,
         reason: "syncState ERROR: a background provisioning operation failed to update the user in Salesforce; ...",
         last_sync: "2026-11-30T02:00:11.000Z", status_changed: "2026-10-01T09:12:40.000Z"}
truncated:
  description: The listed categories that hold more users than RV(users) shows (raise O(max_listed) to see them).
  returned: success
  type: list
  elements: str
  sample: [unassigned_in_okta]
app:
  description: The app compared (id, label, instance type, Admin Console link of its provisioning tab).
  returned: success
  type: dict
  sample: {id: 0oasalesforce0001, label: Salesforce.com, instance_type: production,
           admin_url: "https://acme-admin.okta.com/admin/app/salesforce/instance/0oasalesforce0001/#tab-user-management"}
match_on:
  description: The O(match_on) used.
  returned: success
  type: str
  sample: username
salesforce_fields:
  description: The User fields queried (those the org's describe lists).
  returned: success
  type: list
  elements: str
  sample: [Id, Username, FederationIdentifier, IsActive, UserType, Profile.Name, UserRole.Name, LastLoginDate]
salesforce_calls:
  description: Requests sent to Salesforce by this task, by HTTP method and in total (the login is the one POST).
  returned: always
  type: dict
  sample: {GET: 4, POST: 1, total: 5}
api_calls:
  description: Requests sent to Okta by this task, by HTTP method and in total (retries and token requests included).
  returned: always
  type: dict
  sample: {GET: 3, total: 3}
fault_code:
  description: Salesforce's login fault code (for example C(INVALID_LOGIN)), when the login was refused.
  returned: when the Salesforce login was refused
  type: str
okta_error:
  description: The Okta error's fields (status, error_code, summary, causes, request_id, method, path, hint), on failure.
  returned: when an Okta call failed
  type: dict
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.idm.okta_salesforce.plugins.module_utils._errors import CollectionError
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_apps import app_summary, find_app
from ansible_collections.idm.okta_salesforce.plugins.module_utils._okta_module import OktaModule
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce import (
    HAS_REQUESTS,
    HAS_SIMPLE_SALESFORCE,
    SALESFORCE_ARGUMENT_SPEC,
    SalesforceLoginError,
    api_user_session,
    login_endpoint,
    tls_verify_setting,
)
from ansible_collections.idm.okta_salesforce.plugins.module_utils._salesforce_checks import login_failed_check
from ansible_collections.idm.okta_salesforce.plugins.module_utils._sync_health import (
    CATEGORIES,
    PROBLEM_CATEGORIES,
    SyncHealthRequest,
    read_sync_health,
)

SYNC_OPTIONS = dict(
    SALESFORCE_ARGUMENT_SPEC,
    app_id=dict(type="str"),
    app_label=dict(type="str"),
    match_on=dict(type="str", choices=["username", "federation_id"], default="username"),
    include=dict(type="list", elements="str", choices=list(CATEGORIES), default=list(PROBLEM_CATEGORIES)),
    max_listed=dict(type="int", default=50),
    ignore_usernames=dict(type="list", elements="str", default=[]),
)


def read(module):
    params = module.params
    for library, present in (("requests", HAS_REQUESTS), ("simple-salesforce", HAS_SIMPLE_SALESFORCE)):
        if not present:
            raise CollectionError(missing_required_lib(library))
    if params["max_listed"] < 0:
        raise CollectionError("max_listed must be 0 or more.")
    # Bad Salesforce options fail before anything is sent, to Okta or Salesforce.
    login_endpoint(params["sf_domain"], params["sf_login_url"], params["sf_api_version"])
    tls_verify_setting(params["sf_validate_certs"], params["sf_ca_path"])
    request = SyncHealthRequest(
        match_on=params["match_on"], include=tuple(params["include"]), max_listed=params["max_listed"],
        ignore_usernames=frozenset(name.strip().lower() for name in params["ignore_usernames"] + [params["sf_username"]]))
    app = find_app(module.client, app_id=params["app_id"], app_label=params["app_label"])
    calls = {"POST": 1}   # the login
    try:
        with api_user_session(params) as (sf, answer):
            sf.session.hooks["response"].append(lambda response, *args, **kwargs: _count(calls, response))
            result = read_sync_health(module.client, app, sf, request, host=answer.instance,
                                      timeout=float(params["sf_timeout"]))
    except SalesforceLoginError as error:
        check = login_failed_check(error.code, error.message, error.kind)
        raise CollectionError(f"The Salesforce login of {params['sf_username']} failed: {check.detail} "
                              f"Remedy: {check.remedy} Nothing was compared.",
                              fault_code=error.code if error.kind in ("fault", "retired", "version") else None,
                              salesforce_calls=_totals(calls)) from None
    summary = app_summary(module.client, app)
    result.update(changed=False, match_on=params["match_on"], salesforce_calls=_totals(calls),
                  app={name: summary[name] for name in ("id", "label", "instance_type", "admin_url")})
    return result


def _count(calls, response):
    method = response.request.method
    calls[method] = calls.get(method, 0) + 1


def _totals(calls):
    return dict(sorted(calls.items()), total=sum(calls.values()))


def main():
    module = OktaModule(argument_spec=SYNC_OPTIONS, mutually_exclusive=[("app_id", "app_label")],
                        required_one_of=[("app_id", "app_label")])
    module.run(read)


if __name__ == "__main__":
    main()
